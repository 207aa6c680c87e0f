//! Server-rendered pages: one askama struct per page and per partial. A request from htmx
//! (the `HX-Request` header) gets the partial only. Helpers shared by pages live in
//! `crate::support`; a page module does not import another's.

pub mod admin;
pub mod clusters;
pub mod coverage;
pub mod enterprises;
pub mod home;
pub mod import;
pub mod lists;
pub mod matching;
pub mod orgs;
pub mod others;
pub mod policies;
pub mod regions;
pub mod services;
