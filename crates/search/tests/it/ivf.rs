//! The inverted file of the semantic stage (crates/search/src/semantic/ivf.rs) on clustered
//! vectors made here: its lists follow every change, it finds what the exhaustive search
//! finds, and a filter that admits few listings still gets `k` of them.

use qunlian_domain::matching::{ListingDoc, ListingKind, ListingVector, Visibility};
use qunlian_search::semantic::{self, Filter, Vectors, lists_for};

use crate::index::{day, listing, place};

const DIM: usize = 32;
/// Enough vectors for more lists than a search reads at the least.
const N: usize = 20_000;

/// A small deterministic generator (the test needs no crate for it).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32) - 0.5
    }
}

/// `n` vectors around 40 centres, offers and needs alternating, each its own enterprise's.
fn clustered(n: usize) -> Vec<(ListingDoc, ListingVector)> {
    let mut g = Lcg(7);
    let centres: Vec<Vec<f32>> = (0..40).map(|_| (0..DIM).map(|_| g.next()).collect()).collect();
    (0..n)
        .map(|i| {
            let c = &centres[i % centres.len()];
            let v: Vec<f32> = c.iter().map(|x| x + 0.35 * g.next()).collect();
            let kind = if i % 2 == 0 { ListingKind::Offer } else { ListingKind::Need };
            let id = i as i64 + 1;
            (listing(id, kind, "x", "", "3972", place(id, "310117001", &[7])), ListingVector::quantise(&v))
        })
        .collect()
}

fn filter_for(need: &ListingDoc) -> Filter {
    Filter::counterparts_of(need, &Visibility::Everything, day(11, 20)).unwrap()
}

fn ids(found: &[(i64, f32)]) -> Vec<i64> {
    found.iter().map(|(id, _)| *id).collect()
}

#[test]
fn the_inverted_file_follows_every_change_and_finds_what_the_exhaustive_search_finds() {
    let items = clustered(N);
    assert!(lists_for(N) > semantic::PROBES, "some lists are not read");
    let mut vectors = Vectors::with_ivf_from(1_000);
    for (doc, v) in &items[..900] {
        vectors.insert(doc, v);
    }
    vectors.maintain();
    assert_eq!(vectors.list_count(), 0, "below the threshold the search is exhaustive");
    for (doc, v) in &items[900..] {
        vectors.insert(doc, v);
    }
    vectors.maintain();
    assert_eq!(vectors.list_count(), lists_for(N));
    assert!(vectors.lists_are_consistent());
    assert!(vectors.lists_are_contiguous(), "trained: each list's rows one after another");
    for (doc, v) in &items {
        assert_eq!(vectors.vector(doc.id).as_ref(), Some(v), "the rows moved with their listings");
    }

    // Recall of the inverted file's 20 nearest against the exhaustive 20, over 100 needs.
    let recall = |vectors: &Vectors, needs: &[&(ListingDoc, ListingVector)]| {
        let mut found = 0;
        let mut asked = 0;
        for (need, v) in needs {
            let filter = filter_for(need);
            let exact = ids(&vectors.neighbours_exhaustive(v, 20, &filter));
            let near = ids(&vectors.neighbours(v, 20, &filter));
            assert_eq!(near.len(), 20, "as many as asked for");
            found += near.iter().filter(|id| exact.contains(id)).count();
            asked += exact.len();
        }
        found as f64 / asked as f64
    };
    let needs: Vec<_> = items.iter().filter(|(d, _)| d.kind == ListingKind::Need).take(100).collect();
    let before = recall(&vectors, &needs);
    eprintln!("recall@20 of the inverted file against the exhaustive search: {before:.3}");
    assert!(before >= 0.9, "recall@20 against the exhaustive search {before:.3}");

    // Replacements move a vector to another list; removals move the last row into the gap.
    for (i, (doc, _)) in items.iter().enumerate().skip(1).step_by(7).take(300) {
        let (_, other) = &items[(i + 13) % items.len()];
        vectors.insert(doc, other);
    }
    for (doc, _) in items.iter().step_by(5).take(400) {
        vectors.remove(doc.id);
    }
    assert!(vectors.lists_are_consistent(), "every row in exactly its list after replacements and removals");
    let kept: Vec<_> = needs.iter().copied().filter(|(d, _)| vectors.vector(d.id).is_some()).collect();
    let after = recall(&vectors, &kept);
    assert!(after >= 0.9, "recall@20 after changes {after:.3}");
    assert!(!vectors.lists_are_contiguous(), "changed rows sit where they were put");

    // Once an eighth of the rows have changed, the lists are laid out again (not retrained).
    for (i, (doc, _)) in items.iter().enumerate().skip(2).step_by(9).take(2_000) {
        if vectors.vector(doc.id).is_some() {
            vectors.insert(doc, &items[(i + 29) % items.len()].1);
        }
    }
    let lists = vectors.list_count();
    vectors.maintain();
    assert!(vectors.lists_are_consistent() && vectors.lists_are_contiguous(), "laid out again");
    assert_eq!(vectors.list_count(), lists);
    for (i, (doc, _)) in items.iter().enumerate().skip(2).step_by(9).take(2_000) {
        if let Some(held) = vectors.vector(doc.id) {
            assert_eq!(held, items[(i + 29) % items.len()].1, "the rows moved with their listings");
        }
    }

    // Halved: trained again; below the threshold: exhaustive again.
    for (doc, _) in &items[..N * 11 / 20] {
        vectors.remove(doc.id);
    }
    vectors.maintain();
    assert!(vectors.lists_are_consistent());
    assert_eq!(vectors.list_count(), lists_for(vectors.len()), "trained again on the half");
    for (doc, _) in &items[N * 11 / 20..N - 800] {
        vectors.remove(doc.id);
    }
    vectors.maintain();
    assert_eq!(vectors.list_count(), 0);
}

#[test]
fn a_filter_that_admits_few_still_gets_as_many_as_asked_for() {
    let mut items = clustered(N);
    // Only 30 offers are still open on the day of the search, spread over every centre.
    for (i, (doc, _)) in items.iter_mut().enumerate() {
        if doc.kind == ListingKind::Offer && i % 650 != 0 {
            doc.valid_until = day(11, 1);
        }
    }
    let open = items.iter().filter(|(d, _)| d.kind == ListingKind::Offer && d.valid_until >= day(11, 20)).count();
    assert_eq!(open, 31);
    let mut vectors = Vectors::with_ivf_from(1_000);
    for (doc, v) in &items {
        vectors.insert(doc, v);
    }
    vectors.maintain();
    assert!(vectors.list_count() > 0);
    let (need, v) = &items[1];
    let filter = filter_for(need);
    let exact = ids(&vectors.neighbours_exhaustive(v, 20, &filter));
    let near = ids(&vectors.neighbours(v, 20, &filter));
    assert_eq!(exact.len(), 20);
    assert_eq!(near.len(), 20, "lists beyond the first probes are read until 20 have passed");
    let all = ids(&vectors.neighbours(v, 40, &filter));
    let mut sorted_all = all.clone();
    sorted_all.sort_unstable();
    let mut sorted_exact = ids(&vectors.neighbours_exhaustive(v, 40, &filter));
    sorted_exact.sort_unstable();
    assert_eq!(sorted_all, sorted_exact, "asked for more than pass, every list is read: the same 31");
}
