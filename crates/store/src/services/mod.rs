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
use qunlian_domain::services::{Pause, TimeLimit};

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

fn event_label(kind: &str) -> &'static str {
    match kind {
        "filed" => "提交",
        "assigned" => "指派",
        "stage_started" => "环节开始",
        "stage_finished" => "环节完成",
        "paused" => "待补材料（计时暂停）",
        "resumed" => "材料补齐（恢复计时）",
        "transferred" => "转办",
        "comment" => "备注",
        "done" => "办结",
        "rejected" => "不予办理",
        "escalated" => "超期督办",
        "rated" => "满意度评价",
        _ => "记录",
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
        match e.kind.as_str() {
            "paused" => open = Some(local(e.at)),
            "resumed" => {
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
