//! Matchmaking in the store (#4): scope of listings by reach, the change log and the index it
//! feeds (the real tantivy index, in memory), introductions from suggestion to deal, the
//! matching-meeting list and the listings import — on SQLite, and on PostgreSQL when
//! TEST_DATABASE_URL is set.

use qunlian_domain::IndustryCode;
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope, UnitId};
use qunlian_domain::matching::{IntroductionState, ListingFields, ListingKind, Reach, SearchIndex, Urgency};
use qunlian_search::TantivyIndex;
use qunlian_store::matching::{IntroductionFilter, ListingFilter, ListingImportRow, NewFollowUp, NewIntroduction};
use qunlian_store::{Store, StoreError};
use qunlian_testkit::*;

pub(crate) async fn firm(s: &Store, n: u32, name: &str, town_name: &str, industry: &str) -> UnitId {
    let input = qunlian_domain::registry::EnterpriseInput {
        industry: IndustryCode::parse(industry).ok(),
        ..enterprise(n, name, town_name)
    };
    s.registry().create_enterprise(&system(), input).await.unwrap()
}

/// A listing the system publishes for `unit`, as the demo does.
pub(crate) async fn published(s: &Store, unit: UnitId, fields: ListingFields) -> i64 {
    s.matching().publish(&system(), unit, fields, false).await.unwrap()
}

/// An introduction of `need` to `offer` entered at `state`, without a note.
pub(crate) fn introduction(need: i64, offer: i64, state: IntroductionState) -> NewIntroduction {
    NewIntroduction { need_listing: need, offer_listing: offer, state, note: String::new(), is_demo: false }
}

async fn cluster(s: &Store, name: &str, town_name: &str, members: &[UnitId]) -> ClusterId {
    let id = s
        .registry()
        .create_cluster(&system(), qunlian_testkit::cluster(name, name, "集成电路", town_name))
        .await
        .unwrap();
    for m in members {
        s.registry().add_cluster_member(&system(), id, *m, false, None).await.unwrap();
    }
    id
}

/// The semiconductor case of the reports: a chip maker's emergency need for deburring
/// liquid, a neighbour in the same cluster that makes it, and a stranger far away.
pub(crate) struct World {
    pub(crate) chip: UnitId,
    pub(crate) chem: UnitId,
    pub(crate) far: UnitId,
    pub(crate) cluster: ClusterId,
    pub(crate) need: i64,
    pub(crate) offer: i64,
}

pub(crate) async fn world(s: &Store) -> World {
    let chip = firm(s, 1, "尼西半导体科技（上海）有限公司", "新桥", "3973").await;
    let chem = firm(s, 2, "上海新阳半导体材料股份有限公司", "九亭", "2662").await;
    let far = firm(s, 3, "上海远方化工有限公司", "泖港", "2662").await;
    let cluster = cluster(s, "集成电路产业集群党委", "新桥", &[chip, chem]).await;
    let need = published(
        s,
        chip,
        ListingFields {
            urgency: Urgency::Emergency,
            quantity: Some(1.25),
            quantity_unit: Some("吨".into()),
            ..listing(ListingKind::Need, "急需去毛刺液", "疫情期间原材料去毛刺液供给受阻，需尽快补货", Reach::Cluster)
        },
    )
    .await;
    let offer = published(
        s,
        chem,
        listing(ListingKind::Offer, "供应去毛刺溶液", "半导体封装用去毛刺溶液，可加急生产", Reach::Cluster),
    )
    .await;
    World { chip, chem, far, cluster, need, offer }
}

pub(crate) fn index() -> TantivyIndex {
    TantivyIndex::in_memory().unwrap()
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> i64) -> Vec<i64> {
    let mut v: Vec<i64> = items.iter().map(id).collect();
    v.sort();
    v
}

#[tokio::test]
async fn reach_and_scope_decide_who_sees_and_who_publishes() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let far_offer = published(s, w.far, listing(ListingKind::Offer, "去毛刺溶液现货", "", Reach::District)).await;

    let chip = user(s, "chip", Role::EnterpriseContact, Scope::Enterprise(w.chip)).await;
    let far = user(s, "far", Role::EnterpriseContact, Scope::Enterprise(w.far)).await;
    let secretary = user(s, "sec", Role::ClusterSecretary, Scope::Cluster(w.cluster)).await;
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let maogang = user(s, "mg", Role::TownAdmin, Scope::Region(town("泖港"))).await;
    let district = user(s, "dist", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let leader = user(s, "lead", Role::Leader, Scope::All).await;
    let auditor = user(s, "au", Role::AuditAdmin, Scope::Nothing).await;
    let officer = user(s, "off", Role::ServiceOfficer, Scope::Department(w.chem)).await;

    let seen = |c: Caller| async move {
        let (items, _) = s.matching().listings(&c, &ListingFilter::default(), 100).await.unwrap();
        ids(&items, |l| l.id)
    };
    // Cluster-wide listings stay in the cluster; the district-wide one reaches everyone in 松江.
    assert_eq!(seen(chip.clone()).await, vec![w.need, w.offer, far_offer]);
    assert_eq!(seen(far.clone()).await, vec![far_offer], "a cluster listing is not seen outside it");
    assert_eq!(seen(secretary.clone()).await, vec![w.need, w.offer, far_offer]);
    assert_eq!(seen(xinqiao.clone()).await, vec![w.need, far_offer], "the town sees its own firms' listings");
    assert_eq!(seen(maogang.clone()).await, vec![far_offer]);
    assert_eq!(seen(district.clone()).await, vec![w.need, w.offer, far_offer]);
    assert_eq!(seen(leader.clone()).await, vec![w.need, w.offer, far_offer]);
    assert!(matches!(s.matching().listing(&far, w.need).await, Err(StoreError::NotFound)));
    for c in [&auditor, &officer] {
        assert!(matches!(s.matching().listings(c, &ListingFilter::default(), 10).await, Err(StoreError::Forbidden)));
    }

    // Emergency needs top the list.
    let (items, _) = s.matching().listings(&secretary, &ListingFilter::default(), 10).await.unwrap();
    assert_eq!(items[0].id, w.need);
    assert!(items[0].is_emergency_need());
    assert_eq!(s.matching().emergency_needs_count(&secretary).await.unwrap(), 1);
    assert_eq!(s.matching().emergency_needs_count(&maogang).await.unwrap(), 0);

    // Publishing: for oneself, for a member, in one's area — nothing else.
    let f = || listing(ListingKind::Offer, "闲置厂房出租", "2000平方米", Reach::Town);
    assert!(matches!(s.matching().publish(&chip, w.chem, f(), false).await, Err(StoreError::NotFound)));
    assert!(s.matching().publish(&secretary, w.chem, f(), false).await.is_ok());
    assert!(matches!(s.matching().publish(&secretary, w.far, f(), false).await, Err(StoreError::NotFound)));
    assert!(matches!(s.matching().publish(&maogang, w.chip, f(), false).await, Err(StoreError::NotFound)));
    let shed = s.matching().publish(&maogang, w.far, f(), false).await.unwrap();
    assert!(matches!(s.matching().publish(&leader, w.far, f(), false).await, Err(StoreError::Forbidden)));
    let dup = s.matching().publish(&secretary, w.chem, f(), false).await.unwrap_err().to_string();
    assert!(dup.contains("标题") && dup.contains("同名"), "{dup}");
    let past = ListingFields { valid_until: d("2026-11-01"), ..listing(ListingKind::Need, "过期", "", Reach::Town) };
    assert!(s.matching().publish(&chip, w.chip, past, false).await.unwrap_err().to_string().contains("有效期至"));

    // Editing and closing: the owner's publishers only.
    let edit = listing(ListingKind::Need, "急需去毛刺液（补充）", "", Reach::District);
    assert!(matches!(s.matching().update_listing(&far, w.need, edit.clone()).await, Err(StoreError::NotFound)));
    assert!(matches!(s.matching().set_listing_open(&leader, w.need, false).await, Err(StoreError::Forbidden)));
    s.matching().update_listing(&chip, w.need, edit).await.unwrap();
    assert_eq!(seen(far.clone()).await, vec![w.need, far_offer, shed], "widened to the district");
    let flip = listing(ListingKind::Offer, "x", "", Reach::District);
    assert!(s.matching().update_listing(&chip, w.need, flip).await.unwrap_err().to_string().contains("类型"));
    s.matching().set_listing_open(&secretary, w.need, false).await.unwrap();
    assert_eq!(seen(far.clone()).await, vec![far_offer, shed]);
    let all = ListingFilter { include_closed: true, mine: true, ..Default::default() };
    assert_eq!(ids(&s.matching().listings(&chip, &all, 10).await.unwrap().0, |l| l.id), vec![w.need]);

    let audit = s
        .audit()
        .search(
            &user(s, "aud2", Role::AuditAdmin, Scope::Nothing).await,
            &qunlian_store::audit::AuditFilter { q: Some("listing.".into()), ..Default::default() },
            qunlian_store::PageRequest::default(),
        )
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    for a in ["listing.publish", "listing.update", "listing.close"] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
}

#[tokio::test]
async fn the_change_log_keeps_the_index_in_step() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let idx = index();
    assert!(s.matching().prepare_index(&idx).await.unwrap(), "an empty index is built from the listings");
    assert_eq!(idx.len().unwrap(), 2);
    let max = s.matching().listing_changes_max().await.unwrap();
    assert_eq!(idx.applied_up_to().unwrap(), max);
    let chip = user(s, "chip", Role::EnterpriseContact, Scope::Enterprise(w.chip)).await;

    let found = s.matching().matches(&chip, &idx, w.need, 10).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].listing.id, w.offer);
    assert!(found[0].sentence.contains("同一集群"), "{}", found[0].sentence);
    assert!(!found[0].reasons.matched_terms.is_empty());

    // An edit is found after the next sync.
    s.matching()
        .update_listing(
            &system(),
            w.offer,
            listing(ListingKind::Offer, "供应去毛刺溶液", "另有光刻胶剥离液可供", Reach::Cluster),
        )
        .await
        .unwrap();
    assert!(s.matching().listing_changes_max().await.unwrap() > max, "the update is logged by the trigger");
    assert!(s.matching().search(&chip, &idx, "光刻胶", None, 10).await.unwrap().is_empty(), "not yet synced");
    s.matching().sync_index(&idx).await.unwrap();
    let hits = s.matching().search(&chip, &idx, "光刻胶", None, 10).await.unwrap();
    assert_eq!(ids(&hits, |h| h.listing.id), vec![w.offer]);

    // A member leaving its cluster changes who sees its listings: logged, and after the
    // sync the cluster-wide offer no longer reaches the chip maker.
    let before = s.matching().listing_changes_max().await.unwrap();
    s.registry().remove_cluster_member(&system(), w.cluster, w.chem, d("2026-11-22")).await.unwrap();
    assert!(s.matching().listing_changes_max().await.unwrap() > before, "membership change logged");
    s.matching().sync_index(&idx).await.unwrap();
    assert!(s.matching().matches(&chip, &idx, w.need, 10).await.unwrap().is_empty());
    s.registry().add_cluster_member(&system(), w.cluster, w.chem, false, None).await.unwrap();
    s.matching().sync_index(&idx).await.unwrap();
    assert_eq!(s.matching().matches(&chip, &idx, w.need, 10).await.unwrap().len(), 1);

    // So does a move to another town (the trigger fires on a real change of town only).
    let before = s.matching().listing_changes_max().await.unwrap();
    let moved = qunlian_domain::registry::EnterpriseInput {
        industry: IndustryCode::parse("2662").ok(),
        ..enterprise(2, "上海新阳半导体材料股份有限公司", "泖港")
    };
    s.registry().update_enterprise(&system(), w.chem, moved.clone()).await.unwrap();
    assert!(s.matching().listing_changes_max().await.unwrap() > before, "move logged");
    let before = s.matching().listing_changes_max().await.unwrap();
    s.registry().update_enterprise(&system(), w.chem, moved).await.unwrap();
    assert_eq!(s.matching().listing_changes_max().await.unwrap(), before, "same town, nothing logged");

    // A closed listing disappears from search and matches.
    s.matching().set_listing_open(&system(), w.offer, false).await.unwrap();
    s.matching().sync_index(&idx).await.unwrap();
    assert!(s.matching().search(&chip, &idx, "去毛刺", Some(ListingKind::Offer), 10).await.unwrap().is_empty());
    assert!(s.matching().matches(&chip, &idx, w.need, 10).await.unwrap().is_empty());
    assert_eq!(idx.len().unwrap(), 1);

    // A rebuild gives the same index, up to the same change.
    s.matching().set_listing_open(&system(), w.offer, true).await.unwrap();
    let rebuilt = index();
    assert_eq!(s.matching().reindex(&rebuilt).await.unwrap(), 2);
    assert_eq!(rebuilt.applied_up_to().unwrap(), s.matching().listing_changes_max().await.unwrap());
    assert_eq!(s.matching().matches(&chip, &rebuilt, w.need, 10).await.unwrap().len(), 1);
    // An index ahead of the database (another or a reset database) is rebuilt at start.
    let stale = index();
    stale.apply(Vec::new(), 1_000_000).unwrap();
    assert!(s.matching().prepare_index(&stale).await.unwrap());
    assert_eq!(stale.len().unwrap(), 2);
}

#[tokio::test]
async fn an_introduction_goes_from_suggestion_to_deal() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let idx = index();
    s.matching().sync_index(&idx).await.unwrap();
    let secretary = user(s, "sec", Role::ClusterSecretary, Scope::Cluster(w.cluster)).await;
    let chip = user(s, "chip", Role::EnterpriseContact, Scope::Enterprise(w.chip)).await;
    let other_town = user(s, "mg", Role::TownAdmin, Scope::Region(town("泖港"))).await;
    let new = |state| NewIntroduction {
        need_listing: w.need,
        offer_listing: w.offer,
        state,
        note: "集群党委书记电话联系双方".into(),
        is_demo: false,
    };
    assert!(matches!(
        s.matching().introduce(&chip, new(IntroductionState::Introduced)).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        s.matching().introduce(&other_town, new(IntroductionState::Introduced)).await,
        Err(StoreError::NotFound)
    ));
    let won = s.matching().introduce(&secretary, new(IntroductionState::Won)).await.unwrap_err().to_string();
    assert!(won.contains("建议") || won.contains("已牵线"), "{won}");
    let swapped = NewIntroduction { need_listing: w.offer, offer_listing: w.need, ..new(IntroductionState::Suggested) };
    assert!(s.matching().introduce(&secretary, swapped).await.unwrap_err().to_string().contains("不是需求"));

    let id = s.matching().introduce(&secretary, new(IntroductionState::Suggested)).await.unwrap();
    let again = s.matching().introduce(&secretary, new(IntroductionState::Introduced)).await.unwrap_err().to_string();
    assert!(again.contains(&format!("编号 {id}")), "{again}");

    // Refused transitions say why and change nothing.
    let skip = s
        .matching()
        .introduction_step(&secretary, id, IntroductionState::Won, Some(120.0), None, "")
        .await
        .unwrap_err();
    assert!(skip.to_string().starts_with("状态："), "{skip}");
    s.matching()
        .introduction_step(&secretary, id, IntroductionState::Introduced, None, None, "双方已通话")
        .await
        .unwrap();
    s.matching().introduction_step(&secretary, id, IntroductionState::Negotiating, None, None, "").await.unwrap();
    let no_value =
        s.matching().introduction_step(&secretary, id, IntroductionState::Won, None, None, "").await.unwrap_err();
    assert!(no_value.to_string().starts_with("成交金额："), "{no_value}");
    let negative = s.matching().introduction_step(&secretary, id, IntroductionState::Won, Some(-1.0), None, "").await;
    assert!(negative.is_err());
    let no_reason = s.matching().introduction_step(&secretary, id, IntroductionState::Lost, None, Some("  "), "").await;
    assert!(no_reason.unwrap_err().to_string().starts_with("未成交原因："));
    assert!(matches!(
        s.matching().introduction_step(&chip, id, IntroductionState::Won, Some(1.0), None, "").await,
        Err(StoreError::Forbidden)
    ));
    let follow = NewFollowUp { annual_sales_wan: Some(10.0), ..Default::default() };
    assert!(
        s.matching().add_followup(&secretary, id, follow.clone()).await.unwrap_err().to_string().contains("已成交")
    );

    s.matching()
        .introduction_step(&secretary, id, IntroductionState::Won, Some(18.5), None, "1.25吨已送达")
        .await
        .unwrap();
    let late = s.matching().introduction_step(&secretary, id, IntroductionState::Lost, None, Some("反悔"), "").await;
    assert!(late.unwrap_err().to_string().contains("不能从“已成交”改为“未成交”"));
    s.matching()
        .add_followup(
            &secretary,
            id,
            NewFollowUp {
                on: Some(d("2026-11-20")),
                annual_sales_wan: Some(120.0),
                delivery_quantity: Some(1.25),
                delivery_note: "首批1.25吨".into(),
                note: String::new(),
            },
        )
        .await
        .unwrap();
    assert!(s.matching().add_followup(&secretary, id, NewFollowUp::default()).await.is_err(), "an empty follow-up");
    let future = NewFollowUp { on: Some(d("2027-01-01")), ..follow };
    assert!(s.matching().add_followup(&secretary, id, future).await.unwrap_err().to_string().starts_with("日期"));

    // The enterprise reads its introduction; a stranger does not.
    let detail = s.matching().introduction(&chip, id).await.unwrap();
    assert_eq!(detail.introduction.state, IntroductionState::Won);
    assert_eq!(detail.introduction.deal_value_wan, Some(18.5));
    assert_eq!(detail.introduction.cluster_id, Some(w.cluster.0));
    assert!(detail.introduction.match_reasons.contains("同一集群"), "{}", detail.introduction.match_reasons);
    let states: Vec<IntroductionState> = detail.events.iter().map(|e| e.to).collect();
    use IntroductionState::*;
    assert_eq!(states, vec![Suggested, Introduced, Negotiating, Won]);
    assert!(detail.events[3].detail.contains("18.5 万元"));
    assert_eq!(detail.followups.len(), 1);
    assert!(detail.next.is_empty());
    assert!(matches!(s.matching().introduction(&other_town, id).await, Err(StoreError::NotFound)));

    // A second pair that did not close, with its reason; the cluster's figures.
    let other = published(s, w.chem, listing(ListingKind::Offer, "清洗剂", "", Reach::Cluster)).await;
    let lost = s
        .matching()
        .introduce(&secretary, NewIntroduction { offer_listing: other, ..new(IntroductionState::Introduced) })
        .await
        .unwrap();
    s.matching().introduction_step(&secretary, lost, Lost, None, Some("规格不符"), "").await.unwrap();
    assert_eq!(
        s.matching().introduction(&secretary, lost).await.unwrap().introduction.reason.as_deref(),
        Some("规格不符")
    );
    let of_cluster = IntroductionFilter { cluster: Some(w.cluster), ..Default::default() };
    let f = s.matching().introduction_figures(&secretary, &of_cluster).await.unwrap();
    assert_eq!((f.total, f.won), (2, 1));
    assert!((f.deal_value_wan - 18.5).abs() < 1e-9);
    let won_only = IntroductionFilter { state: Some(Won), ..of_cluster };
    assert_eq!(ids(&s.matching().introductions(&secretary, &won_only).await.unwrap(), |i| i.id), vec![id]);
    assert!(s.matching().introductions(&other_town, &IntroductionFilter::default()).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_meeting_list_pairs_members_needs_with_reachable_offers() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    // Bearings for the excavator maker, from a firm outside the cluster that publishes
    // district-wide; and an offer of the same outsider kept to its own town.
    let digger = firm(s, 4, "龙工（上海）挖掘机制造有限公司", "新桥", "3514").await;
    let bearings = firm(s, 5, "上海自润轴承有限公司", "九亭", "3452").await;
    s.registry().add_cluster_member(&system(), w.cluster, digger, false, None).await.unwrap();
    let need = published(
        s,
        digger,
        listing(ListingKind::Need, "大吨位挖掘机自润滑轴承", "动臂根部用，免加油", Reach::District),
    )
    .await;
    let offer =
        published(s, bearings, listing(ListingKind::Offer, "自润滑轴承", "工程机械动臂用自润滑轴承", Reach::District))
            .await;
    let _hidden = published(s, w.far, listing(ListingKind::Offer, "自润滑轴承库存", "", Reach::Town)).await;
    let idx = index();
    s.matching().sync_index(&idx).await.unwrap();
    let secretary = user(s, "sec", Role::ClusterSecretary, Scope::Cluster(w.cluster)).await;
    let list = s.matching().meeting_list(&secretary, &idx, w.cluster, d("2026-11-22"), 3).await.unwrap();
    assert_eq!(list.needs, 2);
    let pairs: Vec<(i64, i64)> = list.pairs.iter().map(|p| (p.need.id, p.offer.id)).collect();
    assert_eq!(
        pairs,
        vec![(w.need, w.offer), (need, offer)],
        "the emergency first; the town-only offer is out of reach"
    );
    assert!(list.pairs[1].sentence.contains("产业链"), "{}", list.pairs[1].sentence);
    let elsewhere = user(s, "mg", Role::TownAdmin, Scope::Region(town("泖港"))).await;
    assert!(matches!(
        s.matching().meeting_list(&elsewhere, &idx, w.cluster, d("2026-11-22"), 3).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn a_listings_import_names_bad_rows_and_reruns_without_duplicates() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let row = |line, uscc: String, title: &str| ListingImportRow {
        line,
        uscc,
        fields: listing(ListingKind::Offer, title, "由导入发布", Reach::Town),
    };
    let chem_uscc = uscc(2).as_str().to_owned();
    let rows = vec![
        row(2, chem_uscc.clone(), "高纯电子化学品"),
        row(3, uscc(99).as_str().to_owned(), "未知企业的供给"),
        row(4, chem_uscc.clone(), "高纯电子化学品"),
        row(5, chem_uscc.clone(), "  "),
        row(6, uscc(3).as_str().to_owned(), "远方的供给"),
    ];
    let contact = user(s, "chem", Role::EnterpriseContact, Scope::Enterprise(w.chem)).await;
    let (counts, rejects) = s.matching().import_listings(&contact, rows.clone(), "测试.csv", 0, false).await.unwrap();
    assert_eq!((counts.imported, counts.updated, counts.unchanged), (1, 0, 0));
    let lines: Vec<usize> = rejects.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6], "{rejects:?}");
    assert!(rejects[0].reason.contains("不在企业名录"));
    assert!(rejects[1].reason.contains("第2行重复"));
    assert!(rejects[2].reason.starts_with("标题"));
    assert!(rejects[3].reason.contains("权限范围"));
    let (again, _) = s.matching().import_listings(&contact, rows.clone(), "测试.csv", 0, false).await.unwrap();
    assert_eq!((again.imported, again.updated, again.unchanged), (0, 0, 1));
    let mut changed = rows[0].clone();
    changed.fields.quantity = Some(5.0);
    let (third, _) = s.matching().import_listings(&contact, vec![changed], "测试.csv", 0, false).await.unwrap();
    assert_eq!((third.imported, third.updated), (0, 1));
    let mine = ListingFilter { mine: true, ..Default::default() };
    assert_eq!(
        s.matching().listings(&contact, &mine, 10).await.unwrap().1,
        2,
        "the offer of world() and the imported one"
    );
    let leader = user(s, "lead", Role::Leader, Scope::All).await;
    assert!(matches!(s.matching().import_listings(&leader, rows, "x", 0, false).await, Err(StoreError::Forbidden)));
}

/// An introduction's state column keeps its text under the domain enum: an old row reads,
/// and an unknown text is an error, not 建议.
#[tokio::test]
async fn the_introduction_state_column_keeps_its_text() {
    use sea_orm::ConnectionTrait;
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    let sys = system();
    let new = introduction(w.need, w.offer, IntroductionState::Suggested);
    let id = s.matching().introduce(&sys, new).await.unwrap();
    let raw = sea_orm::Database::connect(&db.url).await.unwrap();
    raw.execute_unprepared(&format!("UPDATE introductions SET state = 'negotiating' WHERE id = {id}")).await.unwrap();
    let filter = qunlian_store::matching::IntroductionFilter::default();
    let rows = s.matching().introductions(&sys, &filter).await.unwrap();
    assert_eq!(rows[0].state, IntroductionState::Negotiating, "the text an older binary wrote");
    let figures = s.matching().introduction_figures(&sys, &filter).await.unwrap();
    assert!(figures.by_state.contains(&(IntroductionState::Negotiating, 1)));
    raw.execute_unprepared(&format!("UPDATE introductions SET state = 'maybe' WHERE id = {id}")).await.unwrap();
    assert!(s.matching().introductions(&sys, &filter).await.is_err(), "an unknown state is not read as 建议");
}

/// Issue #11, point 3: a match and a meeting pair were ranked with the need owner's view, so
/// the 新桥 town admin, who sees the chip maker's need, was shown the 九亭 chemical firm's
/// cluster-only offer, which he may not see in any list.
#[tokio::test]
async fn matches_and_the_meeting_list_show_only_what_the_caller_may_see() {
    let db = TestDb::new().await;
    let s = &db.store;
    let w = world(s).await;
    // A need of the 九亭 member kept inside the cluster: not the 新桥 admin's to see either.
    let _hidden_need = s
        .matching()
        .publish(&system(), w.chem, listing(ListingKind::Need, "急需去毛刺液检测", "去毛刺溶液", Reach::Cluster), false)
        .await
        .unwrap();
    let idx = index();
    s.matching().sync_index(&idx).await.unwrap();
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let chip = user(s, "chip", Role::EnterpriseContact, Scope::Enterprise(w.chip)).await;
    let (visible, _) = s.matching().listings(&xinqiao, &ListingFilter::default(), 100).await.unwrap();
    assert_eq!(ids(&visible, |l| l.id), vec![w.need], "the town admin's own list");

    let offered = |c: Caller| {
        let idx = &idx;
        async move { ids(&s.matching().matches(&c, idx, w.need, 10).await.unwrap(), |m| m.listing.id) }
    };
    assert_eq!(offered(chip.clone()).await, vec![w.offer], "the owner sees its cluster neighbour's offer");
    assert_eq!(offered(xinqiao.clone()).await, Vec::<i64>::new(), "the town admin does not");

    let pairs = |c: Caller| {
        let idx = &idx;
        async move {
            let list = s.matching().meeting_list(&c, idx, w.cluster, d("2026-11-22"), 3).await.unwrap();
            (list.needs, list.pairs.iter().map(|p| (p.need.id, p.offer.id)).collect::<Vec<_>>())
        }
    };
    let secretary = user(s, "sec", Role::ClusterSecretary, Scope::Cluster(w.cluster)).await;
    assert_eq!(pairs(secretary).await, (2, vec![(w.need, w.offer)]), "the secretary sees the whole cluster");
    assert_eq!(pairs(xinqiao).await, (1, vec![]), "the town admin: his firm's need, no hidden offer or need");
}
