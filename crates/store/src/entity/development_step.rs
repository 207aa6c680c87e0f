use sea_orm::entity::prelude::*;

super::model! {
    /// One step of a person's development, recorded once: the edition of the steps it
    /// followed, its date, who recorded it, the documents (文件名, 文号) and a note.
    #[derive(Eq)]
    table "development_steps" {
        id,
        pub person_id: i64,
        pub pipeline_version: String,
        pub step: i32,
        pub done_on: Date,
        pub actor_user_id: Option<i64>,
        /// The account that recorded it.
        pub actor: String,
        pub doc_name: String,
        pub doc_number: String,
        pub note: String,
    }
    stamps is_demo, created_at
}
