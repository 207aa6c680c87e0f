use qunlian_domain::projects::ApplicationState;
use sea_orm::entity::prelude::*;

super::model! {
    /// One step of an application's history.
    #[derive(Eq)]
    table "project_events" {
        id,
        #[sea_orm(indexed)]
        pub application_id: i64,
        pub action: String,
        pub from_state: ApplicationState,
        pub to_state: ApplicationState,
        pub note: String,
        pub actor: String,
        pub at: DateTimeUtc,
    }
}
