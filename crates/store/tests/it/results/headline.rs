//! The headline figures of a district, a town and a cluster (`Results::headline`, behind the
//! figures API and the 大屏): each equal to a direct count of its records, and each scope
//! refused to a caller who does not reach all of it.

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Caller, Role, Scope};
use qunlian_domain::people::MemberFields;
use qunlian_domain::results::{Indicator, Period};
use qunlian_store::StoreError;
use qunlian_store::results::{FigureScope, Headline, Value};
use qunlian_testkit::*;

use super::{count, import};

fn value(h: &Headline, key: &str) -> Value {
    h.figure(key).unwrap_or_else(|| panic!("no figure {key}")).current
}

const XINQIAO: &str = "310117105";
const JIUTING: &str = "310117107";

struct World {
    district: Caller,
    xinqiao: Caller,
    cluster: qunlian_domain::auth::ClusterId,
}

/// Three enterprises in 新桥 (two in a cluster, two with a branch) and one in 九亭 with a
/// branch; members joined in 2025 and 2026; tax for 2025 and 2026, and a 2026 figure for an
/// enterprise that did not report in 2025.
async fn world(db: &TestDb) -> World {
    let s = &db.store;
    let admin = system();
    let reg = s.registry();
    let [a, b, c, far] = enterprises(
        s,
        [
            ("上海昱章电气成套设备有限公司", "新桥"),
            ("世格流体控制（上海）有限公司", "新桥"),
            ("上海新桥精密模具有限公司", "新桥"),
            ("上海远方化工有限公司", "九亭"),
        ],
    )
    .await;
    let cluster =
        reg.create_cluster(&admin, cluster("新桥现代装备制造产业集群", "装备集群", "装备制造", "新桥")).await.unwrap();
    for e in [a, b] {
        reg.add_cluster_member(&admin, cluster, e, false, None).await.unwrap();
    }
    let oa = reg.create_org(&admin, org("昱章电气党支部", vec![a])).await.unwrap();
    let ofar = reg.create_org(&admin, org("远方化工党支部", vec![far])).await.unwrap();
    let p = s.people();
    let joined = |day: &str, f: MemberFields| MemberFields { joined_on: d(day), ..f };
    p.create(&admin, member(1, oa.0), false).await.unwrap();
    p.create(&admin, joined("2026-02-01", member(2, oa.0)), false).await.unwrap();
    p.create(&admin, joined("2025-08-01", member(3, oa.0)), false).await.unwrap();
    p.create(&admin, joined("2026-05-01", member(4, ofar.0)), false).await.unwrap();
    let _ = c;
    let text = format!(
        "统一社会信用代码,期间,税收（万元）,工业总产值（万元）\n\
         {a},2026年,300,1000\n{a},2025年,200,900\n{b},2026年,100,\n{b},2025年,100,\n\
         {c},2026年,50,\n{far},2026年,70,\n{far},2025年,35,\n",
        a = uscc(1),
        b = uscc(2),
        c = uscc(3),
        far = uscc(4),
    );
    let (_, reasons) = import(db, &admin, &text).await.unwrap();
    assert!(reasons.is_empty(), "{reasons:?}");
    let district = user(s, "district", Role::DistrictAdmin, Scope::Region(RegionCode::parse("310117").unwrap())).await;
    let xinqiao = user(s, "xinqiao", Role::TownAdmin, Scope::Region(RegionCode::parse(XINQIAO).unwrap())).await;
    World { district, xinqiao, cluster }
}

#[tokio::test]
async fn every_headline_figure_equals_a_direct_count_of_its_records() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(&db).await;
    let period = Period::year(2026);
    let direct = |sql: String| {
        let url = db.url.clone();
        async move { count(&url, &sql).await }
    };
    for (caller, scope, town) in [
        (&w.district, FigureScope::District, None),
        (&w.district, FigureScope::Town(RegionCode::parse(XINQIAO).unwrap()), Some(XINQIAO)),
        (&w.xinqiao, FigureScope::Town(RegionCode::parse(XINQIAO).unwrap()), Some(XINQIAO)),
        (&w.district, FigureScope::Town(RegionCode::parse(JIUTING).unwrap()), Some(JIUTING)),
    ] {
        let h = s.results().headline(caller, scope, period).await.unwrap();
        let units = match town {
            Some(t) => format!("SELECT id FROM units WHERE kind = 'enterprise' AND town_code = '{t}'"),
            None => "SELECT id FROM units WHERE kind = 'enterprise' AND town_code LIKE '310117%'".to_owned(),
        };
        let n = direct(format!("SELECT COUNT(*) FROM ({units}) u")).await;
        assert_eq!(value(&h, "enterprises"), Value::Count(n as u64), "{scope:?}");
        let orgs = format!(
            "SELECT DISTINCT o.id FROM party_orgs o JOIN party_org_units l ON l.party_org_id = o.id \
             WHERE o.dissolved_on IS NULL AND l.unit_id IN ({units})"
        );
        let covered = direct(format!(
            "SELECT COUNT(DISTINCT l.unit_id) FROM party_org_units l WHERE l.party_org_id IN ({orgs}) AND l.unit_id IN ({units})"
        ))
        .await;
        assert_eq!(value(&h, "covered"), Value::Count(covered as u64), "{scope:?}");
        assert_eq!(value(&h, "orgs"), Value::Count(direct(format!("SELECT COUNT(*) FROM ({orgs}) o")).await as u64));
        let members = format!("SELECT id FROM members WHERE party_org_id IN ({orgs})");
        assert_eq!(
            value(&h, "party_members"),
            Value::Count(direct(format!("SELECT COUNT(*) FROM ({members}) m")).await as u64),
            "{scope:?}"
        );
        let joined = |from: &str, to: &str| {
            direct(format!(
                "SELECT COUNT(*) FROM members WHERE id IN ({members}) AND joined_on >= '{from}' AND joined_on < '{to}'"
            ))
        };
        let new_now = joined("2026-01-01", "2027-01-01").await as u64;
        assert_eq!(value(&h, "new_party_members"), Value::Count(new_now), "{scope:?}");
        let new_before = joined("2025-01-01", "2026-01-01").await as u64;
        assert_eq!(h.figure("new_party_members").unwrap().previous, Some(Value::Count(new_before)));
        let tax = |p: &str| {
            direct(format!(
                "SELECT CAST(SUM(value) AS BIGINT) FROM economic_figures WHERE indicator = 'tax' AND period = '{p}' AND unit_id IN ({units})"
            ))
        };
        assert_eq!(value(&h, "tax"), Value::Money(tax("2026").await), "{scope:?}");
        assert_eq!(h.figure("tax").unwrap().previous, Some(Value::Money(tax("2025").await)));
        // Each town's block of the map counts that town's enterprises.
        for t in &h.towns {
            let n =
                direct(format!("SELECT COUNT(*) FROM units WHERE kind = 'enterprise' AND town_code = '{}'", t.code))
                    .await;
            assert_eq!(t.counts.total, n as u64, "{}", t.name);
        }
        // The trend's sums are the same sums, period by period.
        let trend = s.results().trend(caller, scope, &[Period::year(2025), period]).await.unwrap();
        for (p, sums) in trend {
            let t = sums.iter().find(|(i, _)| *i == Indicator::Tax).unwrap().1;
            let want = tax(&p.code()).await;
            assert_eq!(t, (want != 0).then_some(want), "{scope:?} {}", p.code());
        }
    }
    // The district's year on year over the enterprises reporting both years: 新桥's 300+100
    // over 200+100 and 九亭's 70 over 35 (新模具's first 50 not counted as growth) = 470/335.
    let h = s.results().headline(&w.district, FigureScope::District, period).await.unwrap();
    assert_eq!(h.figure("tax").unwrap().change, "+40.3%");
    assert_eq!(h.towns.len(), 2);
    // Chain, services and projects are counted for the district and for each town (their
    // counts per town: `results::towns`).
    assert!(h.figure("introductions").is_some() && h.figure("requests").is_some() && h.figure("projects").is_some());
    let town = s.results().headline(&w.xinqiao, FigureScope::Town(RegionCode::parse(XINQIAO).unwrap()), period);
    assert!(town.await.unwrap().figure("requests").is_some());
    // A cluster's headline is its scorecard.
    let h = s.results().headline(&w.district, FigureScope::Cluster(w.cluster), period).await.unwrap();
    let card = s.results().scorecard(&w.district, w.cluster, period).await.unwrap();
    for key in ["members", "orgs", "party_members", "new_party_members", "tax", "introductions"] {
        assert_eq!(value(&h, key), card.figure(key).unwrap().current, "{key}");
    }
}

#[tokio::test]
async fn a_scope_outside_the_callers_is_refused() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(&db).await;
    let r = s.results();
    let period = Period::year(2026);
    let jiuting = FigureScope::Town(RegionCode::parse(JIUTING).unwrap());
    // A town admin: its own town, not another town nor the district.
    assert!(r.headline(&w.xinqiao, FigureScope::Town(RegionCode::parse(XINQIAO).unwrap()), period).await.is_ok());
    assert!(matches!(r.headline(&w.xinqiao, jiuting, period).await, Err(StoreError::Forbidden)));
    assert!(matches!(r.headline(&w.xinqiao, FigureScope::District, period).await, Err(StoreError::Forbidden)));
    assert!(matches!(r.trend(&w.xinqiao, jiuting, &[period]).await, Err(StoreError::Forbidden)));
    // A cluster secretary: its cluster, not the district; another cluster is not found.
    let sec = user(s, "sec", Role::ClusterSecretary, Scope::Cluster(w.cluster)).await;
    assert!(r.headline(&sec, FigureScope::Cluster(w.cluster), period).await.is_ok());
    assert!(matches!(r.headline(&sec, FigureScope::District, period).await, Err(StoreError::Forbidden)));
    let other = s
        .registry()
        .create_cluster(&system(), cluster("集成电路产业集群", "集成电路", "集成电路", "九亭"))
        .await
        .unwrap();
    assert!(matches!(r.headline(&sec, FigureScope::Cluster(other), period).await, Err(StoreError::NotFound)));
    // A service officer reads no results at all.
    let officer = user(s, "officer", Role::ServiceOfficer, Scope::Department(qunlian_domain::auth::UnitId(1))).await;
    assert!(matches!(r.headline(&officer, FigureScope::District, period).await, Err(StoreError::Forbidden)));
    // The scope parameter as written.
    assert_eq!(FigureScope::parse("town:310117105").unwrap(), FigureScope::Town(RegionCode::parse(XINQIAO).unwrap()));
    assert_eq!(FigureScope::parse("").unwrap(), FigureScope::District);
    assert!(FigureScope::parse("town:310117").unwrap_err().contains("不是街镇代码"));
    assert!(FigureScope::parse("cluster:x").is_err());
}
