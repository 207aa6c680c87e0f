use sea_orm::entity::prelude::*;

super::project_sheet::score_sheet! {
    /// A score sheet of a two-stage round's concept review, moved here from `project_sheets`
    /// when the officer ends the concept stage (step 17).
    table "project_concept_sheets"
}
