//! Issue #11, point 10: an enterprise contact proposes renaming, dissolving or merging the
//! Party organisations covering its enterprise and its 高新 / 专精特新 flags; a town or district
//! admin of the scope confirms (the change is made) or returns them. Attacks: a contact
//! proposing for another firm's organisation, an admin of another town deciding, confirming
//! twice, a dissolved organisation.

use qunlian_domain::auth::{Caller, OrgId, Role, Scope, UnitId};
use qunlian_domain::registry::{OrgForm, ProposalDecision, ProposalFields, ProposalState, RawProposal};
use qunlian_store::policies::NewPolicy;
use qunlian_store::registry::NewOrg;
use qunlian_store::{Store, StoreError};
use qunlian_testkit::*;

use super::import::audit_details;

struct World {
    a: UnitId,
    /// A's own branch; B's own branch; a joint branch of A (新桥) and C (九亭).
    own_a: OrgId,
    own_b: OrgId,
    joint: OrgId,
    contact_a: Caller,
    xinqiao: Caller,
    jiuting: Caller,
    sijing: Caller,
}

async fn world(s: &Store) -> World {
    let sys = system();
    let a = s.registry().create_enterprise(&sys, enterprise(801, "上海甲精密有限公司", "新桥")).await.unwrap();
    let b = s.registry().create_enterprise(&sys, enterprise(802, "上海乙精密有限公司", "新桥")).await.unwrap();
    let c = s.registry().create_enterprise(&sys, enterprise(803, "上海丙精密有限公司", "九亭")).await.unwrap();
    let own = |name: &str, u| NewOrg { form: OrgForm::Independent, ..org(name, vec![u]) };
    let own_a = s.registry().create_org(&sys, own("甲公司党支部", a)).await.unwrap();
    let own_b = s.registry().create_org(&sys, own("乙公司党支部", b)).await.unwrap();
    let joint = s
        .registry()
        .create_org(&sys, NewOrg { form: OrgForm::Joint, ..org("甲丙联合党支部", vec![a, c]) })
        .await
        .unwrap();
    World {
        a,
        own_a,
        own_b,
        joint,
        contact_a: user(s, "contact_a", Role::EnterpriseContact, Scope::Enterprise(a)).await,
        xinqiao: user(s, "xinqiao", Role::TownAdmin, Scope::Region(town("新桥"))).await,
        jiuting: user(s, "jiuting", Role::TownAdmin, Scope::Region(town("九亭"))).await,
        sijing: user(s, "sijing", Role::TownAdmin, Scope::Region(town("泗泾"))).await,
    }
}

fn fields(kind: &str, org: OrgId, f: impl FnOnce(&mut RawProposal)) -> ProposalFields {
    let mut raw =
        RawProposal {
            kind: kind.into(), org: org.to_string(), reason: "企业情况变化".into(), ..Default::default()
        };
    f(&mut raw);
    ProposalFields::parse(&raw).unwrap()
}

fn invalid_field(r: Result<impl std::fmt::Debug, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

#[tokio::test]
async fn a_contact_proposes_and_an_admin_of_the_scope_confirms_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let today = s.today();

    // The contact no longer changes organisations itself.
    let direct = s.registry().rename_org(&w.contact_a, w.own_a, "甲公司新党支部", today).await;
    assert!(matches!(direct, Err(StoreError::Forbidden)), "{direct:?}");
    assert!(matches!(s.registry().dissolve_org(&w.contact_a, w.joint, today, "x").await, Err(StoreError::Forbidden)));
    assert!(matches!(s.registry().merge_org(&w.contact_a, w.own_a, w.joint, today).await, Err(StoreError::Forbidden)));

    // Firm A's contact cannot propose for firm B's organisation, nor merge into it.
    let other = s.registry().propose(&w.contact_a, fields("rename_org", w.own_b, |r| r.new_name = "改名".into())).await;
    assert_eq!(invalid_field(other), "党组织");
    let into_b =
        s.registry().propose(&w.contact_a, fields("merge_org", w.own_a, |r| r.into = w.own_b.to_string())).await;
    assert_eq!(invalid_field(into_b), "并入组织");
    // An admin proposes nothing.
    assert!(matches!(
        s.registry().propose(&w.xinqiao, fields("dissolve_org", w.own_a, |_| ())).await,
        Err(StoreError::Forbidden)
    ));

    let id = s
        .registry()
        .propose(&w.contact_a, fields("rename_org", w.own_a, |r| r.new_name = "甲公司第一党支部".into()))
        .await
        .unwrap();
    let again = s.registry().propose(&w.contact_a, fields("rename_org", w.own_a, |r| r.new_name = "别的".into())).await;
    assert_eq!(invalid_field(again), "变更类型", "one pending proposal of a kind per organisation");
    assert_eq!(
        s.registry().party_org(&system(), w.own_a).await.unwrap().org.name,
        "甲公司党支部",
        "nothing changed yet"
    );

    // 泗泾's admin neither sees nor decides it; 九亭's does not see A's own branch either.
    assert_eq!(s.registry().pending_proposals(&w.sijing).await.unwrap(), 0);
    assert_eq!(s.registry().pending_proposals(&w.jiuting).await.unwrap(), 0);
    for outsider in [&w.sijing, &w.jiuting] {
        let r = s.registry().decide_proposal(outsider, id, ProposalDecision::Confirm, "").await;
        assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    }
    assert!(matches!(
        s.registry().decide_proposal(&w.contact_a, id, ProposalDecision::Confirm, "").await,
        Err(StoreError::Forbidden)
    ));
    assert_eq!(s.registry().pending_proposals(&w.xinqiao).await.unwrap(), 1);
    let queue = s.registry().proposals(&w.xinqiao, true).await.unwrap();
    assert_eq!(queue.iter().map(|p| p.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(queue[0].summary, "党组织“甲公司党支部”更名为“甲公司第一党支部”");

    s.registry().decide_proposal(&w.xinqiao, id, ProposalDecision::Confirm, "").await.unwrap();
    let renamed = s.registry().party_org(&system(), w.own_a).await.unwrap();
    assert_eq!(renamed.org.name, "甲公司第一党支部");
    assert_eq!(renamed.events.iter().filter(|e| e.kind == qunlian_domain::registry::OrgEventKind::Renamed).count(), 1);
    // Confirming twice changes nothing more.
    let twice = s.registry().decide_proposal(&w.xinqiao, id, ProposalDecision::Confirm, "").await;
    assert_eq!(invalid_field(twice), "状态");
    let back = s.registry().decide_proposal(&w.xinqiao, id, ProposalDecision::Return, "错了").await;
    assert_eq!(invalid_field(back), "状态");
    assert_eq!(s.registry().party_org(&system(), w.own_a).await.unwrap().events.len(), renamed.events.len());
    let mine = s.registry().proposals(&w.contact_a, false).await.unwrap();
    assert_eq!((mine[0].state, mine[0].decider.as_deref()), (ProposalState::Confirmed, Some("xinqiao")));

    // Audited, naming the organisation, the unit and the fields: the proposal, the
    // confirmation and the rename itself under the admin's name.
    let created = audit_details(s, "registry.proposal.create").await;
    assert!(created.iter().any(|(_, d)| d.contains("甲公司党支部") && d.contains("企业情况变化")), "{created:?}");
    let confirmed = audit_details(s, "registry.proposal.confirm").await;
    assert!(confirmed.iter().any(|(t, d)| t.as_deref() == Some(&*id.to_string()) && d.contains("contact_a")));
    let renames = audit_details(s, "org.rename").await;
    assert!(renames.iter().any(|(t, d)| t.as_deref() == Some(&*w.own_a.to_string()) && d.contains("甲公司第一党支部")));
}

#[tokio::test]
async fn a_joint_organisation_reaches_the_admins_of_every_town_concerned() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let dissolve = s.registry().propose(&w.contact_a, fields("dissolve_org", w.joint, |_| ())).await.unwrap();
    assert_eq!(s.registry().pending_proposals(&w.xinqiao).await.unwrap(), 1);
    assert_eq!(s.registry().pending_proposals(&w.jiuting).await.unwrap(), 1, "C in 九亭 is covered too");
    assert_eq!(s.registry().pending_proposals(&w.sijing).await.unwrap(), 0);
    // A return needs its reason; 九亭 returns it, and 新桥 can no longer confirm it.
    let bare = s.registry().decide_proposal(&w.jiuting, dissolve, ProposalDecision::Return, " ").await;
    assert_eq!(invalid_field(bare), "退回理由");
    s.registry().decide_proposal(&w.jiuting, dissolve, ProposalDecision::Return, "联合支部仍在运行").await.unwrap();
    let late = s.registry().decide_proposal(&w.xinqiao, dissolve, ProposalDecision::Confirm, "").await;
    assert_eq!(invalid_field(late), "状态");
    assert!(s.registry().party_org(&system(), w.joint).await.unwrap().org.dissolved_on.is_none());
    let mine = s.registry().proposals(&w.contact_a, false).await.unwrap();
    assert_eq!(mine[0].return_reason.as_deref(), Some("联合支部仍在运行"));

    // A merger into the joint branch, which the district dissolves before it is confirmed:
    // the confirmation is refused by the merge's own rule and the proposal stays 待确认.
    let merge = s
        .registry()
        .propose(&w.contact_a, fields("merge_org", w.own_a, |r| r.into = w.joint.to_string()))
        .await
        .unwrap();
    s.registry().dissolve_org(&system(), w.joint, s.today(), "撤并").await.unwrap();
    let refused = s.registry().decide_proposal(&w.xinqiao, merge, ProposalDecision::Confirm, "").await;
    assert_eq!(invalid_field(refused), "并入组织");
    assert!(s.registry().party_org(&system(), w.own_a).await.unwrap().org.dissolved_on.is_none());
    assert_eq!(s.registry().proposals(&w.xinqiao, true).await.unwrap()[0].state, ProposalState::Pending);
    // A dissolved organisation takes no proposal.
    let gone = s.registry().propose(&w.contact_a, fields("rename_org", w.joint, |r| r.new_name = "新名".into())).await;
    assert_eq!(invalid_field(gone), "党组织");
}

#[tokio::test]
async fn a_confirmed_high_tech_flag_changes_the_firms_free_policies() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let dept = department(s, 804, "上海市松江区科学技术委员会").await;
    let policy = NewPolicy {
        title: "高企奖励".into(),
        department_id: dept.0,
        doc_number: "松科〔2026〕1号".into(),
        valid_from: d("2026-01-01"),
        valid_until: None,
        content: "政策内容".into(),
        rule: "高新技术企业".into(),
        is_demo: false,
    };
    let pid = s.policies().save(&system(), None, policy).await.unwrap();
    let mine = |s: &Store, c: &Caller| {
        let (s, c) = (s.clone(), c.clone());
        async move { s.policies().my_policies(&c).await.unwrap().iter().map(|p| p.policy.id).collect::<Vec<_>>() }
    };
    assert!(!mine(s, &w.contact_a).await.contains(&pid));

    // The contact cannot mark its firm itself.
    let mut input = enterprise(801, "上海甲精密有限公司", "新桥");
    input.high_tech = true;
    assert_eq!(invalid_field(s.registry().update_enterprise(&w.contact_a, w.a, input).await), "高新技术企业");
    let flags = |ht: &str| {
        ProposalFields::parse(&RawProposal {
            kind: "firm_flags".into(),
            high_tech: ht.into(),
            srdi: "专精特新".into(),
            reason: "2026年认定".into(),
            ..Default::default()
        })
        .unwrap()
    };
    let id = s.registry().propose(&w.contact_a, flags("是")).await.unwrap();
    assert!(!mine(s, &w.contact_a).await.contains(&pid), "a proposal is not yet a fact");
    assert_eq!(s.registry().pending_proposals(&w.jiuting).await.unwrap(), 0, "a firm's flags are its town's");
    s.registry().decide_proposal(&w.xinqiao, id, ProposalDecision::Confirm, "").await.unwrap();
    let firm = s.registry().enterprise(&system(), w.a).await.unwrap();
    assert!(firm.high_tech);
    assert_eq!(firm.srdi_label, "专精特新（市级）");
    assert!(mine(s, &w.contact_a).await.contains(&pid), "免申即享 follows the confirmed flag");
    let updates = audit_details(s, "unit.update").await;
    assert!(updates.iter().any(|(t, d)| t.as_deref() == Some(&*w.a.to_string()) && d.contains("高新")), "{updates:?}");
    // The same flags again are no change.
    assert_eq!(invalid_field(s.registry().propose(&w.contact_a, flags("是")).await), "高新技术企业");
}

/// Makes the database refuse the audit line of every confirmation (on) or stop refusing
/// it (off): a write failing after the change itself was made.
async fn refuse_confirmation_lines(db: &TestDb, on: bool) {
    use sea_orm::ConnectionTrait;
    let raw = sea_orm::Database::connect(&db.url).await.unwrap();
    let sql = match (db.is_postgres(), on) {
        (false, true) => "CREATE TRIGGER refuse_confirm BEFORE INSERT ON audit_log \
             WHEN NEW.action = 'registry.proposal.confirm' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            .to_owned(),
        (false, false) => "DROP TRIGGER refuse_confirm".to_owned(),
        (true, true) => "CREATE FUNCTION refuse_confirm() RETURNS trigger AS $$ BEGIN \
             IF NEW.action = 'registry.proposal.confirm' THEN RAISE EXCEPTION 'refused'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_confirm BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_confirm()"
            .to_owned(),
        (true, false) => "DROP TRIGGER refuse_confirm ON audit_log".to_owned(),
    };
    raw.execute_unprepared(&sql).await.unwrap();
}

#[tokio::test]
async fn a_confirmation_is_made_whole_or_not_at_all() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let rename = s
        .registry()
        .propose(&w.contact_a, fields("rename_org", w.own_a, |r| r.new_name = "甲公司第一党支部".into()))
        .await
        .unwrap();
    let flags = s
        .registry()
        .propose(
            &w.contact_a,
            ProposalFields::parse(&RawProposal {
                kind: "firm_flags".into(),
                high_tech: "是".into(),
                srdi: "无".into(),
                reason: "2026年认定".into(),
                ..Default::default()
            })
            .unwrap(),
        )
        .await
        .unwrap();

    // The confirmation's own audit line fails after the change was written: before, the
    // organisation stayed renamed and the proposal 已确认 with no line saying who confirmed.
    refuse_confirmation_lines(&db, true).await;
    for id in [rename, flags] {
        let r = s.registry().decide_proposal(&w.xinqiao, id, ProposalDecision::Confirm, "").await;
        assert!(matches!(r, Err(StoreError::Db(_))), "{r:?}");
    }
    assert_eq!(s.registry().party_org(&system(), w.own_a).await.unwrap().org.name, "甲公司党支部");
    assert!(!s.registry().enterprise(&system(), w.a).await.unwrap().high_tech);
    let queue = s.registry().proposals(&w.xinqiao, true).await.unwrap();
    assert_eq!(queue.len(), 2, "both still 待确认: {queue:?}");
    assert!(queue.iter().all(|p| p.state == ProposalState::Pending && p.decider.is_none()));
    assert!(audit_details(s, "org.rename").await.is_empty(), "the rename's own line went with it");
    assert!(audit_details(s, "unit.update").await.is_empty());

    // Once the database takes the line again, the same confirmation goes through whole.
    refuse_confirmation_lines(&db, false).await;
    for id in [rename, flags] {
        s.registry().decide_proposal(&w.xinqiao, id, ProposalDecision::Confirm, "").await.unwrap();
    }
    assert_eq!(s.registry().party_org(&system(), w.own_a).await.unwrap().org.name, "甲公司第一党支部");
    assert!(s.registry().enterprise(&system(), w.a).await.unwrap().high_tech);
    assert_eq!(audit_details(s, "registry.proposal.confirm").await.len(), 2);
    assert_eq!(audit_details(s, "org.rename").await.len(), 1);
}

#[tokio::test]
async fn two_admins_confirming_at_once_make_the_change_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    // A joint branch over firms of 新桥 and 九亭: both towns' admins may decide.
    let id = s
        .registry()
        .propose(&w.contact_a, fields("rename_org", w.joint, |r| r.new_name = "甲丙联合第一党支部".into()))
        .await
        .unwrap();
    let (x, j) = tokio::join!(
        s.registry().decide_proposal(&w.xinqiao, id, ProposalDecision::Confirm, ""),
        s.registry().decide_proposal(&w.jiuting, id, ProposalDecision::Confirm, ""),
    );
    let (won, lost) = match (x, j) {
        (Ok(()), lost) => ("xinqiao", lost),
        (lost, Ok(())) => ("jiuting", lost),
        (a, b) => panic!("neither confirmation went through: {a:?} {b:?}"),
    };
    assert_eq!(invalid_field(lost), "状态", "the second finds it decided");
    let org = s.registry().party_org(&system(), w.joint).await.unwrap();
    assert_eq!(org.org.name, "甲丙联合第一党支部");
    let renamed = org.events.iter().filter(|e| e.kind == qunlian_domain::registry::OrgEventKind::Renamed).count();
    assert_eq!(renamed, 1);
    assert_eq!(audit_details(s, "org.rename").await.len(), 1);
    let confirmed = audit_details(s, "registry.proposal.confirm").await;
    assert_eq!(confirmed.len(), 1, "{confirmed:?}");
    let mine = s.registry().proposals(&w.contact_a, false).await.unwrap();
    assert_eq!((mine[0].state, mine[0].decider.as_deref()), (ProposalState::Confirmed, Some(won)));
}
