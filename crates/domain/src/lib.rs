//! The domain of qunlian: values that exist only when valid (built by `parse()`), the rules
//! of each capability, and the errors a user is shown. No SQL and no HTTP live here.

pub mod auth;
pub mod calendar;
pub mod clock;
pub mod codes;
pub mod coverage;
pub mod fields;
pub mod id_number;
pub mod industry;
pub mod limits;
pub mod matching;
pub mod phone;
pub mod policies;
pub mod region;
pub mod registry;
pub mod rules;
pub mod services;
pub mod text;
pub mod uscc;

pub use id_number::IdNumber;
pub use industry::IndustryCode;
pub use phone::Phone;
pub use region::RegionCode;
pub use uscc::Uscc;
