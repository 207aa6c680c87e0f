use sea_orm::entity::prelude::*;

super::model! {
    #[derive(Eq)]
    table "alliances" {
        id,
        pub name: String,
        pub description: String,
        pub town_code: Option<String>,
        pub established_on: Option<Date>,
    }
    stamps is_demo
}
