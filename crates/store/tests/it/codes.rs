//! Coded columns (units.kind, listings.reach, party_orgs.form …) are mapped to the domain's
//! enums in the entities while holding the text they always held: rows written by an older
//! binary read back as the same values, and a value no version wrote is an error that names
//! its table, column and value instead of a guessed default. SQLite, and PostgreSQL when
//! TEST_DATABASE_URL is set.

use qunlian_domain::auth::{Role, Scope};
use qunlian_domain::coverage::{AssignmentState, WorkLinkKind};
use qunlian_domain::matching::{ListingKind, Reach, Urgency};
use qunlian_domain::registry::{EnterpriseInput, OrgEventKind, OrgForm, PairingKind, SrdiLevel, UnitKind};
use qunlian_store::StoreError;
use qunlian_store::coverage::{AssignmentFilter, NewAssignment, NewWorkLink};
use qunlian_testkit::*;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// The error a read gave must be the unknown code at this table, column and value.
fn names(e: StoreError, table: &str, column: &str, value: &str) {
    match e {
        StoreError::UnknownCode { table: t, column: c, value: v, .. } => {
            assert_eq!((t.as_str(), c.as_str(), v.as_str()), (table, column, value));
        }
        other => panic!("expected an unknown code at {table}.{column}, got {other:?}"),
    }
}

async fn exec(raw: &DatabaseConnection, sql: String) {
    raw.execute_raw(Statement::from_string(raw.get_database_backend(), sql)).await.unwrap();
}

async fn text(raw: &DatabaseConnection, sql: String) -> String {
    let row = raw.query_one_raw(Statement::from_string(raw.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<String>(0).unwrap()
}

#[tokio::test]
async fn coded_columns_keep_their_text_and_name_an_unknown_value() {
    let db = TestDb::new().await;
    let s = &db.store;
    let sys = system();
    let firm = s
        .registry()
        .create_enterprise(
            &sys,
            EnterpriseInput { srdi: SrdiLevel::Municipal, ..enterprise(1, "上海旧码科技有限公司", "新桥") },
        )
        .await
        .unwrap();
    let org = s.registry().create_org(&sys, org("上海旧码科技有限公司党支部", vec![firm])).await.unwrap();
    let need = s
        .matching()
        .publish(&sys, firm, listing(ListingKind::Need, "急需去毛刺液", "原材料去毛刺液供给受阻", Reach::Town), false)
        .await
        .unwrap();
    let pairing = s
        .registry()
        .create_pairing(&sys, PairingKind::EnterpriseSchool, firm, None, Some("新桥职校"), None, "实训", false)
        .await
        .unwrap();
    let link = NewWorkLink {
        unit: firm,
        kind: WorkLinkKind::Instructor,
        instructor_name: Some("王指导".into()),
        party_org: None,
        since: d("2026-01-05"),
        note: None,
        is_demo: false,
    };
    s.coverage().add_work_link(&sys, link).await.unwrap();
    let other = s.registry().create_enterprise(&sys, enterprise(2, "上海待建科技有限公司", "新桥")).await.unwrap();
    let duty = NewAssignment {
        unit: other,
        responsible_unit: "新桥镇党建办".into(),
        instructor_name: None,
        due_on: d("2026-12-31"),
        note: None,
        is_demo: false,
    };
    s.coverage().create_assignment(&sys, duty).await.unwrap();
    let duties = AssignmentFilter { unit: Some(other), ..AssignmentFilter::default() };
    let officer = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let raw = sea_orm::Database::connect(&db.url).await.unwrap();

    // The text in the columns is what it always was.
    let id = firm.0;
    assert_eq!(text(&raw, format!("SELECT kind FROM units WHERE id = {id}")).await, "enterprise");
    assert_eq!(text(&raw, format!("SELECT CAST(srdi AS TEXT) FROM units WHERE id = {id}")).await, "2");
    assert_eq!(
        text(&raw, format!("SELECT kind || ' ' || category || ' ' || urgency || ' ' || reach || ' ' || status FROM listings WHERE id = {need}")).await,
        "need material normal town open"
    );
    assert_eq!(
        text(&raw, format!("SELECT kind || ' ' || form FROM party_orgs WHERE id = {}", org.0)).await,
        "branch independent"
    );
    assert_eq!(text(&raw, format!("SELECT kind FROM pairings WHERE id = {pairing}")).await, "enterprise_school");
    assert_eq!(text(&raw, format!("SELECT kind FROM coverage_work_links WHERE unit_id = {id}")).await, "instructor");
    assert_eq!(text(&raw, "SELECT role FROM users WHERE username = 'xq'".to_owned()).await, "town_admin");
    assert_eq!(text(&raw, format!("SELECT state FROM coverage_assignments WHERE unit_id = {}", other.0)).await, "open");
    let org_id = org.0;
    assert_eq!(
        text(&raw, format!("SELECT kind FROM party_org_events WHERE party_org_id = {org_id}")).await,
        "established"
    );

    // Rows as an older binary wrote them read back as the same values.
    exec(&raw, format!("UPDATE units SET kind = 'school', srdi = 3 WHERE id = {id}")).await;
    let school = s.registry().enterprise(&sys, firm).await.unwrap();
    assert_eq!((school.kind, school.srdi), (UnitKind::School, SrdiLevel::National));
    exec(&raw, format!("UPDATE listings SET urgency = 'urgent', reach = 'corridor' WHERE id = {need}")).await;
    let l = s.matching().listing(&sys, need).await.unwrap();
    assert_eq!((l.urgency, l.reach), (Urgency::Urgent, Reach::Corridor));
    exec(&raw, format!("UPDATE party_orgs SET form = 'joint' WHERE id = {}", org.0)).await;
    assert_eq!(s.registry().party_org(&sys, org).await.unwrap().org.form, OrgForm::Joint.label());
    exec(&raw, format!("UPDATE party_org_events SET kind = 'renamed' WHERE party_org_id = {org_id}")).await;
    let events = s.registry().party_org(&sys, org).await.unwrap().events;
    assert_eq!(events.iter().map(|e| (e.kind, e.kind_label)).collect::<Vec<_>>(), [(OrgEventKind::Renamed, "更名")]);
    exec(&raw, format!("UPDATE coverage_assignments SET state = 'closed' WHERE unit_id = {}", other.0)).await;
    let closed = s.coverage().assignments(&sys, &duties).await.unwrap();
    assert_eq!(closed.iter().map(|a| a.open).collect::<Vec<_>>(), [false]);
    let open = AssignmentFilter { state: Some(AssignmentState::Open), ..duties.clone() };
    assert!(s.coverage().assignments(&sys, &open).await.unwrap().is_empty());

    // A value no version wrote is an error naming where it is, never a default.
    exec(&raw, format!("UPDATE units SET kind = 'factory' WHERE id = {id}")).await;
    names(s.registry().enterprise(&sys, firm).await.unwrap_err(), "units", "kind", "factory");
    exec(&raw, format!("UPDATE units SET kind = 'enterprise', srdi = 7 WHERE id = {id}")).await;
    names(s.registry().enterprise(&sys, firm).await.unwrap_err(), "units", "srdi", "7");
    exec(&raw, format!("UPDATE units SET srdi = 2 WHERE id = {id}")).await;
    exec(&raw, format!("UPDATE listings SET reach = 'city' WHERE id = {need}")).await;
    names(s.matching().listing(&sys, need).await.unwrap_err(), "listings", "reach", "city");
    exec(&raw, format!("UPDATE party_orgs SET form = 'mixed' WHERE id = {}", org.0)).await;
    names(s.registry().party_org(&sys, org).await.unwrap_err(), "party_orgs", "form", "mixed");
    exec(&raw, format!("UPDATE party_orgs SET form = 'independent' WHERE id = {org_id}")).await;
    exec(&raw, format!("UPDATE party_org_events SET kind = 'split' WHERE party_org_id = {org_id}")).await;
    names(s.registry().party_org(&sys, org).await.unwrap_err(), "party_org_events", "kind", "split");
    exec(&raw, format!("UPDATE coverage_assignments SET state = 'paused' WHERE unit_id = {}", other.0)).await;
    names(s.coverage().assignments(&sys, &duties).await.unwrap_err(), "coverage_assignments", "state", "paused");
    exec(&raw, format!("UPDATE pairings SET kind = 'twins' WHERE id = {pairing}")).await;
    names(s.registry().pairing(&sys, pairing).await.unwrap_err(), "pairings", "kind", "twins");
    exec(&raw, format!("UPDATE coverage_work_links SET kind = 'visits' WHERE unit_id = {id}")).await;
    names(s.coverage().work_links(&sys, firm).await.unwrap_err(), "coverage_work_links", "kind", "visits");
    exec(&raw, "UPDATE users SET role = 'boss' WHERE username = 'xq'".to_owned()).await;
    names(s.accounts().user(caller_id(&officer)).await.unwrap_err(), "users", "role", "boss");
    // The message names them too, for the log.
    let e = s.accounts().user(caller_id(&officer)).await.unwrap_err().to_string();
    assert!(e.contains("users.role") && e.contains("boss"), "{e}");
}
