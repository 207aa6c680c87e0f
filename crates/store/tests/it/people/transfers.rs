//! Transfers (组织关系转接): issued by the side holding the member, accepted or returned
//! (with a reason) only by the receiving side, across towns; the derived counts equal the
//! records after each.

use qunlian_domain::auth::Caller;
use qunlian_domain::people::TransferState;
use qunlian_store::people::TransferSide;
use qunlian_store::{Store, StoreError};
use qunlian_testkit::*;

use super::world;

async fn counts_agree(s: &Store) {
    let sys = system();
    let derived = s.people().derived_counts(&sys).await.unwrap();
    let direct = s.people().direct_counts(&sys).await.unwrap();
    let nonzero = |m: std::collections::HashMap<i64, qunlian_store::people::MemberCounts>| {
        let mut v: Vec<_> =
            m.into_iter().filter(|(_, c)| c.total() > 0).map(|(k, c)| (k, c.full, c.probationary)).collect();
        v.sort();
        v
    };
    assert_eq!(nonzero(derived), nonzero(direct));
}

async fn ids(s: &Store, c: &Caller, side: TransferSide) -> Vec<i64> {
    s.people().transfers(c, side).await.unwrap().into_iter().map(|t| t.id).collect()
}

#[tokio::test]
async fn a_transfer_across_towns_is_accepted_only_by_the_receiving_side() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let sys = system();
    let m = s.people().create(&sys, member(1, w.org_a.0), false).await.unwrap();
    s.people().create(&sys, member(2, w.org_a.0), false).await.unwrap();
    s.people().create(&sys, member(3, w.org_b.0), false).await.unwrap();

    // The receiving town cannot send a member it does not hold.
    assert!(matches!(s.people().issue_transfer(&w.jiuting, m, w.org_b.0, "", false).await, Err(StoreError::NotFound)));
    let t = s.people().issue_transfer(&w.branch_a, m, w.org_b.0, "工作调动", false).await.unwrap();
    let e = s.people().issue_transfer(&w.xinqiao, m, w.org_b.0, "", false).await.unwrap_err();
    assert!(e.to_string().contains("待接收"), "one pending per member: {e}");
    assert_eq!(ids(s, &w.xinqiao, TransferSide::Outgoing).await, vec![t]);
    assert_eq!(ids(s, &w.jiuting, TransferSide::Incoming).await, vec![t]);
    assert!(ids(s, &w.jiuting, TransferSide::Outgoing).await.is_empty());
    assert!(ids(s, &w.xinqiao, TransferSide::Incoming).await.is_empty());

    // The sending side cannot accept its own transfer.
    for c in [&w.xinqiao, &w.branch_a] {
        let r = s.people().decide_transfer(c, t, TransferState::Accepted, None).await;
        assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    }
    counts_agree(s).await;
    s.people().decide_transfer(&w.jiuting, t, TransferState::Accepted, None).await.unwrap();
    assert_eq!(s.people().member(&w.jiuting, m).await.unwrap().org_id, w.org_b.0);
    assert!(matches!(s.people().member(&w.xinqiao, m).await, Err(StoreError::NotFound)));
    let counts = s.people().derived_counts(&sys).await.unwrap();
    assert_eq!((counts[&w.org_a.0].total(), counts[&w.org_b.0].total()), (1, 2));
    counts_agree(s).await;
    // Decided once.
    let e = s.people().decide_transfer(&w.jiuting, t, TransferState::Returned, Some("重复处理")).await.unwrap_err();
    assert!(e.to_string().contains("不能改为"), "{e}");
    let listed = s.people().transfers(&w.xinqiao, TransferSide::Outgoing).await.unwrap();
    assert_eq!((listed[0].state, listed[0].decided_by.as_deref()), (TransferState::Accepted, Some("jt")));
}

#[tokio::test]
async fn a_returned_transfer_keeps_its_reason_and_the_member_where_it_was() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let m = s.people().create(&system(), member(1, w.org_a.0), false).await.unwrap();
    let t = s.people().issue_transfer(&w.xinqiao, m, w.org_b.0, "", false).await.unwrap();
    let e = s.people().decide_transfer(&w.jiuting, t, TransferState::Returned, Some(" ")).await.unwrap_err();
    assert!(e.to_string().starts_with("退回原因"), "{e}");
    s.people().decide_transfer(&w.jiuting, t, TransferState::Returned, Some("接收单位信息有误")).await.unwrap();
    let back = s.people().transfers(&w.xinqiao, TransferSide::Outgoing).await.unwrap();
    assert_eq!((back[0].state, back[0].reason.as_deref()), (TransferState::Returned, Some("接收单位信息有误")));
    assert_eq!(s.people().member(&w.xinqiao, m).await.unwrap().org_id, w.org_a.0);
    counts_agree(s).await;
    // Issued again once returned.
    let again = s.people().issue_transfer(&w.xinqiao, m, w.org_b.0, "更正后重新转出", false).await.unwrap();
    assert_ne!(again, t);
    let auditor = user(s, "au", qunlian_domain::auth::Role::AuditAdmin, qunlian_domain::auth::Scope::Nothing).await;
    let log = super::audit(s, &auditor, Some("transfer.return"), None).await;
    assert!(log.items[0].detail.contains("接收单位信息有误"), "{}", log.items[0].detail);
}
