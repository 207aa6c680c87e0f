use sea_orm::entity::prelude::*;

super::model! {
    /// Derived: the service requests of one department and item, in one state class and one
    /// tenth of a working day of elapsed time, of enterprises in one town. Triggers on
    /// `service_requests` and on the towns of `units` keep it equal to a GROUP BY over the
    /// requests joined to their enterprise's town now (migration 10); the department report of
    /// the whole deployment, of a region (its towns' cells) and of a department (its cells) reads
    /// it. It replaces migration 8's `service_report_cells`, which had no town.
    #[derive(Eq)]
    table "service_report_town_cells" {
        /// The department holding the requests now (a transfer moves them).
        #[sea_orm(primary_key, auto_increment = false)]
        pub department_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub item_id: i64,
        /// 1 for finished (办结), 0 for open, waiting or refused.
        #[sea_orm(primary_key, auto_increment = false)]
        pub done: i16,
        /// Elapsed office minutes ÷ 42 (tenths of a working day) of finished requests; -1 for
        /// the others and for finished requests whose time is not fixed yet.
        #[sea_orm(primary_key, auto_increment = false)]
        pub bucket: i64,
        /// The town of the requesting enterprise now (`units.town_code`; a move moves its
        /// requests); empty when the enterprise is gone. Last in the key, so the report's
        /// GROUP BY of the other four follows the key's order.
        #[sea_orm(primary_key, auto_increment = false)]
        pub town_code: String,
        pub n: i64,
        /// Finished within the limit.
        pub on_time: i64,
        pub rated: i64,
        pub rating_sum: i64,
    }
}
