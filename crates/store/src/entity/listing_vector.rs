use sea_orm::entity::prelude::*;

super::model! {
    /// A listing's embedding for the semantic stage (migrate step 15): int8 components with
    /// their scale (`ListingVector::to_bytes`), the model that computed it and a hash of the
    /// text it was computed from, so a rebuild re-embeds only what is missing or stale.
    #[derive(Eq)]
    table "listing_vectors" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub listing_id: i64,
        pub model: String,
        pub text_hash: i64,
        pub vector: Vec<u8>,
    }
}
