//! Activities on the scorecard and the headline (工作开展): the activities of the cluster (or
//! of the district's or a town's) held in the period and their participant-times, each equal
//! to a direct count of the activity records, beside the year before.

use qunlian_domain::RegionCode;
use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
use qunlian_domain::auth::ClusterId;
use qunlian_domain::results::Period;
use qunlian_store::results::{Drill, FigureScope, Value};
use qunlian_testkit::*;

use super::{count, firms};

fn held(organiser: Organiser, on: &str, headcount: u32, units: Vec<i64>) -> ActivityFields {
    ActivityFields {
        party_group: None,
        organiser,
        kind: ActivityKind::Seminar,
        subject: "装备产业链座谈".into(),
        held_on: d(on),
        place: "新桥镇党群服务中心".into(),
        units,
        attendance: Attendance::Headcount(headcount),
        minutes: String::new(),
    }
}

#[tokio::test]
async fn the_activities_on_the_scorecard_equal_a_direct_count() {
    let db = TestDb::new().await;
    let s = &db.store;
    let f = firms(&db).await;
    let other = s
        .registry()
        .create_cluster(&system(), cluster("集成电路产业集群", "集成电路", "集成电路", "九亭"))
        .await
        .unwrap();
    let of = |c: ClusterId| Organiser { kind: OrganiserKind::Cluster, id: c.0 };
    let a = s.activities();
    for (organiser, on, n) in [
        (of(f.cluster), "2026-03-01", 12),
        (of(f.cluster), "2026-11-20", 30),
        (of(f.cluster), "2025-05-01", 8),
        (of(f.cluster), "2025-12-31", 99),
        (of(other), "2026-04-01", 50),
    ] {
        a.record(&system(), held(organiser, on, n, vec![f.a.0]), false).await.unwrap();
    }
    let direct = |cluster: ClusterId, from: &str, to: &str| {
        let url = db.url.clone();
        let sql = format!(
            "SELECT COUNT(*), 0 FROM activities WHERE cluster_id = {} AND held_on >= '{from}' AND held_on <= '{to}'",
            cluster.0
        );
        let people = format!(
            "SELECT CAST(COALESCE(SUM(headcount), 0) AS BIGINT) FROM activities WHERE cluster_id = {} AND held_on >= '{from}' AND held_on <= '{to}'",
            cluster.0
        );
        async move { (count(&url, &sql).await as u64, count(&url, &people).await as u64) }
    };
    let admin = system();
    for (period, from, to, before) in [
        (Period::year(2026), "2026-01-01", "2026-12-31", ("2025-01-01", "2025-12-31")),
        (Period::first_half(2026), "2026-01-01", "2026-06-30", ("2025-01-01", "2025-06-30")),
    ] {
        for cluster in [f.cluster, other] {
            let card = s.results().scorecard(&admin, cluster, period).await.unwrap();
            let (n, people) = direct(cluster, from, to).await;
            let (n0, people0) = direct(cluster, before.0, before.1).await;
            let act = card.figure("activities").unwrap();
            assert_eq!(act.current, Value::Count(n), "{} {:?}", period.code(), cluster);
            assert_eq!(act.previous, Some(Value::Count(n0)));
            assert_eq!(act.drill, Drill::Activities { period });
            let p = card.figure("participants").unwrap();
            assert_eq!(p.current, Value::Count(people), "{} {:?}", period.code(), cluster);
            assert_eq!(p.previous, Some(Value::Count(people0)));
        }
    }
    // The numbers of the case: 12 + 30 people at two activities in 2026, 8 + 99 at two in
    // 2025 (one on its last day); in the first half, one this year beside one the year before.
    let card = s.results().scorecard(&admin, f.cluster, Period::year(2026)).await.unwrap();
    assert_eq!(card.figure("participants").unwrap().current, Value::Count(42));
    assert_eq!(card.figure("participants").unwrap().previous, Some(Value::Count(107)));
    assert_eq!(card.figure("activities").unwrap().change, "持平");
    // The district's headline counts every activity of the period; 新桥's those held there.
    let h = s.results().headline(&admin, FigureScope::District, Period::year(2026)).await.unwrap();
    let all =
        count(&db.url, "SELECT COUNT(*) FROM activities WHERE held_on >= '2026-01-01' AND held_on <= '2026-12-31'");
    assert_eq!(h.figure("activities").unwrap().current, Value::Count(all.await as u64));
    let xinqiao = FigureScope::Town(RegionCode::parse("310117105").unwrap());
    let h = s.results().headline(&admin, xinqiao, Period::year(2026)).await.unwrap();
    let there = count(
        &db.url,
        "SELECT COUNT(*) FROM activities WHERE town_code = '310117105' AND held_on >= '2026-01-01' AND held_on <= '2026-12-31'",
    );
    assert_eq!(h.figure("activities").unwrap().current, Value::Count(there.await as u64));
}
