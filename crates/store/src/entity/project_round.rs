use sea_orm::entity::prelude::*;

super::model! {
    /// A yearly call (申报批次) of integration projects with its lists and calendar.
    #[derive(Eq)]
    table "project_rounds" {
        id,
        pub year: i32,
        pub name: String,
        /// Concept first, then the full application.
        pub two_stage: bool,
        /// The review now running is the concept review (two-stage rounds).
        pub concept_stage: bool,
        pub filing_opens: Date,
        pub filing_closes: Date,
        pub recommend_closes: Date,
        pub review_closes: Date,
        pub publicity_closes: Date,
        pub objections_close: Date,
        /// JSON arrays of labels: the "3" subjects, the "6" directions, the "X" carrier kinds.
        pub subjects: String,
        pub directions: String,
        pub carrier_kinds: String,
        /// JSON array of the Party organisation kinds that may apply.
        pub eligible_kinds: String,
        /// Reviewers wanted from each department per application, and each reviewer's cap.
        pub quota_per_side: i32,
        pub reviewer_cap: i32,
        /// JSON: the rubric's criteria.
        pub rubric: String,
        pub created_by: String,
    }
    stamps created_at, is_demo
}
