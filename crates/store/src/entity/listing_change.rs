use sea_orm::entity::prelude::*;

super::model! {
    /// The change log the search index follows: one row per listing written, and per listing
    /// whose owner changed town or cluster. Written by triggers only (see migrate step 9), so
    /// no writer — page, import, another process — can leave the index behind.
    #[derive(Eq)]
    table "listing_changes" {
        #[sea_orm(primary_key)]
        pub seq: i64,
        pub listing_id: i64,
    }
}
