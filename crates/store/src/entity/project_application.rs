use qunlian_domain::projects::ApplicationState;
use sea_orm::entity::prelude::*;

super::model! {
    /// An application (申报) of a Party organisation in a round.
    #[derive(Eq)]
    table "project_applications" {
        id,
        #[sea_orm(indexed)]
        pub round_id: i64,
        /// The applying organisation: an enterprise branch, a joint branch, a cluster committee.
        #[sea_orm(indexed)]
        pub org_id: i64,
        /// The cluster whose committee recommends it; none for an applicant in no cluster.
        #[sea_orm(indexed)]
        pub cluster_id: Option<i64>,
        pub title: String,
        pub subject: String,
        pub direction: String,
        pub carrier_id: Option<i64>,
        /// 揭榜挂帅.
        pub open_call: bool,
        pub summary: String,
        pub budget_yuan: Option<i64>,
        pub support_asked: String,
        pub lead_name: String,
        /// Party-member participants, by name (member records come with issue #13).
        pub participants: String,
        #[sea_orm(indexed)]
        pub state: ApplicationState,
        /// Filed as a concept (two-stage rounds) or as the full application.
        pub concept: bool,
        pub return_reason: Option<String>,
        /// The cluster committee's rank in its forwarded batch (1 = first).
        pub cluster_rank: Option<i32>,
        pub decision_note: Option<String>,
        pub created_by: String,
        pub submitted_at: Option<DateTimeUtc>,
    }
    stamps created_at, updated_at, is_demo
}
