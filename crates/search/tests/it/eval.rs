//! The matching evaluation: reference/matching-eval/ (needs and their known good offers,
//! worded differently) among thousands of synthetic distractors, ranked as the product
//! ranks them. Prints recall@10 and MRR; fails below the floors docs/matching.md justifies.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{Days, NaiveDate};
use qunlian_domain::matching::{
    IndexChange, ListingCategory, ListingDoc, ListingKind, Place, Reach, SearchIndex, Urgency, Visibility, rank,
};
use qunlian_domain::{IndustryCode, RegionCode};
use qunlian_search::TantivyIndex;
use qunlian_search::synthetic::{self, Options};

/// Floors set a little under what was measured (see docs/matching.md, “评测”).
const RECALL_AT_10_FLOOR: f64 = 0.95;
const MRR_FLOOR: f64 = 0.87;
/// Synthetic distractors beside the evaluation's offers.
const DISTRACTORS: usize = 5_000;
/// Candidates the index returns before ranking, as the store asks for.
const POOL: usize = 100;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../reference/matching-eval")
}

fn rows(file: &str) -> Vec<HashMap<String, String>> {
    let mut reader =
        csv::ReaderBuilder::new().comment(Some(b'#')).from_path(dir().join(file)).expect("the evaluation file");
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers.iter().zip(r.iter()).map(|(h, v)| (h.to_owned(), v.trim().to_owned())).collect()
        })
        .collect()
}

fn listing(row: &HashMap<String, String>, kind: ListingKind) -> ListingDoc {
    let id: i64 = row["id"].parse().unwrap();
    let clusters = row["clusters"].split(';').filter(|c| !c.is_empty()).map(|c| c.parse().unwrap()).collect();
    ListingDoc {
        id,
        kind,
        category: ListingCategory::parse(&row["category"]).unwrap_or_else(|| panic!("category of {id}")),
        title: row["title"].clone(),
        description: row["description"].clone(),
        industry: Some(IndustryCode::parse(&row["industry"]).unwrap_or_else(|_| panic!("industry of {id}"))),
        urgency: row.get("urgency").and_then(|u| Urgency::parse(u)).unwrap_or(Urgency::Normal),
        reach: Reach::Corridor,
        owner: Place { unit_id: id, town: Some(RegionCode::parse(&row["town"]).unwrap()), clusters },
        published_on: today().checked_sub_days(Days::new((id % 40) as u64)).unwrap(),
        valid_until: today().checked_add_days(Days::new(90)).unwrap(),
    }
}

struct Scores {
    recall_at_10: f64,
    mrr: f64,
}

fn score(ranked: &[Vec<i64>], relevant: &[Vec<i64>]) -> Scores {
    let n = ranked.len() as f64;
    let mut recall = 0.0;
    let mut mrr = 0.0;
    for (got, want) in ranked.iter().zip(relevant) {
        let top: Vec<i64> = got.iter().take(10).copied().collect();
        recall += want.iter().filter(|w| top.contains(w)).count() as f64 / want.len() as f64;
        if let Some(pos) = top.iter().position(|id| want.contains(id)) {
            mrr += 1.0 / (pos + 1) as f64;
        }
    }
    Scores { recall_at_10: recall / n, mrr: mrr / n }
}

struct Set {
    needs: Vec<ListingDoc>,
    offers: Vec<ListingDoc>,
    /// need id → the ids of its good offers.
    relevant: HashMap<i64, Vec<i64>>,
    distractors: Vec<ListingDoc>,
}

fn load() -> Set {
    let needs: Vec<ListingDoc> = rows("needs.csv").iter().map(|r| listing(r, ListingKind::Need)).collect();
    let offer_rows = rows("offers.csv");
    let offers: Vec<ListingDoc> = offer_rows.iter().map(|r| listing(r, ListingKind::Offer)).collect();
    let mut relevant: HashMap<i64, Vec<i64>> = HashMap::new();
    for (row, offer) in offer_rows.iter().zip(&offers) {
        for need in row["for_needs"].split(';') {
            relevant.entry(need.parse().unwrap()).or_default().push(offer.id);
        }
    }
    let options = Options { seed: 2026, first_id: 100_000, offer_percent: 85, today: today() };
    let distractors: Vec<ListingDoc> = synthetic::listings(DISTRACTORS, &options).collect();
    Set { needs, offers, relevant, distractors }
}

#[test]
fn matching_finds_the_known_good_offers() {
    let Set { needs, offers, relevant, distractors } = load();
    assert!(needs.len() >= 60, "at least 60 needs");
    assert!(needs.iter().all(|n| relevant.contains_key(&n.id)), "every need has a good offer");

    let index = TantivyIndex::in_memory().unwrap();
    let all: Vec<IndexChange> =
        needs.iter().chain(&offers).chain(&distractors).cloned().map(IndexChange::Upsert).collect();
    index.apply(all, 1).unwrap();

    let mut by_text = Vec::new();
    let mut by_rank = Vec::new();
    let mut wanted = Vec::new();
    let titles: HashMap<i64, String> = offers.iter().chain(&distractors).map(|d| (d.id, d.title.clone())).collect();
    for need in &needs {
        let found = index.candidates(need, &Visibility::Everything, today(), POOL).unwrap();
        by_text.push(found.iter().map(|c| c.doc.id).collect::<Vec<_>>());
        let ranked: Vec<i64> = rank(need, found, today(), 10).iter().map(|m| m.listing_id).collect();
        let want = relevant[&need.id].clone();
        if !ranked.iter().any(|id| want.contains(id)) {
            let top: Vec<&str> = ranked.iter().take(3).map(|id| titles[id].as_str()).collect();
            println!("未命中 需求{} {}：前三为 {:?}", need.id, need.title, top);
        }
        by_rank.push(ranked);
        wanted.push(want);
    }
    let text = score(&by_text, &wanted);
    let ranked = score(&by_rank, &wanted);
    println!(
        "匹配评测：{} 条需求，{} 条好供给，{} 条干扰；仅文本 recall@10 {:.3} MRR {:.3}；排序后 recall@10 {:.3} MRR {:.3}",
        needs.len(),
        offers.len(),
        distractors.len(),
        text.recall_at_10,
        text.mrr,
        ranked.recall_at_10,
        ranked.mrr
    );
    assert!(
        ranked.recall_at_10 >= RECALL_AT_10_FLOOR,
        "recall@10 {:.3} below {RECALL_AT_10_FLOOR}",
        ranked.recall_at_10
    );
    assert!(ranked.mrr >= MRR_FLOOR, "MRR {:.3} below {MRR_FLOOR}", ranked.mrr);
}
