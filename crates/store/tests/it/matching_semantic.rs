//! The semantic stage in the store (issue #16): a listing's vector is computed when it is
//! saved and stored with it, a sync or rebuild reads it back instead of embedding again
//! (embed calls counted through the domain's port), the neighbours by meaning are filtered by
//! what the caller may see, and a match found by meaning says “语义相近” — on SQLite, and on
//! PostgreSQL when TEST_DATABASE_URL is set.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use qunlian_domain::auth::{Role, Scope};
use qunlian_domain::matching::{Embedder, ListingKind, Reach, SearchIndex};
use qunlian_store::Store;
use qunlian_store::matching::ListingImportRow;
use qunlian_testkit::*;
use sea_orm::{ConnectionTrait, Statement};

use crate::matching::{firm, index, published, world};

/// A stand-in model: damp and dehumidifying point one way, everything else another; every
/// call counted.
struct Counting {
    model: &'static str,
    calls: AtomicUsize,
}

impl Counting {
    fn new(model: &'static str) -> Arc<Counting> {
        Arc::new(Counting { model, calls: AtomicUsize::new(0) })
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Embedder for Counting {
    fn model(&self) -> &str {
        self.model
    }
    fn dim(&self) -> usize {
        3
    }
    fn embed(&self, text: &str) -> Vec<f32> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if text.contains("除湿") || text.contains("返潮") { vec![1.0, 0.0, 0.0] } else { vec![0.0, 0.0, 1.0] }
    }
}

fn with(s: &Store, embedder: &Arc<Counting>) -> Store {
    s.clone().with_embedder(embedder.clone())
}

/// Rows of `listing_vectors` as (listing, model).
async fn stored(db: &TestDb) -> Vec<(i64, String)> {
    let raw = sea_orm::Database::connect(&db.url).await.unwrap();
    let backend = raw.get_database_backend();
    let sql = "SELECT listing_id, model FROM listing_vectors ORDER BY listing_id";
    let rows = raw.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    rows.iter().map(|r| (r.try_get_by_index::<i64>(0).unwrap(), r.try_get_by_index::<String>(1).unwrap())).collect()
}

#[tokio::test]
async fn vectors_are_stored_on_save_and_not_recomputed_on_rebuild() {
    let db = TestDb::new().await;
    let e5 = Counting::new("stand-in/1");
    let s = &with(&db.store, &e5);
    let w = world(s).await;
    assert_eq!(e5.calls(), 2, "publishing embeds each listing once");
    assert_eq!(stored(&db).await, vec![(w.need, "stand-in/1".to_owned()), (w.offer, "stand-in/1".to_owned())]);

    // A rebuild and the syncs read the stored vectors.
    let idx = index();
    assert_eq!(s.matching().reindex(&idx).await.unwrap(), 2);
    s.matching().sync_index(&idx).await.unwrap();
    assert_eq!((e5.calls(), idx.vectors_len().unwrap()), (2, 2), "nothing embedded again");

    // An index opened from disk holds its text but not its vectors: the start reads them.
    let from_disk = index();
    db.store.matching().reindex(&from_disk).await.unwrap();
    assert_eq!(from_disk.vectors_len().unwrap(), 0, "a store without an embedder holds no vectors");
    assert!(!s.matching().prepare_index(&from_disk).await.unwrap(), "not rebuilt");
    assert_eq!((e5.calls(), from_disk.vectors_len().unwrap()), (2, 2));

    // Editing the text and importing embed once each, inside the save; the sync reads them.
    let edited = listing(ListingKind::Offer, "供应去毛刺溶液", "另有除湿剂", Reach::Cluster);
    s.matching().update_listing(&system(), w.offer, edited).await.unwrap();
    assert_eq!(e5.calls(), 3);
    let row = ListingImportRow {
        line: 2,
        uscc: uscc(2).as_str().to_owned(),
        fields: listing(ListingKind::Offer, "工业除湿机", "", Reach::Town),
    };
    let (counts, _) = s.matching().import_listings(&system(), vec![row.clone()], "t.csv", 0, false).await.unwrap();
    assert_eq!((counts.imported, e5.calls()), (1, 4));
    s.matching().import_listings(&system(), vec![row], "t.csv", 0, false).await.unwrap();
    assert_eq!(e5.calls(), 4, "an unchanged row is not embedded again");
    s.matching().sync_index(&idx).await.unwrap();
    assert_eq!((e5.calls(), idx.vectors_len().unwrap()), (4, 3));

    // A text changed behind the store's back (no vector written) is embedded at the next sync.
    let raw = sea_orm::Database::connect(&db.url).await.unwrap();
    raw.execute_unprepared(&format!("UPDATE listings SET title = '急需除湿' WHERE id = {}", w.need)).await.unwrap();
    s.matching().sync_index(&idx).await.unwrap();
    assert_eq!(e5.calls(), 5, "the stale vector is computed again, once");

    // Another model re-embeds every listing once, then reads its own vectors.
    let v2 = Counting::new("stand-in/2");
    let s2 = &with(&db.store, &v2);
    let rebuilt = index();
    assert_eq!(s2.matching().reindex(&rebuilt).await.unwrap(), 3);
    assert_eq!(v2.calls(), 3);
    assert!(stored(&db).await.iter().all(|(_, m)| m == "stand-in/2"));
    s2.matching().reindex(&index()).await.unwrap();
    assert_eq!(v2.calls(), 3);
}

#[tokio::test]
async fn semantic_candidates_are_only_what_the_caller_may_see_and_say_why() {
    let db = TestDb::new().await;
    let e5 = Counting::new("stand-in/1");
    let s = &with(&db.store, &e5);
    let w = world(s).await;
    let damp = published(s, w.chip, listing(ListingKind::Need, "仓库返潮", "雨季库房潮湿", Reach::Cluster)).await;
    // Close in meaning, no shared word: the cluster neighbour's (seen by the chip maker),
    // a far firm's cluster-only one (seen by no one outside its owner), a far firm's
    // district-wide one (seen by everyone in 松江), and the chip maker's own.
    let member = published(s, w.chem, listing(ListingKind::Offer, "工业除湿机", "", Reach::Cluster)).await;
    let hidden = published(s, w.far, listing(ListingKind::Offer, "除湿设备", "", Reach::Cluster)).await;
    // (A firm of an industry with no chain relation to chips, so only meaning links them.)
    let estate = firm(s, 5, "上海某置业有限公司", "泖港", "7010").await;
    let open = published(s, estate, listing(ListingKind::Offer, "除湿机出租", "", Reach::District)).await;
    let own = published(s, w.chip, listing(ListingKind::Offer, "除湿机转让", "", Reach::District)).await;
    let idx = index();
    s.matching().sync_index(&idx).await.unwrap();

    let chip = user(s, "chip", Role::EnterpriseContact, Scope::Enterprise(w.chip)).await;
    let found = s.matching().matches(&chip, &idx, damp, 10).await.unwrap();
    let got: Vec<i64> = found.iter().map(|m| m.listing.id).collect();
    assert!(got.contains(&member) && got.contains(&open), "the nearest it may see: {got:?}");
    assert!(!got.contains(&hidden), "a listing the caller may not see never comes back");
    assert!(!got.contains(&own), "nor one of the subject's own enterprise");
    let by_meaning = found.iter().find(|m| m.listing.id == open).unwrap();
    assert!(by_meaning.reasons.matched_terms.is_empty(), "{:?}", by_meaning.reasons);
    assert!(by_meaning.reasons.semantic.is_some_and(|c| c > 0.99));
    assert!(by_meaning.sentence.contains("语义相近"), "{}", by_meaning.sentence);

    // The 新桥 admin sees the chip maker's need but not the 九亭 member's cluster-only offer.
    let xinqiao = user(s, "xq", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let seen = s.matching().matches(&xinqiao, &idx, damp, 10).await.unwrap();
    let seen: Vec<i64> = seen.iter().map(|m| m.listing.id).collect();
    assert!(seen.contains(&open) && !seen.contains(&member) && !seen.contains(&hidden), "{seen:?}");

    // Without the semantic stage, the far offer sharing no word is not found at all.
    let words_only = db.store.matching().matches(&chip, &idx, damp, 10).await.unwrap();
    assert!(words_only.iter().all(|m| m.listing.id != open && m.reasons.semantic.is_none()), "{words_only:?}");
}
