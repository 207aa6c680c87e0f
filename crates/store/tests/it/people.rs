//! Member records (issue #13): scope by list, by id, by edit and by import; the ID number and
//! phone encrypted at rest and masked in every output; the reveal audited with its reason;
//! the roster import's refusals, kept rows and re-run; the derived counts against a direct
//! count.

use qunlian_domain::auth::{Caller, OrgId, Role, Scope};
use qunlian_domain::people::{MemberFields, OrgRef, RevealReason, Standing};
use qunlian_store::audit::{AuditEntry, AuditFilter};
use qunlian_store::people::{MemberFilter, RosterRow};
use qunlian_store::{Page, PageRequest, Store, StoreError};
use qunlian_testkit::*;

mod development;
mod groups;
mod instructors;
mod transfers;

struct World {
    xinqiao: Caller,
    jiuting: Caller,
    branch_a: Caller,
    org_a: OrgId,
    org_b: OrgId,
}

/// Firm 甲 in 新桥 with its branch, firm 乙 in 九亭 with its branch, and the two towns'
/// admins and 甲's branch secretary.
async fn world(s: &Store) -> World {
    let [a, b] = enterprises(s, [("上海甲电气有限公司", "新桥"), ("上海乙轴承有限公司", "九亭")]).await;
    let org_a = s.registry().create_org(&system(), org("上海甲电气有限公司党支部", vec![a])).await.unwrap();
    let org_b = s.registry().create_org(&system(), org("上海乙轴承有限公司党支部", vec![b])).await.unwrap();
    World {
        xinqiao: user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await,
        jiuting: user(s, "jt", Role::TownAdmin, Scope::Region(town("九亭"))).await,
        branch_a: user(s, "ba", Role::BranchSecretary, Scope::PartyOrg(org_a)).await,
        org_a,
        org_b,
    }
}

async fn names(s: &Store, c: &Caller) -> Vec<String> {
    let page = s.people().members(c, &MemberFilter::default(), PageRequest::default()).await.unwrap();
    let mut v: Vec<String> = page.items.into_iter().map(|m| m.name).collect();
    v.sort();
    v
}

/// The audit log as the audit administrator reads it: by action, or by a word.
async fn audit(s: &Store, auditor: &Caller, action: Option<&str>, q: Option<&str>) -> Page<AuditEntry> {
    let filter = AuditFilter { action: action.map(str::to_owned), q: q.map(str::to_owned), ..Default::default() };
    s.audit().search(auditor, &filter, PageRequest::default()).await.unwrap()
}

fn reason(s: &str) -> RevealReason {
    RevealReason::parse(s).unwrap()
}

#[tokio::test]
async fn a_town_admin_reaches_no_other_towns_members_by_list_id_edit_or_import() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let sys = system();
    let a1 = s.people().create(&sys, member(1, w.org_a.0), false).await.unwrap();
    let b1 = s.people().create(&sys, member(2, w.org_b.0), false).await.unwrap();
    let (n1, n2) = (member(1, 0).name, member(2, 0).name);

    assert_eq!(names(s, &w.xinqiao).await, vec![n1.clone()]);
    assert_eq!(names(s, &w.jiuting).await, vec![n2.clone()]);
    assert_eq!(names(s, &w.branch_a).await, vec![n1.clone()]);
    assert_eq!(names(s, &sys).await.len(), 2);

    // By id: the same answer as no such member.
    assert!(matches!(s.people().member(&w.xinqiao, b1).await, Err(StoreError::NotFound)));
    assert!(matches!(s.people().reveal(&w.xinqiao, b1, &reason("核对材料")).await, Err(StoreError::NotFound)));
    assert!(matches!(
        s.people().update(&w.xinqiao, b1, MemberFields { name: "改名".into(), ..member(2, w.org_a.0) }).await,
        Err(StoreError::NotFound)
    ));
    // Into another town's organisation.
    let e = s.people().create(&w.xinqiao, member(3, w.org_b.0), false).await.unwrap_err();
    assert!(e.to_string().starts_with("所属党组织"), "{e}");
    // Moving one's own member out of the scope is refused the same way.
    let e = s.people().update(&w.xinqiao, a1, member(1, w.org_b.0)).await.unwrap_err();
    assert!(e.to_string().starts_with("所属党组织"), "{e}");

    // By import: a row for 乙's branch, and a row carrying 乙's member's ID number into 甲's.
    let rows = vec![
        RosterRow {
            line: 2,
            fields: MemberFields { org: OrgRef::Name("上海乙轴承有限公司党支部".into()), ..member(4, 0) },
        },
        RosterRow { line: 3, fields: member(2, w.org_a.0) },
    ];
    let out = s.people().import_roster(&w.xinqiao, rows, "名册.xlsx", vec![], false).await.unwrap();
    assert_eq!((out.imported, out.updated), (0, 0), "{out:?}");
    assert_eq!(out.rejects.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3]);
    assert!(out.rejects[0].reason.contains("不在您的权限范围内"), "{:?}", out.rejects);
    assert!(out.rejects[1].reason.contains("权限范围以外"), "{:?}", out.rejects);
    assert_eq!(s.people().member(&sys, b1).await.unwrap().org_id, w.org_b.0, "乙's member stays where it was");

    // Roles without members: a service officer, a reviewer, a leader, an enterprise contact.
    let dept = department(s, 9, "区经委").await;
    for (name, role, scope) in [
        ("so", Role::ServiceOfficer, Scope::Department(dept)),
        ("rv", Role::Reviewer, Scope::Nothing),
        ("ld", Role::Leader, Scope::All),
    ] {
        let c = user(s, name, role, scope).await;
        let listed = s.people().members(&c, &MemberFilter::default(), PageRequest::default()).await;
        assert!(matches!(listed, Err(StoreError::Forbidden)), "{role:?}");
    }
}

#[tokio::test]
async fn id_numbers_and_phones_are_encrypted_masked_and_revealed_only_with_a_reason() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let f = member(7, w.org_a.0);
    let (id, phone) = (f.id_number.clone().unwrap(), f.phone.clone().unwrap());
    let m = s.people().create(&w.branch_a, f, false).await.unwrap();

    // At rest: neither number, nor its middle digits, in any column of the row.
    for column in ["id_number_enc", "id_number_bidx", "phone_enc", "phone_bidx"] {
        let raw = crate::registry::personal_data::raw_column(&db, &format!("SELECT {column} FROM members")).await;
        assert!(!raw.is_empty());
        assert!(!raw.contains(&id.as_str()[6..14]) && !raw.contains(&phone.as_str()[3..]), "{column}: {raw}");
    }

    // Masked in the record, the list and the export.
    let shown = s.people().member(&w.xinqiao, m).await.unwrap();
    assert_eq!(shown.id_number.as_deref(), Some(id.masked().as_str()));
    assert_eq!(shown.phone.as_deref(), Some(phone.masked().as_str()));
    let listed = s.people().members(&w.xinqiao, &MemberFilter::default(), PageRequest::default()).await.unwrap();
    let exported = s.people().export(&w.xinqiao, &MemberFilter::default()).await.unwrap();
    for out in [&listed.items[0], &exported[0]] {
        let text = format!("{out:?}");
        assert!(!text.contains(id.as_str()) && !text.contains(phone.as_str()), "{text}");
        assert_eq!(out.id_number.as_deref(), Some(id.masked().as_str()));
    }

    // A second record with the same ID number is refused, found by the blind index.
    let e = s.people().create(&w.xinqiao, member(7, w.org_a.0), false).await.unwrap_err();
    assert!(e.to_string().contains("已登记为党员"), "{e}");

    // The reveal: the reason, who and whom in the audit log.
    let shown_in_full = s.people().reveal(&w.xinqiao, m, &reason("核对组织关系转接材料")).await.unwrap();
    assert_eq!(shown_in_full.id_number.as_deref(), Some(id.as_str()));
    assert_eq!(shown_in_full.phone.as_deref(), Some(phone.as_str()));
    let auditor = user(s, "au", Role::AuditAdmin, Scope::Nothing).await;
    let log = audit(s, &auditor, Some("personal.read"), None).await;
    assert_eq!(log.total, 1);
    let entry = &log.items[0];
    assert_eq!((entry.username.as_str(), entry.target.as_str()), ("xq", "member"));
    assert_eq!(entry.target_id.as_deref(), Some(m.to_string().as_str()));
    assert!(entry.detail.contains(&shown.name) && entry.detail.contains("核对组织关系转接材料"), "{}", entry.detail);
    assert!(!entry.detail.contains(id.as_str()), "the log holds no number");

    // Every change is audited; the numbers only as 已更改.
    let edit = MemberFields {
        standing: Standing::Probationary,
        phone: Some(qunlian_domain::Phone::parse("13900000001").unwrap()),
        ..member(7, w.org_a.0)
    };
    s.people().update(&w.branch_a, m, edit).await.unwrap();
    let log = audit(s, &auditor, None, Some("member")).await;
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    for a in ["member.create", "member.update", "member.export"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let update = log.items.iter().find(|e| e.action == "member.update").unwrap();
    assert!(
        update.detail.contains("联系电话：已更改") && update.detail.contains("党员类别：预备党员"),
        "{}",
        update.detail
    );
    assert!(!update.detail.contains("13900000001"));

    // A leader reads dashboards, not members; nobody reveals without the power.
    let leader = user(s, "ld", Role::Leader, Scope::All).await;
    assert!(matches!(s.people().reveal(&leader, m, &reason("核对材料")).await, Err(StoreError::Forbidden)));
}

#[tokio::test]
async fn a_roster_import_keeps_its_good_rows_names_the_bad_and_a_rerun_adds_nothing() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let by_name =
        |n: u64| MemberFields { org: OrgRef::Name("上海甲电气有限公司党支部".into()), ..member(n, 0) };
    let rows = || {
        vec![
            RosterRow { line: 2, fields: by_name(11) },
            RosterRow { line: 3, fields: MemberFields { standing: Standing::Probationary, ..by_name(12) } },
            RosterRow { line: 4, fields: MemberFields { id_number: None, ..by_name(13) } },
            RosterRow { line: 5, fields: by_name(11) },
            RosterRow {
                line: 6, fields: MemberFields { org: OrgRef::Name("不存在的党支部".into()), ..member(14, 0) }
            },
            RosterRow { line: 7, fields: by_name(15) },
        ]
    };
    let file_rejects =
        vec![qunlian_store::people::RosterReject { line: 8, reason: "人员类别：无法识别".into() }];
    let out = s.people().import_roster(&w.branch_a, rows(), "名册.xlsx", file_rejects, false).await.unwrap();
    assert_eq!((out.imported, out.updated, out.unchanged), (3, 0, 0), "{out:?}");
    let lines: Vec<(usize, &str)> = out.rejects.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(lines.iter().map(|(l, _)| *l).collect::<Vec<_>>(), vec![4, 5, 6, 8]);
    assert!(lines[0].1.starts_with("身份证号码：导入时必填"), "{lines:?}");
    assert!(lines[1].1.contains("与第2行重复"), "{lines:?}");
    assert!(lines[2].1.contains("“不存在的党支部”不存在"), "{lines:?}");
    assert_eq!(names(s, &w.branch_a).await.len(), 3);

    // The same file again: nothing new, nothing changed.
    let again = s.people().import_roster(&w.branch_a, rows(), "名册.xlsx", vec![], false).await.unwrap();
    assert_eq!((again.imported, again.updated, again.unchanged), (0, 0, 3), "{again:?}");
    assert_eq!(names(s, &w.branch_a).await.len(), 3);

    // A corrected row updates its member only.
    let mut changed = rows();
    changed[1].fields.standing = Standing::Full;
    let third = s.people().import_roster(&w.branch_a, changed, "名册（修正）.xlsx", vec![], false).await.unwrap();
    assert_eq!((third.imported, third.updated, third.unchanged), (0, 1, 2), "{third:?}");
    let counts = s.people().derived_counts(&w.branch_a).await.unwrap();
    assert_eq!(counts[&w.org_a.0].full, 3);

    let auditor = user(s, "au", Role::AuditAdmin, Scope::Nothing).await;
    let created = audit(s, &auditor, Some("member.create"), None).await;
    assert_eq!(created.total, 3, "one line per member imported");
    // Each line names its member (the import writes them in batches, matched by ID number).
    let members = s.people().members(&w.branch_a, &Default::default(), PageRequest::default()).await.unwrap();
    for e in &created.items {
        let id = e.target_id.as_deref().and_then(|t| t.parse::<i64>().ok()).expect("a member id");
        let m = members.items.iter().find(|m| m.id == id).unwrap_or_else(|| panic!("no member {id}: {e:?}"));
        assert!(e.detail.contains(&m.name), "{e:?} names {}", m.name);
    }
    let summary = audit(s, &auditor, Some("member.import"), None).await;
    assert_eq!(summary.total, 3);
    assert!(summary.items.iter().any(|e| e.detail.contains("新增3，更新0，未变0，拒绝4")), "{:?}", summary.items);
}

#[tokio::test]
async fn the_member_count_is_derived_from_the_roster_and_equals_a_direct_count() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let sys = system();
    // 乙's branch has a typed figure and no roster: it stays, marked as typed.
    s.registry()
        .update_org(
            &sys,
            w.org_b,
            qunlian_store::registry::OrgEdit {
                parent: None,
                secretary_name: None,
                members_count: Some(40),
                on: d("2026-01-01"),
            },
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for n in 0..9u64 {
        let standing = if n.is_multiple_of(3) { Standing::Probationary } else { Standing::Full };
        ids.push(
            s.people().create(&sys, MemberFields { standing, ..member(100 + n, w.org_a.0) }, false).await.unwrap(),
        );
    }
    // Changes the triggers must follow: a standing, a move to 乙's branch and back, an import.
    s.people().update(&sys, ids[0], member(100, w.org_a.0)).await.unwrap();
    s.people().update(&sys, ids[1], member(101, w.org_b.0)).await.unwrap();
    s.people().update(&sys, ids[2], member(102, w.org_b.0)).await.unwrap();
    s.people().update(&sys, ids[2], member(102, w.org_a.0)).await.unwrap();
    let rows = (200..204).map(|n| RosterRow { line: n as usize, fields: member(n, w.org_a.0) }).collect();
    s.people().import_roster(&sys, rows, "名册.xlsx", vec![], false).await.unwrap();

    let derived = s.people().derived_counts(&sys).await.unwrap();
    let direct = s.people().direct_counts(&sys).await.unwrap();
    assert_eq!(derived, direct);
    assert_eq!(derived[&w.org_a.0].total(), 12);
    assert_eq!(derived[&w.org_a.0].probationary, 2);

    let a = s.registry().party_org(&sys, w.org_a).await.unwrap().org;
    assert_eq!((a.members_count, a.members_hand_typed), (Some(12), false));
    // 乙's branch now has one member on its roster: the typed 40 gives way to the record.
    let b = s.registry().party_org(&sys, w.org_b).await.unwrap().org;
    assert_eq!((b.members_count, b.members_hand_typed), (Some(1), false));
    // An organisation without a roster keeps its typed figure, marked as such.
    let c = s.registry().create_org(&sys, typed_org(40)).await.unwrap();
    let c = s.registry().party_org(&sys, c).await.unwrap().org;
    assert_eq!((c.members_count, c.members_hand_typed), (Some(40), true));
    let tree = s.registry().org_tree(&sys, None, false).await.unwrap();
    assert_eq!(tree.iter().find(|o| o.id == w.org_a).unwrap().members_count, Some(12));
}

/// An organisation of 新桥 under no unit, with a typed member count.
fn typed_org(n: i32) -> qunlian_store::registry::NewOrg {
    qunlian_store::registry::NewOrg {
        members_count: Some(n),
        town_code: Some(town("新桥").to_string()),
        ..org("新桥镇机关党委", vec![])
    }
}
