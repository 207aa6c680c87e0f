//! The semantic stage's parts (crates/search/src/semantic.rs) with a stand-in embedder whose
//! vectors are known: the vectors held by the index, the neighbour search filtered as the
//! lexical candidates are, and the fused ranking with its reason.

use qunlian_domain::matching::{
    Candidate, Embedder, IndexChange, ListingDoc, ListingKind, ListingVector, Reach, SearchIndex, Visibility, rank,
};
use qunlian_search::TantivyIndex;
use qunlian_search::semantic::{self, Filter, Vectors};

use crate::index::{day, listing, place};

/// Three directions: damp, hiring, anything else.
struct ByTopic;

impl Embedder for ByTopic {
    fn model(&self) -> &str {
        "by-topic/1"
    }
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

/// A listing without an industry, so no chain relation links any two of them; each of its
/// own enterprise (unit = id) in one town, seen district-wide.
fn doc(id: i64, kind: ListingKind, title: &str) -> ListingDoc {
    ListingDoc { industry: None, ..listing(id, kind, title, "", "3972", place(id, "310117001", &[7])) }
}

fn v(d: &ListingDoc) -> ListingVector {
    semantic::embed(&ByTopic, d)
}

fn index_of(docs: &[ListingDoc]) -> TantivyIndex {
    let index = TantivyIndex::in_memory().unwrap();
    index.apply(docs.iter().map(|d| IndexChange::Upsert(d.clone(), Some(v(d)))).collect(), 1).unwrap();
    index
}

#[test]
fn vectors_are_replaced_and_removed() {
    use ListingKind::*;
    let need = doc(1, Need, "仓库返潮");
    let mut vectors = Vectors::new();
    for d in [doc(2, Offer, "招聘仓管"), doc(3, Offer, "工业除湿机"), doc(4, Offer, "车间除湿")] {
        vectors.insert(&d, &v(&d));
    }
    let filter = Filter::counterparts_of(&need, &Visibility::Everything, day(11, 20)).unwrap();
    let near = |vs: &Vectors| vs.neighbours(&v(&need), 5, &filter).into_iter().map(|(id, _)| id).collect::<Vec<_>>();
    assert_eq!(near(&vectors), [3, 4, 2]);
    vectors.insert(&doc(2, Offer, "除湿"), &v(&doc(2, Offer, "除湿")));
    assert_eq!(near(&vectors), [2, 3, 4], "saving again replaces the vector");
    vectors.remove(3);
    assert_eq!((near(&vectors), vectors.len()), (vec![2, 4], 2), "the last one moved into the removed place");
    vectors.insert(&doc(5, Offer, "尺寸不对"), &ListingVector::quantise(&[1.0, 0.0]));
    assert_eq!(vectors.len(), 2, "a vector of another length is not held");
    assert_eq!(vectors.vector_bytes(), 2 * (3 + 4));
}

#[test]
fn neighbours_are_filtered_as_the_lexical_candidates_are() {
    use ListingKind::*;
    let need = doc(1, Need, "仓库返潮");
    let own = ListingDoc { owner: place(1, "310117001", &[7]), ..doc(6, Offer, "除湿机出租") };
    let expired = ListingDoc { valid_until: day(11, 1), ..doc(7, Offer, "除湿机") };
    let hidden =
        ListingDoc { reach: Reach::Cluster, owner: place(8, "310117002", &[9]), ..doc(8, Offer, "除湿设备") };
    let docs = [
        need.clone(),
        doc(2, Offer, "招聘仓管"),
        doc(3, Offer, "工业除湿机"),
        doc(4, Need, "车间除湿"),
        own,
        expired,
        hidden,
    ];
    let index = index_of(&docs);
    assert_eq!(index.vectors_len().unwrap(), 7);
    let reader = Visibility::Keys(need.owner.viewer_keys());
    let found: Vec<(i64, f32)> = index
        .neighbours(&need, &v(&need), &reader, day(11, 20), 10)
        .unwrap()
        .into_iter()
        .map(|(d, s)| (d.id, (s * 100.0).round() / 100.0))
        .collect();
    assert_eq!(
        found,
        [(3, 1.0), (2, 0.0)],
        "not the subject, not another need, not its own enterprise's, not expired, not one it may not see"
    );
    let everything = index.neighbours(&need, &v(&need), &Visibility::Everything, day(11, 20), 10).unwrap();
    assert!(everything.iter().any(|(d, _)| d.id == 8), "the cluster-only listing is there for one who may see it");
    assert!(index.neighbours(&need, &v(&need), &Visibility::Keys(Vec::new()), day(11, 20), 10).unwrap().is_empty());
    index.apply(vec![IndexChange::Remove(3), IndexChange::Upsert(doc(2, Offer, "招聘仓管"), None)], 2).unwrap();
    assert!(index.neighbours(&need, &v(&need), &reader, day(11, 20), 10).unwrap().is_empty(), "removed, or no vector");
    assert_eq!(index.similarities(&v(&need), &[2, 3, 8]).unwrap().len(), 1);
    index.clear().unwrap();
    assert_eq!(index.vectors_len().unwrap(), 0);
}

/// `rank` drops a candidate that shares no word and no chain relation; the fused ranking
/// keeps it for its meaning, says “语义相近”, and adds the weighted cosine to every score.
#[test]
fn fusion_admits_a_neighbour_sharing_no_word_and_says_why() {
    use ListingKind::*;
    let need = doc(1, Need, "仓库返潮");
    let dehumidifier = doc(3, Offer, "工业除湿机");
    let worded = Candidate {
        doc: doc(2, Offer, "仓库货架"),
        text_score: 4.0,
        matched_terms: vec!["仓库".to_owned()],
        by_meaning: false,
    };
    let index = index_of(&[need.clone(), worded.doc.clone(), dehumidifier.clone()]);
    let alone = Candidate { doc: dehumidifier.clone(), text_score: 0.0, matched_terms: Vec::new(), by_meaning: false };
    assert!(rank(&need, vec![alone], day(11, 20), 10).is_empty(), "words alone cannot find it");

    let lexical = rank(&need, vec![worded.clone()], day(11, 20), 10);
    let reader = Visibility::Keys(need.owner.viewer_keys());
    // The fused top `top` of the need with the worded offer as its lexical pool.
    let matches = |top: usize, admit: &dyn Fn(&ListingDoc) -> bool| {
        semantic::semantic_matches(
            &index,
            &need,
            &v(&need),
            || Ok(vec![worded.clone()]),
            &reader,
            admit,
            day(11, 20),
            top,
        )
        .unwrap()
    };
    let fused = matches(1, &|_| true);
    assert_eq!(fused.iter().map(|m| m.listing_id).collect::<Vec<_>>(), [3], "the listing close in meaning first");
    let all = matches(10, &|_| true);
    assert_eq!(all.iter().map(|m| m.listing_id).collect::<Vec<_>>(), [3, 2]);
    assert!(all[0].reasons.matched_terms.is_empty(), "no shared word is claimed for it");
    assert_eq!(all[0].reasons.semantic, Some(1.0));
    assert!(all[0].reasons.sentence().starts_with("语义相近"), "{}", all[0].reasons.sentence());
    assert!((all[1].score - lexical[0].score).abs() < 1e-6, "cosine 0 adds nothing");
    assert!(all[0].score >= semantic::WEIGHT - 0.01, "cosine 1 adds the weight");
    let hidden = matches(10, &|d| d.id != 3);
    assert_eq!(
        hidden.iter().map(|m| m.listing_id).collect::<Vec<_>>(),
        [2],
        "what the caller may not see never comes back"
    );
}

/// The index lends the words of the subject's nearest by meaning to its query: an offer that
/// shares none of the need's words but a word of its nearest neighbour's title enters the
/// pool, marked as found by meaning with no shared word claimed; with expansion off, or for
/// a subject the index holds no vector of, it does not.
#[test]
fn the_nearest_by_meaning_lend_their_words_to_the_query() {
    use ListingKind::*;
    let need = doc(1, Need, "仓库返潮");
    let dehumidifier = doc(3, Offer, "工业除湿机");
    let rotor = doc(4, Offer, "转轮除湿机");
    let shelves = doc(5, Offer, "仓库货架");
    let index = index_of(&[need.clone(), dehumidifier.clone(), shelves.clone(), rotor.clone()]);
    // The problem → remedy table knows 返潮 → 除湿机 too; this test is of the neighbours' words.
    index.set_remedy_weight(0.0);
    let ids = |cs: &[Candidate]| {
        let mut ids: Vec<i64> = cs.iter().map(|c| c.doc.id).collect();
        ids.sort_unstable();
        ids
    };
    let reader = Visibility::Keys(need.owner.viewer_keys());
    let found = index.candidates(&need, &reader, day(11, 20), 10).unwrap();
    assert_eq!(ids(&found), [3, 4, 5], "除湿机, lent by the nearest, finds both dehumidifiers");
    for c in &found {
        assert_eq!(c.by_meaning, c.doc.id != 5, "{}", c.doc.title);
        assert_eq!(c.matched_terms.is_empty(), c.doc.id != 5, "{}: {:?}", c.doc.title, c.matched_terms);
    }

    index.set_expansion(false);
    let words_alone = index.candidates(&need, &reader, day(11, 20), 10).unwrap();
    assert_eq!(ids(&words_alone), [5]);
    index.set_expansion(true);

    let unheld = doc(9, Need, "仓库返潮");
    let found = index.candidates(&unheld, &Visibility::Keys(unheld.owner.viewer_keys()), day(11, 20), 10).unwrap();
    assert_eq!(ids(&found), [5], "a subject without a held vector lends nothing");

    let fused = semantic::semantic_matches(
        &index,
        &need,
        &v(&need),
        || index.candidates(&need, &reader, day(11, 20), 10),
        &reader,
        |_| true,
        day(11, 20),
        10,
    )
    .unwrap();
    assert_eq!(fused.iter().map(|m| m.listing_id).take(2).collect::<Vec<_>>(), [3, 4]);
    assert!(
        fused.iter().all(|m| m.listing_id == 5 || m.reasons.semantic.is_some() && m.reasons.matched_terms.is_empty())
    );
}
