use qunlian_domain::matching::IntroductionState;
use sea_orm::entity::prelude::*;

super::model! {
    /// An introduction (牵线): a broker put a need and an offer of two enterprises together.
    table "introductions" {
        id,
        #[sea_orm(indexed)]
        pub need_listing_id: i64,
        #[sea_orm(indexed)]
        pub offer_listing_id: i64,
        #[sea_orm(indexed)]
        pub need_unit_id: i64,
        #[sea_orm(indexed)]
        pub offer_unit_id: i64,
        /// The cluster whose work this is: the broker's, or one both enterprises belong to.
        #[sea_orm(indexed)]
        pub cluster_id: Option<i64>,
        pub broker: String,
        pub broker_user_id: Option<i64>,
        /// IntroductionState code.
        #[sea_orm(indexed)]
        pub state: IntroductionState,
        /// Why it did not close (未成交).
        pub reason: Option<String>,
        /// 成交金额, 万元.
        pub deal_value_wan: Option<f64>,
        /// The match's reasons when it was recorded, as the broker explained them.
        pub match_reasons: String,
        pub note: String,
        // The stamps spelled out: step 21 added a column after them.
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub is_demo: bool,
        /// The department helping to broker it (协办部门), if any (step 21).
        #[sea_orm(indexed)]
        pub assisting_department_id: Option<i64>,
    }
}
