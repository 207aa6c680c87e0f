//! Files in and out: .xlsx and .csv import to domain types, .xlsx export, synthetic data.
//! No SQL and no HTTP: callers hand the parsed rows to the store.

pub mod briefing;
pub mod enterprises;
pub mod figures;
pub mod listings;
pub mod people;
pub mod services;
pub mod synth;
pub mod table;
pub mod xlsx;
