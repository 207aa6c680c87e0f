//! Enterprise services (红色店小二 / 直通车): the holiday calendar as data, the service
//! catalogue, and requests with their working-day clock. A request's pauses, stages and
//! transfers are events; its clock is computed from them, never stored.

mod attachments;
mod calendar;
mod catalogue;
mod catalogue_import;
mod lists;
mod ratings;
mod report;
mod requests;
mod stage_times;
mod steps;
mod synth;

pub use crate::shared::local;
pub use attachments::*;
pub use calendar::*;
pub use catalogue::*;
pub use catalogue_import::*;
pub use lists::*;
pub use ratings::*;
pub use report::*;
pub use requests::*;
pub(crate) use stage_times::*;
pub use steps::*;

use crate::Store;
use crate::entity::service_event;
use chrono::NaiveDateTime;
use qunlian_domain::services::{EventKind, Pause, TimeLimit};

/// The services capability over the shared store: `store.services()`.
#[derive(Clone, Copy)]
pub struct Services<'a> {
    store: &'a Store,
}

impl Store {
    pub fn services(&self) -> Services<'_> {
        Services { store: self }
    }
}

pub(crate) fn limit_of(unit: &str, n: i32) -> TimeLimit {
    let n = n.max(0) as u32;
    if unit == "working_hours" { TimeLimit::WorkingHours(n) } else { TimeLimit::WorkingDays(n) }
}

/// The spans a request waited on the enterprise, from its paused / resumed events in order.
pub(crate) fn pauses_of(events: &[service_event::Model]) -> Vec<Pause> {
    let mut pauses = Vec::new();
    let mut open: Option<NaiveDateTime> = None;
    for e in events {
        match e.kind {
            EventKind::Paused => open = Some(local(e.at)),
            EventKind::Resumed => {
                if let Some(from) = open.take() {
                    pauses.push(Pause { from, to: Some(local(e.at)) });
                }
            }
            _ => {}
        }
    }
    if let Some(from) = open {
        pauses.push(Pause { from, to: None });
    }
    pauses
}
