use qunlian_domain::matching::{ListingCategory, ListingKind, ListingStatus, Reach, Urgency};
use sea_orm::entity::prelude::*;

super::model! {
    /// An offer (供给) or a need (需求) of an enterprise (要素对接).
    table "listings" {
        id,
        #[sea_orm(indexed)]
        pub unit_id: i64,
        /// "offer" or "need" (ListingKind codes).
        pub kind: ListingKind,
        pub category: ListingCategory,
        pub title: String,
        pub description: String,
        /// GB/T 4754 code of what is offered or needed; the owner's when not given.
        pub industry_code: Option<String>,
        pub quantity: Option<f64>,
        pub quantity_unit: Option<String>,
        /// "normal", "urgent", "emergency".
        pub urgency: Urgency,
        /// "cluster", "town", "district", "corridor".
        pub reach: Reach,
        pub valid_until: Date,
        /// "open" or "closed".
        #[sea_orm(indexed)]
        pub status: ListingStatus,
        pub created_by: String,
    }
    stamps created_at, updated_at, is_demo
}
