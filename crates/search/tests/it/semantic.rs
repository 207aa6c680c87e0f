//! The semantic stage's parts (crates/search/src/semantic.rs) with a stand-in embedder whose
//! vectors are known: the neighbour search and the fused ranking.

use qunlian_domain::matching::{Candidate, Embedder, ListingDoc, ListingKind, rank};
use qunlian_search::semantic::{self, Vectors};

use crate::index::{day, listing, place};

/// Three directions: damp, hiring, anything else.
struct ByTopic;

impl Embedder for ByTopic {
    fn dim(&self) -> usize {
        3
    }
    fn embed(&self, text: &str) -> Vec<f32> {
        if text.contains("除湿") || text.contains("返潮") {
            vec![1.0, 0.0, 0.0]
        } else if text.contains("招聘") {
            vec![0.0, 1.0, 0.0]
        } else {
            vec![0.0, 0.0, 1.0]
        }
    }
}

/// A listing without an industry, so no chain relation links any two of them.
fn doc(id: i64, kind: ListingKind, title: &str) -> ListingDoc {
    ListingDoc { industry: None, ..listing(id, kind, title, "", "3972", place(id, "310117001", &[7])) }
}

fn vectors(docs: &[ListingDoc]) -> Vectors {
    let mut v = Vectors::new(3);
    v.add(&ByTopic, docs.iter().cloned());
    v
}

#[test]
fn neighbours_are_the_nearest_the_filter_admits() {
    use ListingKind::*;
    let need = doc(1, Need, "仓库返潮");
    let docs = [need.clone(), doc(2, Offer, "招聘仓管"), doc(3, Offer, "工业除湿机"), doc(4, Need, "车间除湿")];
    let mut v = vectors(&docs);
    let found: Vec<(i64, f32)> = v.neighbours(1, 5, |d| d.kind == Offer).into_iter().map(|(d, s)| (d.id, s)).collect();
    assert_eq!(found, [(3, 1.0), (2, 0.0)], "the subject itself and other needs are left out");
    assert_eq!(v.neighbours(1, 1, |d| d.kind == Offer).len(), 1);
    // Saving a listing again replaces its vector.
    v.insert(doc(2, Offer, "招聘仓管"), &[1.0, 0.0, 0.0]);
    assert_eq!((v.len(), v.similarity(1, 2)), (4, Some(1.0)));
    v.insert(doc(5, Offer, "尺寸不对"), &[1.0, 0.0]);
    assert_eq!(v.len(), 4, "a vector of another length is not held");
}

/// `rank` drops a candidate that shares no word and no chain relation; the fused ranking
/// keeps it for its meaning, with no shared word in its reasons, and adds the weighted
/// cosine to every score.
#[test]
fn fusion_admits_a_neighbour_sharing_no_word_and_adds_the_cosine() {
    use ListingKind::*;
    let need = doc(1, Need, "仓库返潮");
    let dehumidifier = doc(3, Offer, "工业除湿机");
    let worded =
        Candidate { doc: doc(2, Offer, "仓库货架"), text_score: 4.0, matched_terms: vec!["仓库".to_owned()] };
    let v = vectors(&[need.clone(), worded.doc.clone(), dehumidifier.clone()]);
    let alone = Candidate { doc: dehumidifier.clone(), text_score: 0.0, matched_terms: Vec::new() };
    assert!(rank(&need, vec![alone], day(11, 20), 10).is_empty(), "words alone cannot find it");

    let lexical = rank(&need, vec![worded.clone()], day(11, 20), 10);
    let fused = semantic::fuse(&need, vec![worded], vec![dehumidifier], |id| v.similarity(1, id), day(11, 20), 10);
    let ids: Vec<i64> = fused.iter().map(|m| m.listing_id).collect();
    assert_eq!(ids, [3, 2], "the listing close in meaning comes first");
    assert!(fused[0].reasons.matched_terms.is_empty(), "no shared word is claimed for it");
    assert!((fused[1].score - lexical[0].score).abs() < 1e-9, "cosine 0 adds nothing");
    assert!(fused[0].score >= semantic::WEIGHT, "cosine 1 adds the weight");
}
