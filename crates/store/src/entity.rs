//! The SeaORM entities, one file a table, each written with [`model!`].

/// A table's SeaORM entity as every one here is written: the `Model` with the columns given,
/// no relations (the store joins by hand) and the default active-model behaviour. The columns
/// most tables share are named, not spelled out: `id,` first in the braces is the
/// auto-increment key `id: i64`, and `stamps` after them adds `is_demo: bool`,
/// `created_at` and `updated_at` (UTC) as the last columns, in the order named.
macro_rules! model {
    ($(#[$meta:meta])* table $table:literal { id, $($columns:tt)* } $(stamps $($stamp:ident),+)?) => {
        super::model!(@stamps [$(#[$meta])*] $table
            [#[sea_orm(primary_key)] pub id: i64, $($columns)*] $($($stamp)+)?);
    };
    ($(#[$meta:meta])* table $table:literal { $($columns:tt)* } $(stamps $($stamp:ident),+)?) => {
        super::model!(@stamps [$(#[$meta])*] $table [$($columns)*] $($($stamp)+)?);
    };
    (@stamps $meta:tt $table:literal [$($columns:tt)*] is_demo $($rest:ident)*) => {
        super::model!(@stamps $meta $table [$($columns)* pub is_demo: bool,] $($rest)*);
    };
    (@stamps $meta:tt $table:literal [$($columns:tt)*] created_at $($rest:ident)*) => {
        super::model!(@stamps $meta $table
            [$($columns)* pub created_at: sea_orm::prelude::DateTimeUtc,] $($rest)*);
    };
    (@stamps $meta:tt $table:literal [$($columns:tt)*] updated_at $($rest:ident)*) => {
        super::model!(@stamps $meta $table
            [$($columns)* pub updated_at: sea_orm::prelude::DateTimeUtc,] $($rest)*);
    };
    (@stamps [$($meta:tt)*] $table:literal [$($columns:tt)*]) => {
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = $table)]
        $($meta)*
        pub struct Model {
            $($columns)*
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}
pub(crate) use model;

/// A table of stored files (a service request's attachments, an application's files, an
/// outcome report's evidence): the owner's column, then the columns
/// `Store::insert_file` writes and `Store::files_of` reads.
macro_rules! file_table {
    ($(#[$meta:meta])* table $table:literal owner $owner:ident) => {
        super::model! {
            $(#[$meta])*
            #[derive(Eq)]
            table $table {
                id,
                #[sea_orm(indexed)]
                pub $owner: i64,
                pub file_name: String,
                pub content_type: String,
                pub size: i64,
                pub data: Vec<u8>,
                pub uploaded_by: String,
                pub uploaded_at: DateTimeUtc,
            }
        }
    };
}
pub(crate) use file_table;

pub mod activity;
pub mod activity_attendee;
pub mod activity_issue;
pub mod activity_unit;
pub mod alliance;
pub mod alliance_decision;
pub mod alliance_issue;
pub mod alliance_meeting;
pub mod alliance_meeting_unit;
pub mod alliance_member;
pub mod alliance_service;
pub mod api_token;
pub mod audit;
pub mod body_power_scope;
pub mod calendar_day;
pub mod calendar_year;
pub mod cluster;
pub mod cluster_member;
pub mod cluster_note;
pub mod cluster_officer;
pub mod cluster_power;
pub mod cluster_power_use;
pub mod cluster_region;
pub mod coverage_assignment;
pub mod coverage_category;
pub mod coverage_cell;
pub mod coverage_snapshot;
pub mod coverage_snapshot_row;
pub mod coverage_unit_status;
pub mod coverage_work_link;
pub mod derived_state;
pub mod development_person;
pub mod development_step;
pub mod economic_figure;
pub mod import_job;
pub mod import_staging;
pub mod instructor;
pub mod instructor_assessment;
pub mod instructor_assignment;
pub mod introduction;
pub mod introduction_event;
pub mod introduction_followup;
pub mod listing;
pub mod listing_change;
pub mod listing_vector;
pub mod member;
pub mod member_transfer;
pub mod pairing;
pub mod park;
pub mod party_group;
pub mod party_group_member;
pub mod party_org;
pub mod party_org_event;
pub mod party_org_member_count;
pub mod party_org_unit;
pub mod policy;
pub mod policy_push;
pub mod policy_push_item;
pub mod policy_receipt;
pub mod project_application;
pub mod project_application_file;
pub mod project_application_unit;
pub mod project_assignment;
pub mod project_carrier;
pub mod project_concept_sheet;
pub mod project_conflict;
pub mod project_event;
pub mod project_outcome;
pub mod project_outcome_due;
pub mod project_outcome_file;
pub mod project_patent;
pub mod project_reviewer;
pub mod project_round;
pub mod project_sheet;
pub mod project_support;
pub mod project_target;
pub mod region_fact;
pub mod registry_proposal;
pub mod secretary_studio;
pub mod service_attachment;
pub mod service_event;
pub mod service_item;
pub mod service_report_town_cell;
pub mod service_request;
pub mod service_stage_cell;
pub mod service_stage_time;
pub mod session;
pub mod studio_link;
pub mod talent_apartment;
pub mod talent_apartment_resident;
pub mod talent_selection;
pub mod talent_selection_opinion;
pub mod unit;
pub mod user;
pub mod village_check_item;
pub mod village_head;
pub mod village_head_action;
pub mod village_head_check;
pub mod village_mandatory_action;
pub mod workgroup;
pub mod workgroup_member;
pub mod workgroup_unit;

/// Every column that holds a domain code, as (table, column, the code set's Rust name): how
/// an unknown value read back names its table, since SeaORM tells the set only the column
/// ("kind" is in eight tables). `tests` checks the list against the entities both ways.
pub(crate) const CODED_COLUMNS: &[(&str, &str, &str)] = &[
    ("activities", "organiser_kind", "OrganiserKind"),
    ("activities", "kind", "ActivityKind"),
    ("activity_issues", "target", "IssueTarget"),
    ("alliance_issues", "state", "IssueState"),
    ("alliance_meetings", "kind", "MeetingKind"),
    ("calendar_days", "kind", "DayKind"),
    ("cluster_officers", "role", "OfficerRole"),
    ("coverage_assignments", "state", "AssignmentState"),
    ("coverage_work_links", "kind", "WorkLinkKind"),
    ("economic_figures", "indicator", "Indicator"),
    ("instructor_assessments", "rating", "InstructorRating"),
    ("introduction_events", "from_state", "IntroductionState"),
    ("introduction_events", "to_state", "IntroductionState"),
    ("introductions", "state", "IntroductionState"),
    ("listings", "kind", "ListingKind"),
    ("listings", "category", "ListingCategory"),
    ("listings", "urgency", "Urgency"),
    ("listings", "reach", "Reach"),
    ("listings", "status", "ListingStatus"),
    ("members", "gender", "Gender"),
    ("members", "education", "Education"),
    ("members", "category", "MemberCategory"),
    ("members", "standing", "Standing"),
    ("member_transfers", "state", "TransferState"),
    ("development_people", "category", "MemberCategory"),
    ("development_people", "stage", "Stage"),
    ("pairings", "kind", "PairingKind"),
    ("party_org_events", "kind", "OrgEventKind"),
    ("party_orgs", "kind", "OrgKind"),
    ("party_orgs", "form", "OrgForm"),
    ("project_applications", "state", "ApplicationState"),
    ("project_events", "from_state", "ApplicationState"),
    ("project_events", "to_state", "ApplicationState"),
    ("project_outcomes", "state", "OutcomeState"),
    ("project_reviewers", "side", "ReviewSide"),
    ("registry_proposals", "kind", "ProposalKind"),
    ("registry_proposals", "state", "ProposalState"),
    ("registry_proposals", "srdi_level", "SrdiLevel"),
    ("project_support", "kind", "SupportKind"),
    ("service_events", "kind", "EventKind"),
    ("service_requests", "state", "RequestState"),
    ("units", "kind", "UnitKind"),
    ("units", "srdi", "SrdiLevel"),
    ("users", "role", "Role"),
    ("village_heads", "identity", "HeadIdentity"),
    ("village_heads", "state", "HeadState"),
    ("village_heads", "pairing", "PairingMode"),
    ("village_head_checks", "checker", "Checker"),
    ("village_head_actions", "kind", "ActionKind"),
    ("talent_selections", "kind", "TalentKind"),
    ("talent_selections", "state", "SelectionState"),
    ("studio_links", "target", "StudioTarget"),
    ("workgroups", "kind", "WorkgroupKind"),
];

/// Where a code set's value read from a column of this name came from: the tables, and the
/// column as the table names it. A joined read prefixes a model's columns ("B_kind"), so a
/// name that is no column is matched by its longest ending; a read into a tuple names the
/// column by its position, so then the set's own columns answer.
pub(crate) fn coded_column(set: &str, column: &str) -> (Vec<&'static str>, String) {
    let of_set: Vec<(&'static str, &'static str)> =
        CODED_COLUMNS.iter().filter(|(_, _, s)| *s == set).map(|(t, c, _)| (*t, *c)).collect();
    let ending = of_set
        .iter()
        .map(|(_, c)| *c)
        .filter(|c| column == *c || column.ends_with(&format!("_{c}")))
        .max_by_key(|c| c.len());
    let mut columns: Vec<&str> = match ending {
        Some(c) => vec![c],
        None => of_set.iter().map(|(_, c)| *c).collect(),
    };
    columns.dedup();
    let tables = of_set.iter().filter(|(_, c)| columns.contains(c)).map(|(t, _)| *t).collect();
    let column = if columns.is_empty() { column.to_owned() } else { columns.join("或") };
    (tables, column)
}

#[cfg(test)]
mod tests;
