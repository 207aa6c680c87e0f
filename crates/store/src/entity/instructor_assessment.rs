use qunlian_domain::people::instructors::InstructorRating;
use sea_orm::entity::prelude::*;

super::model! {
    /// An instructor's assessment for a year (年度考核), once per year.
    #[derive(Eq)]
    table "instructor_assessments" {
        id,
        pub instructor_id: i64,
        pub period: String,
        pub rating: InstructorRating,
        pub note: String,
        pub assessed_by: String,
    }
    stamps is_demo, created_at, updated_at
}
