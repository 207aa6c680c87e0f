//! The 工作简报 in the store (#15): its figures are the scorecards' (each cluster's equal to
//! its own scorecard, the headline the sum of them), its scope is the caller's (a town, a
//! cluster, refused outside), its cases are the deals and projects the scorecard counts, and
//! generating it is audited — on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

use qunlian_domain::auth::{Role, Scope, UnitId};
use qunlian_domain::briefing::{Block, BriefingScope};
use qunlian_domain::matching::{IntroductionState, ListingKind, Reach};
use qunlian_domain::results::Period;
use qunlian_store::StoreError;
use qunlian_store::results::{HEADLINE_KEYS, Value, sum_values};
use qunlian_testkit::*;

use super::results::{count, firms, import};

fn text_of(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading(t) | Block::Subheading(t) | Block::Paragraph(t) => t.clone(),
            Block::Chart(c) => c.title.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_briefings_figures_are_the_scorecards() {
    let db = TestDb::new().await;
    let s = &db.store;
    let admin = system();
    let f = firms(&db).await;
    let other = s
        .registry()
        .create_cluster(&admin, cluster("九亭集成电路产业集群", "九亭集成电路", "集成电路", "九亭"))
        .await
        .unwrap();
    s.registry().add_cluster_member(&admin, other, f.far, false, None).await.unwrap();
    let text = format!(
        "统一社会信用代码,期间,税收（万元）,工业总产值（万元）\n\
         {a},2026年,300,900\n{b},2026年,100,\n{a},2025年,200,800\n{far},2026年,50,70\n{far},2025年,40,60\n",
        a = uscc(1),
        b = uscc(2),
        far = uscc(3)
    );
    let (_, reasons) = import(&db, &admin, &text).await.unwrap();
    assert!(reasons.is_empty(), "{reasons:?}");
    // A deal in the 新桥 cluster this year.
    let need =
        super::matching::published(s, f.a, listing(ListingKind::Need, "急需电磁阀", "配套电磁阀", Reach::Cluster))
            .await;
    let offer =
        super::matching::published(s, f.b, listing(ListingKind::Offer, "供应电磁阀", "电磁阀批量供应", Reach::Cluster))
            .await;
    let m = s.matching();
    let id =
        m.introduce(&admin, super::matching::introduction(need, offer, IntroductionState::Introduced)).await.unwrap();
    m.introduction_step(&admin, id, IntroductionState::Won, Some(120.0), None, "").await.unwrap();

    let period = Period::year(2026);
    let r = s.results();
    let district = r.briefing(&admin, &BriefingScope::District, period).await.unwrap();
    assert_eq!(district.clusters.len(), 2);
    let mut cards = Vec::new();
    for c in &district.clusters {
        // Each cluster's figures are its scorecard's, every one.
        let card = r.scorecard(&admin, c.card.cluster_id, period).await.unwrap();
        let own: Vec<_> = c.card.sections.iter().flat_map(|s| &s.figures).collect();
        let direct: Vec<_> = card.sections.iter().flat_map(|s| &s.figures).collect();
        assert_eq!(own.len(), direct.len());
        for (a, b) in own.iter().zip(&direct) {
            assert_eq!((&a.key, a.current, a.previous, &a.change), (&b.key, b.current, b.previous, &b.change));
        }
        cards.push(card);
    }
    // The headline is the sum of the scorecards' figures: tax 300 + 100 + 50 万元.
    for h in &district.headline {
        let values: Vec<Value> = cards.iter().map(|c| c.figure(h.key).unwrap().current).collect();
        assert_eq!(Some(h.value), sum_values(&values), "{}", h.key);
    }
    let tax = district.headline.iter().find(|h| h.key == "tax").unwrap();
    assert_eq!(tax.value, Value::Money(4_500_000));
    assert_eq!(district.headline.len(), HEADLINE_KEYS.len());
    let words = text_of(&district.document.blocks);
    assert!(words.contains("税收450万元"), "{words}");
    for card in &cards {
        let t = card.figure("tax").unwrap();
        assert!(words.contains(&format!("税收{}", t.current.text())), "{}: {words}", card.cluster_name);
        assert!(words.contains(&t.change), "{}", t.change);
    }
    // The cases: the deal the scorecard counts, by its titles.
    assert_eq!(
        district.clusters[0].deals.len() as u64,
        match cards[0].figure("deals").unwrap().current {
            Value::Count(n) => n,
            v => panic!("{v:?}"),
        }
    );
    assert!(words.contains("“急需电磁阀”") && words.contains("合作金额120万元"), "{words}");
    // Charts: tax and deals of each cluster.
    let charts: Vec<_> =
        district.document.blocks.iter().filter_map(|b| if let Block::Chart(c) = b { Some(c) } else { None }).collect();
    assert_eq!(charts.len(), 2);
    assert_eq!(charts[0].groups.len(), 2);
    assert_eq!((charts[0].unit.as_str(), charts[0].groups[0].current), ("万元", 400.0));

    // One cluster: the headline is its scorecard's figure, with its year-on-year (over the
    // members with figures in both years: 昱章 300 against 200).
    let one = r.briefing(&admin, &BriefingScope::Cluster(f.cluster.0), period).await.unwrap();
    let card = &cards[0];
    for h in &one.headline {
        assert_eq!(h.value, card.figure(h.key).unwrap().current, "{}", h.key);
    }
    let overview = text_of(&one.document.blocks[..2]);
    assert!(overview.contains("税收400万元（2025年为200万元，同比+50.0%）"), "{overview}");

    // A town: the clusters of that town only.
    let jiuting = r.briefing(&admin, &BriefingScope::Town(town("九亭").to_string()), period).await.unwrap();
    assert_eq!(jiuting.scope_label, "九亭镇");
    assert_eq!(jiuting.clusters.len(), 1);
    assert_eq!(jiuting.headline.iter().find(|h| h.key == "tax").unwrap().value, Value::Money(500_000));

    // Scope: the other cluster's secretary cannot brief on this one, and the district and a
    // town are refused to it as the figures API refuses them (one rule: `reached_by`); a
    // town admin has its town, not the district nor another town; a department cannot read
    // results; an empty town is said so.
    let stranger = user(s, "other", Role::ClusterSecretary, Scope::Cluster(other)).await;
    assert!(matches!(
        r.briefing(&stranger, &BriefingScope::Cluster(f.cluster.0), period).await,
        Err(StoreError::NotFound)
    ));
    let own = r.briefing(&stranger, &BriefingScope::Cluster(other.0), period).await.unwrap();
    assert_eq!(own.clusters.len(), 1);
    assert_eq!(own.clusters[0].card.cluster_id, other);
    assert!(matches!(r.briefing(&stranger, &BriefingScope::District, period).await, Err(StoreError::Forbidden)));
    let xinqiao = user(s, "xinqiao", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    assert!(matches!(r.briefing(&xinqiao, &BriefingScope::District, period).await, Err(StoreError::Forbidden)));
    let jiuting_code = BriefingScope::Town(town("九亭").to_string());
    assert!(matches!(r.briefing(&xinqiao, &jiuting_code, period).await, Err(StoreError::Forbidden)));
    let mine = r.briefing(&xinqiao, &BriefingScope::Town(town("新桥").to_string()), period).await.unwrap();
    assert_eq!(mine.scope_label, "新桥镇");
    let officer = user(s, "officer", Role::ServiceOfficer, Scope::Department(UnitId(1))).await;
    assert!(matches!(r.briefing(&officer, &BriefingScope::District, period).await, Err(StoreError::Forbidden)));
    let empty = r.briefing(&admin, &BriefingScope::Town(town("泗泾").to_string()), period).await;
    assert!(
        matches!(&empty, Err(StoreError::Invalid { field: "范围", message }) if message.contains("没有")),
        "{empty:?}"
    );

    // Generating is audited: who, which scope and period, which format.
    r.record_briefing(&admin, &district, "PDF").await.unwrap();
    let audited = count(
        &db.url,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'results.briefing.generate' \
         AND target_id = 'district' AND detail LIKE '%PDF%2026年%2个集群%'",
    )
    .await;
    assert_eq!(audited, 1);
}
