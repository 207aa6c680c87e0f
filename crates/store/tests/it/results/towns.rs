//! A town's headline counts the introductions, service requests and projects of that town —
//! introductions with either side's enterprise there, requests of its enterprises, projects of
//! its Party organisations — each equal to a direct count of its records, and each equal to
//! the list its link opens (the same filter).

use chrono::{Datelike, Duration};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Role, Scope};
use qunlian_domain::matching::{IntroductionState, ListingKind, Reach};
use qunlian_domain::projects::{ApplicationAction as A, Decision, Tier};
use qunlian_domain::results::Period;
use qunlian_store::matching::IntroductionFilter;
use qunlian_store::projects::ProjectFilter;
use qunlian_store::results::{FigureScope, Value, introduction_filter, service_filter};
use qunlian_store::services::ServiceFilter;
use qunlian_testkit::*;

use super::{count, exec};

const XINQIAO: &str = "310117105";
const JIUTING: &str = "310117107";
const AWARDED: &str = "('demonstration','excellent','selected','implementing','closed')";

#[tokio::test]
async fn a_towns_chain_services_and_projects_equal_direct_counts() {
    let db = TestDb::new().await;
    let s = &db.store;
    let admin = system();
    // 昱章 and 世格 in 新桥 with their branches and applications, a request of 昱章.
    let w = crate::projects::world(&db).await;
    let p = s.projects();
    crate::projects::under_review(&db, &w).await;
    p.act(&admin, w.a1, A::Decide(Decision::Award(Tier::Excellent)), "", None).await.unwrap();
    p.act(&admin, w.a2, A::Decide(Decision::Award(Tier::Selected)), "", None).await.unwrap();
    // 世格 and its branch move to 九亭 (behind the store: the filters read today's towns).
    exec(&db.url, &format!("UPDATE units SET town_code = '{JIUTING}' WHERE id = {}", w.e2.0)).await;
    let org2 = count(&db.url, &format!("SELECT party_org_id FROM party_org_units WHERE unit_id = {}", w.e2.0)).await;
    exec(&db.url, &format!("UPDATE party_orgs SET town_code = '{JIUTING}' WHERE id = {org2}")).await;
    // A third enterprise in 九亭 with a request; an introduction 昱章 (新桥) ↔ 远方 (九亭),
    // won; one 昱章 ↔ 世格 (now 九亭 too) made last year.
    let far = s.registry().create_enterprise(&admin, enterprise(3, "上海远方化工有限公司", "九亭")).await.unwrap();
    let dept = department(s, 20, "区商务委").await;
    let item = s.services().save_item(&admin, service_item(dept.0, "SW-01", "外贸备案")).await.unwrap();
    s.services().file_request(&admin, service_request(item, far)).await.unwrap();
    let m = s.matching();
    let need =
        crate::matching::published(s, w.e1, listing(ListingKind::Need, "急需电磁阀", "配套", Reach::District)).await;
    let offer =
        crate::matching::published(s, far, listing(ListingKind::Offer, "供应电磁阀", "现货", Reach::District)).await;
    let offer2 =
        crate::matching::published(s, w.e2, listing(ListingKind::Offer, "供应阀体", "现货", Reach::District)).await;
    let new = |offer| crate::matching::introduction(need, offer, IntroductionState::Introduced);
    let id = m.introduce(&admin, new(offer)).await.unwrap();
    m.introduction_step(&admin, id, IntroductionState::Won, Some(80.0), None, "").await.unwrap();
    m.demo_introduce_at(&admin, new(offer2), s.now() - Duration::days(365)).await.unwrap();

    let year = s.today().year();
    let period = Period::year(year);
    let district = user(s, "district", Role::DistrictAdmin, Scope::Region(RegionCode::parse("310117").unwrap())).await;
    let jiuting_admin = user(s, "jiuting", Role::TownAdmin, Scope::Region(RegionCode::parse(JIUTING).unwrap())).await;
    let direct = |sql: String| {
        let url = db.url.clone();
        async move { count(&url, &sql).await as u64 }
    };
    let mut requests_seen = Vec::new();
    for (caller, town) in [(&district, XINQIAO), (&district, JIUTING), (&jiuting_admin, JIUTING)] {
        let code = RegionCode::parse(town).unwrap();
        let h = s.results().headline(caller, FigureScope::Town(code), period).await.unwrap();
        let value = |key: &str| h.figure(key).unwrap_or_else(|| panic!("{town}: no figure {key}")).current;
        let previous = |key: &str| h.figure(key).unwrap().previous;
        let units = format!("SELECT id FROM units WHERE town_code = '{town}'");
        let made = |y: i32, won: bool| {
            direct(format!(
                "SELECT COUNT(*) FROM introductions WHERE created_at >= '{y}-01-01' AND created_at < '{}-01-01' \
                 AND (need_unit_id IN ({units}) OR offer_unit_id IN ({units})){}",
                y + 1,
                if won { " AND state = 'won'" } else { "" }
            ))
        };
        assert_eq!(value("introductions"), Value::Count(made(year, false).await), "{town}");
        assert_eq!(previous("introductions"), Some(Value::Count(made(year - 1, false).await)), "{town}");
        assert_eq!(value("deals"), Value::Count(made(year, true).await), "{town}");
        let filed = direct(format!(
            "SELECT COUNT(*) FROM service_requests WHERE unit_id IN ({units}) \
             AND filed_at >= '{year}-01-01' AND filed_at < '{}-01-01'",
            year + 1
        ))
        .await;
        assert_eq!(value("requests"), Value::Count(filed), "{town}");
        let orgs = format!(
            "SELECT id FROM party_orgs WHERE town_code = '{town}' \
             UNION SELECT party_org_id FROM party_org_units WHERE unit_id IN ({units})"
        );
        let projects = |tier: &str| {
            direct(format!(
                "SELECT COUNT(*) FROM project_applications a JOIN project_rounds r ON r.id = a.round_id \
                 WHERE r.year = {year} AND a.state IN {AWARDED} AND a.org_id IN ({orgs}){tier}"
            ))
        };
        assert_eq!(value("projects"), Value::Count(projects("").await), "{town}");
        assert_eq!(value("tier:excellent"), Value::Count(projects(" AND a.state = 'excellent'").await), "{town}");

        // The lists the links open, with the same filters, hold as many.
        let listed = m
            .introductions(caller, &IntroductionFilter { town: Some(code), ..introduction_filter(None, period, false) })
            .await
            .unwrap();
        assert_eq!(Value::Count(listed.len() as u64), value("introductions"), "{town}");
        let f = ServiceFilter { town: Some(code), ..service_filter(None, period) };
        let list = s.services().requests_filtered(caller, &f).await.unwrap();
        assert_eq!(Value::Count(list.len() as u64), value("requests"), "{town}");
        let f = ProjectFilter { year: Some(year), town: Some(code), ..ProjectFilter::default() };
        assert_eq!(Value::Count(p.figure_list(caller, &f).await.unwrap().len() as u64), value("projects"), "{town}");
        requests_seen.push((town, value("introductions"), value("requests"), value("projects")));
    }
    // The counts tell the towns apart: 新桥 has 昱章's request and project and the deal with
    // 远方; 九亭 远方's request, 世格's project and the same deal (either side counts).
    assert_eq!(
        requests_seen[..2],
        [
            (XINQIAO, Value::Count(1), Value::Count(1), Value::Count(1)),
            (JIUTING, Value::Count(1), Value::Count(1), Value::Count(1)),
        ]
    );
    assert_eq!(requests_seen[1], requests_seen[2], "the town's own admin sees the same");
}
