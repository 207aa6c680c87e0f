//! Listings' embeddings (the semantic stage, issue #16): computed when a listing is saved
//! and stored with it (`listing_vectors`, migrate step 15), read back by every sync and
//! rebuild of the index, and computed again only for a listing with no stored vector, one of
//! another model or one of another text.

use std::collections::HashMap;

use qunlian_domain::matching::{ListingDoc, ListingVector, embed_text, text_hash};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::*;
use crate::Result;
use crate::entity::listing_vector;

impl Matching<'_> {
    /// Computes and stores the vector of a listing's text, when the store has an embedder.
    /// Called by every write of a listing's text (publish, edit, import), in the write's own
    /// transaction where it has one.
    pub(super) async fn save_vector(
        self,
        db: &impl ConnectionTrait,
        id: i64,
        title: &str,
        description: &str,
    ) -> Result<Option<ListingVector>> {
        let Some(embedder) = self.store.embedder() else { return Ok(None) };
        let text = embed_text(title, description);
        let vector = ListingVector::quantise(&embedder.embed(&text));
        let row = listing_vector::ActiveModel {
            listing_id: sea_orm::ActiveValue::Set(id),
            model: sea_orm::ActiveValue::Set(embedder.model().to_owned()),
            text_hash: sea_orm::ActiveValue::Set(text_hash(&text)),
            vector: sea_orm::ActiveValue::Set(vector.to_bytes()),
        };
        listing_vector::Entity::insert(row)
            .on_conflict(
                OnConflict::column(listing_vector::Column::ListingId)
                    .update_columns([
                        listing_vector::Column::Model,
                        listing_vector::Column::TextHash,
                        listing_vector::Column::Vector,
                    ])
                    .to_owned(),
            )
            .exec(db)
            .await?;
        Ok(Some(vector))
    }

    /// The vectors of `docs` as stored; a listing with none, or one of another model or text,
    /// is embedded now and its vector stored. Empty without an embedder (语义 off).
    pub(super) async fn vectors_for(self, docs: &[&ListingDoc]) -> Result<HashMap<i64, ListingVector>> {
        let Some(embedder) = self.store.embedder() else { return Ok(HashMap::new()) };
        let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
        let mut stored: HashMap<i64, listing_vector::Model> = HashMap::new();
        for chunk in ids.chunks(BATCH as usize) {
            let rows = listing_vector::Entity::find()
                .filter(listing_vector::Column::ListingId.is_in(chunk.to_vec()))
                .all(self.store.db())
                .await?;
            stored.extend(rows.into_iter().map(|r| (r.listing_id, r)));
        }
        let mut out = HashMap::with_capacity(docs.len());
        for doc in docs {
            let text = embed_text(&doc.title, &doc.description);
            let current = stored
                .remove(&doc.id)
                .filter(|r| r.model == embedder.model() && r.text_hash == text_hash(&text))
                .and_then(|r| ListingVector::from_bytes(&r.vector))
                .filter(|v| v.dim() == embedder.dim());
            let vector = match current {
                Some(v) => v,
                None => match self.save_vector(self.store.db(), doc.id, &doc.title, &doc.description).await? {
                    Some(v) => v,
                    None => continue,
                },
            };
            out.insert(doc.id, vector);
        }
        Ok(out)
    }
}
