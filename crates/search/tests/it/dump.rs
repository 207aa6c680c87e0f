//! TEMPORARY prototype dump (not committed).
use chrono::NaiveDate;
use qunlian_domain::matching::{Candidate, IndexChange, ListingDoc, SearchIndex, Visibility, rank};
use qunlian_search::TantivyIndex;
use qunlian_search::eval::{self, Set};
use qunlian_search::synthetic::{self, Options};
use std::io::Write;

#[test]
#[ignore]
fn dump_for_prototype() {
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let options = Options { seed: 2026, first_id: 100_000, offer_percent: 85, today };
    let distractors: Vec<ListingDoc> = synthetic::listings(5_000, &options).collect();
    let mut out = std::fs::File::create("/tmp/emb/dump.jsonl").unwrap();
    for d in &distractors {
        writeln!(out, "{}", serde_json::json!({"t":"doc","set":"syn","id":d.id,"kind":format!("{:?}",d.kind),"title":d.title,"desc":d.description})).unwrap();
    }
    for set in [Set::Tuning, Set::Independent] {
        let s = eval::load_set(set, today, 0).unwrap();
        let name = format!("{set:?}");
        for d in s.needs.iter().chain(&s.offers) {
            writeln!(out, "{}", serde_json::json!({"t":"doc","set":name,"id":d.id,"kind":format!("{:?}",d.kind),"title":d.title,"desc":d.description})).unwrap();
        }
        let index = TantivyIndex::in_memory().unwrap();
        let all: Vec<IndexChange> = s.needs.iter().chain(&s.offers).chain(&distractors).cloned().map(IndexChange::Upsert).collect();
        index.apply(all, 1).unwrap();
        let offers: Vec<&ListingDoc> = s.offers.iter().chain(distractors.iter()).filter(|d| d.kind == qunlian_domain::matching::ListingKind::Offer).collect();
        for need in &s.needs {
            let found = index.candidates(need, &Visibility::Everything, today, 100).unwrap();
            let lex: Vec<(i64, f64)> = rank(need, found, today, 100).iter().map(|m| (m.listing_id, m.score)).collect();
            let base: Vec<(i64, f64)> = offers.iter().filter_map(|o| {
                let c = Candidate { doc: (*o).clone(), text_score: 0.0, matched_terms: vec!["·".into()] };
                rank(need, vec![c], today, 1).first().map(|m| (m.listing_id, m.score))
            }).collect();
            writeln!(out, "{}", serde_json::json!({"t":"need","set":name,"id":need.id,"lex":lex,"base":base,"rel":s.relevant[&need.id]})).unwrap();
        }
        writeln!(out, "{}", serde_json::json!({"t":"kinds","set":name,"kinds":s.kinds})).unwrap();
    }
}
