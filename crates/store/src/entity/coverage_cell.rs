use sea_orm::entity::prelude::*;

super::model! {
    /// Derived: how many enterprises of a category in a town have a status. Rebuilt with
    /// `coverage_unit_status`; the summary of all categories × all towns reads only this.
    #[derive(Eq)]
    table "coverage_cells" {
        id,
        #[sea_orm(indexed)]
        pub category_id: i64,
        pub town_code: String,
        pub status: i16,
        pub n: i64,
    }
}
