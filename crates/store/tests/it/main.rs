//! The storage layer against a real database: SQLite by default, PostgreSQL when the test
//! command sets TEST_DATABASE_URL. One test binary; a module per capability of the store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod activities;
mod audit;
mod bodies;
mod codes;
mod coverage;
mod free_text;
mod matching;
mod matching_semantic;
mod migrations;
mod people;
mod policies;
mod project_outcomes;
mod projects;
mod registry;
mod results;
mod results_briefing;
mod scope;
mod services;
mod workgroups;
