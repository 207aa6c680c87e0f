use chrono::NaiveDate;
use qunlian_domain::matching::{
    ChainRelation, IndexChange, ListingCategory, ListingDoc, ListingKind, Place, Reach, SearchIndex, Urgency,
    Visibility, rank,
};
use qunlian_domain::{IndustryCode, RegionCode};
use qunlian_search::TantivyIndex;

pub(crate) fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

pub(crate) fn place(unit_id: i64, town: &str, clusters: &[i64]) -> Place {
    Place { unit_id, town: Some(RegionCode::parse(town).unwrap()), clusters: clusters.to_vec() }
}

pub(crate) fn listing(
    id: i64,
    kind: ListingKind,
    title: &str,
    description: &str,
    industry: &str,
    owner: Place,
) -> ListingDoc {
    ListingDoc {
        id,
        kind,
        category: ListingCategory::Material,
        title: title.to_owned(),
        description: description.to_owned(),
        industry: Some(IndustryCode::parse(industry).unwrap()),
        urgency: Urgency::Normal,
        reach: Reach::District,
        owner,
        published_on: day(11, 1),
        valid_until: day(12, 31),
    }
}

fn ids(found: &[qunlian_domain::matching::Candidate]) -> Vec<i64> {
    found.iter().map(|c| c.doc.id).collect()
}

fn sample() -> Vec<ListingDoc> {
    use ListingKind::*;
    let cluster = place(1, "310117001", &[7]);
    vec![
        listing(1, Need, "急需去毛刺液", "晶圆封装后去毛刺用，1.25吨", "3972", cluster.clone()),
        listing(2, Offer, "供应去毛刺溶液", "电子级去毛刺溶液，现货", "2662", place(2, "310117001", &[7])),
        listing(3, Offer, "工业清洗设备", "超声波清洗机，适用于机加工零件", "3562", place(3, "310117002", &[])),
        listing(4, Offer, "光刻胶", "KrF 光刻胶，小批量供应", "3985", place(4, "310117002", &[])),
        listing(5, Need, "12寸晶圆电镀线", "新建产线，求购电镀设备", "3973", place(5, "310117001", &[])),
        listing(6, Offer, "300mm 晶圆电镀设备", "全自动电镀设备，可定制", "3562", place(6, "310117003", &[])),
        listing(7, Offer, "去毛刺液（已过期）", "去毛刺液", "2662", place(7, "310117001", &[7])),
        listing(8, Offer, "邻区的去毛刺液", "去毛刺液", "2662", place(8, "330402007", &[])),
    ]
}

fn indexed() -> TantivyIndex {
    let index = TantivyIndex::in_memory().unwrap();
    let mut docs = sample();
    docs[6].valid_until = day(11, 10);
    docs[7].reach = Reach::District;
    index.apply(docs.into_iter().map(|d| IndexChange::Upsert(d, None)).collect(), 8).unwrap();
    index
}

#[test]
fn a_need_finds_its_offer_written_differently_and_says_why() {
    let index = indexed();
    let need = &sample()[0];
    let viewer = Visibility::Keys(need.owner.viewer_keys());
    let found = index.candidates(need, &viewer, day(11, 23), 50).unwrap();
    assert_eq!(found.first().map(|c| c.doc.id), Some(2), "{found:#?}");
    assert!(found.iter().all(|c| c.doc.kind == ListingKind::Offer));
    assert!(!ids(&found).contains(&7), "expired offers are not candidates");
    assert!(!ids(&found).contains(&8), "a district-wide offer of another city is not visible");
    assert!(found[0].matched_terms.iter().any(|w| w.contains("去毛刺")), "{:?}", found[0].matched_terms);
    assert_eq!(found[0].doc, sample()[1], "the whole listing comes back from the index");

    let ranked = rank(need, found, day(11, 23), 10);
    assert_eq!(ranked[0].listing_id, 2);
    assert_eq!(ranked[0].reasons.chain, Some(ChainRelation::Upstream));
}

#[test]
fn wafer_sizes_and_plating_lines_meet() {
    let index = indexed();
    let need = &sample()[4];
    let found = index.candidates(need, &Visibility::Everything, day(11, 23), 10).unwrap();
    assert_eq!(found.first().map(|c| c.doc.id), Some(6), "{found:#?}");
    let words = &found[0].matched_terms;
    assert!(words.contains(&"300mm".to_owned()) && words.contains(&"晶圆".to_owned()), "{words:?}");
}

#[test]
fn a_chain_neighbour_surfaces_without_a_shared_word() {
    let index = indexed();
    let mut need = sample()[0].clone();
    need.title = "寻找合作伙伴".to_owned();
    need.description = String::new();
    let found = index.candidates(&need, &Visibility::Everything, day(11, 23), 10).unwrap();
    assert!(ids(&found).contains(&2), "{found:#?}");
    assert!(found.iter().all(|c| c.text_score == 0.0), "chain scores are not text scores: {found:#?}");
}

#[test]
fn free_text_search_filters_kind_and_visibility() {
    let index = indexed();
    let all = index.search("去毛刺", None, &Visibility::Everything, day(11, 23), 10).unwrap();
    assert_eq!(ids(&all).iter().filter(|i| [1, 2, 8].contains(i)).count(), 3, "{all:#?}");
    let offers = index.search("去毛刺", Some(ListingKind::Offer), &Visibility::Everything, day(11, 23), 10).unwrap();
    assert!(!ids(&offers).contains(&1));
    let nobody = index.search("去毛刺", None, &Visibility::Keys(vec![]), day(11, 23), 10).unwrap();
    assert!(nobody.is_empty());
    let admin = Visibility::Keys(vec!["od:310117".to_owned()]);
    let district = index.search("去毛刺", None, &admin, day(11, 1), 10).unwrap();
    assert_eq!(ids(&district).len(), 3, "1, 2 and 7 (open on 11-01) but not 8: {district:#?}");
}

#[test]
fn changes_apply_in_place_and_the_index_remembers_how_far() {
    let index = indexed();
    assert_eq!(index.applied_up_to().unwrap(), 8);
    assert_eq!(index.len().unwrap(), 8);
    let mut changed = sample()[1].clone();
    changed.title = "供应抛光液".to_owned();
    changed.description = "CMP 抛光液".to_owned();
    index.apply(vec![IndexChange::Upsert(changed, None), IndexChange::Remove(3)], 10).unwrap();
    assert_eq!(index.applied_up_to().unwrap(), 10);
    assert_eq!(index.len().unwrap(), 7);
    let found = index.search("抛光液", None, &Visibility::Everything, day(11, 23), 10).unwrap();
    assert_eq!(ids(&found), vec![2]);
    index.clear().unwrap();
    assert_eq!(index.len().unwrap(), 0);
    assert_eq!(index.applied_up_to().unwrap(), 0);
}

#[test]
fn an_index_on_disk_is_there_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("listings.index");
    {
        let index = TantivyIndex::open(&path).unwrap();
        assert_eq!(index.applied_up_to().unwrap(), 0);
        index.apply(sample().into_iter().map(|d| IndexChange::Upsert(d, None)).collect(), 42).unwrap();
    }
    let index = TantivyIndex::open(&path).unwrap();
    assert_eq!(index.applied_up_to().unwrap(), 42);
    assert_eq!(index.len().unwrap(), 8);
    let shared = index.clone();
    let handle = std::thread::spawn(move || shared.search("光刻胶", None, &Visibility::Everything, day(11, 23), 5));
    assert_eq!(ids(&handle.join().unwrap().unwrap()), vec![4]);
}

#[test]
fn pruning_with_filters_finds_what_filtering_everything_finds() {
    use qunlian_search::synthetic::{self, Options};
    let index = TantivyIndex::in_memory().unwrap();
    let options = Options { seed: 11, first_id: 1, offer_percent: 50, today: day(6, 1) };
    let docs: Vec<ListingDoc> = synthetic::listings(3_000, &options).collect();
    // Two commits, the second rewriting some listings: deleted documents in old segments.
    index.apply(docs.iter().cloned().map(|d| IndexChange::Upsert(d, None)).collect(), 1).unwrap();
    index.apply(docs.iter().step_by(7).cloned().map(|d| IndexChange::Upsert(d, None)).collect(), 2).unwrap();
    let by_id: std::collections::HashMap<i64, &ListingDoc> = docs.iter().map(|d| (d.id, d)).collect();
    let viewer = Visibility::Keys(place(1, "310117105", &[2]).viewer_keys());
    for text in ["电池托盘 加工", "设备维修 检测", "晶圆 清洗 设备", "普工"] {
        let everything = index.search(text, None, &Visibility::Everything, day(6, 1), 3_000).unwrap();
        let filtered: Vec<i64> = everything
            .iter()
            .filter(|c| c.doc.kind == ListingKind::Need && viewer.admits(&by_id[&c.doc.id].audience()))
            .map(|c| c.doc.id)
            .take(10)
            .collect();
        let pruned = index.search(text, Some(ListingKind::Need), &viewer, day(6, 1), 10).unwrap();
        assert_eq!(ids(&pruned), filtered, "{text}");
        assert!(!filtered.is_empty(), "{text}");
        let unique: std::collections::HashSet<i64> = ids(&everything).into_iter().collect();
        assert_eq!(unique.len(), everything.len(), "a rewritten listing is found once");
    }
}

#[test]
fn queries_are_normalised_like_listings() {
    let index = indexed();
    // Full-width digits, another way to write the size, and a stop word in the query.
    let found = index
        .search("１２英寸的晶圆电镀线", Some(ListingKind::Offer), &Visibility::Everything, day(11, 23), 5)
        .unwrap();
    assert_eq!(found.first().map(|c| c.doc.id), Some(6), "{found:#?}");
    let words = &found[0].matched_terms;
    assert!(words.contains(&"300mm".to_owned()), "{words:?}");
    assert!(!words.iter().any(|w| w == "的" || w.chars().count() < 2 && w != "液"), "{words:?}");
    assert!(index.search("的 和 及", None, &Visibility::Everything, day(11, 23), 5).unwrap().is_empty());
}

#[test]
fn an_index_of_another_schema_is_emptied_and_reads_as_never_applied() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.index");
    std::fs::create_dir_all(&path).unwrap();
    {
        let mut b = tantivy::schema::Schema::builder();
        let title = b.add_text_field("title", tantivy::schema::TEXT);
        let old = tantivy::Index::create_in_dir(&path, b.build()).unwrap();
        let mut writer: tantivy::IndexWriter = old.writer(15_000_000).unwrap();
        writer.add_document(tantivy::doc!(title => "旧的索引")).unwrap();
        let mut commit = writer.prepare_commit().unwrap();
        commit.set_payload("{\"schema\":1,\"up_to\":99}");
        commit.commit().unwrap();
    }
    let index = TantivyIndex::open(&path).unwrap();
    assert_eq!(index.applied_up_to().unwrap(), 0, "the store rebuilds an index that applied nothing");
    assert!(index.is_empty().unwrap());
    index.apply(sample().into_iter().map(|d| IndexChange::Upsert(d, None)).collect(), 3).unwrap();
    assert_eq!(index.len().unwrap(), 8);
}

/// A need that names its problem (仓库返潮) finds the offer that names the remedy (工业除湿机)
/// through the problem → remedy table, marked as found by meaning with no shared word
/// claimed; with the table off it is not found.
#[test]
fn a_need_s_problem_finds_the_offer_of_its_remedy() {
    use ListingKind::*;
    let owner = place(1, "310117001", &[]);
    let docs = [
        listing(1, Need, "仓库返潮严重", "梅雨季成品纸箱变软", "5960", owner),
        listing(2, Offer, "工业除湿机出售", "每天除湿量 240 升", "3464", place(2, "310117002", &[])),
        listing(3, Offer, "纸箱印刷加工", "瓦楞纸箱定制", "2231", place(3, "310117002", &[])),
    ];
    let index = TantivyIndex::in_memory().unwrap();
    index.apply(docs.iter().cloned().map(|d| IndexChange::Upsert(d, None)).collect(), 3).unwrap();

    let found = index.candidates(&docs[0], &Visibility::Everything, day(11, 23), 10).unwrap();
    let dehumidifier = found.iter().find(|c| c.doc.id == 2).unwrap_or_else(|| panic!("{found:#?}"));
    assert!(dehumidifier.by_meaning, "found by the remedy's words, not by a word of the need");
    assert!(dehumidifier.matched_terms.is_empty(), "no shared word claimed: {:?}", dehumidifier.matched_terms);

    let (need, offer) = ("仓库返潮严重 梅雨季成品纸箱变软", "工业除湿机出售 每天除湿量 240 升");
    assert_eq!(index.remedies_answered(need, &[offer]), [Some("返潮".to_owned())], "the broker is told why");

    index.set_remedy_weight(0.0);
    let without = index.candidates(&docs[0], &Visibility::Everything, day(11, 23), 10).unwrap();
    assert!(!ids(&without).contains(&2), "{without:#?}");
    assert_eq!(index.remedies_answered(need, &[offer]), [None], "with the table off, no remedy is named");
}
