use qunlian_domain::registry::{ProposalKind, ProposalState, SrdiLevel};
use sea_orm::entity::prelude::*;

super::model! {
    /// A change an enterprise contact proposed to the registry, and its decision.
    #[derive(Eq)]
    table "registry_proposals" {
        id,
        pub kind: ProposalKind,
        pub state: ProposalState,
        /// The proposer's enterprise.
        pub unit_id: i64,
        pub org_id: Option<i64>,
        pub into_org_id: Option<i64>,
        pub new_name: Option<String>,
        pub high_tech: Option<bool>,
        /// The proposed 专精特新 level (not `srdi`: an unknown code read back must name one table).
        pub srdi_level: Option<SrdiLevel>,
        pub on_date: Option<Date>,
        pub reason: String,
        /// The change in words, as it was proposed (names of that day).
        pub summary: String,
        pub proposed_by: i64,
        pub proposer: String,
        pub created_at: DateTimeUtc,
        pub decided_by: Option<i64>,
        pub decider: Option<String>,
        pub decided_at: Option<DateTimeUtc>,
        pub return_reason: Option<String>,
    }
}
