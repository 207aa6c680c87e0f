//! Coverage monitoring pages. Every count links to the enterprise list with the same filter
//! (`/enterprises?category=…&coverage=…&town=…`), which counts the same rows. The rows and
//! charts the pages share are here; what the enterprise page shows of coverage is
//! `support::sections::enterprise_coverage`.

pub mod assignments;
pub mod summary;
pub mod work_links;

use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;
use qunlian_domain::auth::CategoryId;
use qunlian_domain::coverage::{Counts, days_left};
use qunlian_store::coverage::Category;
use serde::Serialize;

use crate::state::AppState;

/// One row of a coverage table: a category overall, or a category in one town.
pub struct Row {
    pub label: String,
    /// Query string of the drill-down without `coverage=` (category, town).
    pub base: String,
    pub counts: Counts,
    pub target_pct: f64,
    pub deadline: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub category_id: CategoryId,
    pub is_demo: bool,
}

impl Row {
    pub fn link(&self, status: &str) -> String {
        if status.is_empty() {
            format!("/enterprises?{}", self.base)
        } else {
            format!("/enterprises?{}&coverage={status}", self.base)
        }
    }
    pub fn org_rate(&self) -> String {
        crate::support::format::percent(self.counts.org_rate())
    }
    pub fn work_rate(&self) -> String {
        crate::support::format::percent(self.counts.work_rate())
    }
    pub fn gap(&self) -> u64 {
        self.counts.gap(self.target_pct)
    }
    pub fn reached(&self) -> bool {
        self.counts.org_rate() + 1e-9 >= self.target_pct
    }
    /// The rate cell's class: green when the target is reached, amber when not.
    pub fn rate_class(&self) -> &'static str {
        if self.reached() { "num ok" } else { "num warn" }
    }
    /// At a 100 % target the gap is exactly the enterprises without an organisation, so it
    /// can link to them; below 100 % it is a number of enterprises still to organise.
    pub fn gap_is_list(&self) -> bool {
        self.target_pct >= 100.0
    }
    pub fn days(&self) -> String {
        match self.days_left {
            Some(d) if d < 0 => format!("已逾期 {} 天", -d),
            Some(d) => format!("{d} 天"),
            None => "未设期限".to_owned(),
        }
    }
}

fn row(cat: &Category, label: String, town: Option<&str>, counts: Counts, today: NaiveDate) -> Row {
    let mut base = format!("category={}", cat.id);
    if let Some(t) = town {
        base.push_str(&format!("&town={t}"));
    }
    Row {
        label,
        base,
        counts,
        target_pct: cat.target_pct,
        deadline: cat.deadline,
        days_left: cat.deadline.map(|d| days_left(today, d)),
        category_id: cat.id,
        is_demo: cat.is_demo,
    }
}

/// JSON for a `<script type="application/json">` block: `</` cannot close the element.
fn script_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into()).replace("</", "<\\/")
}

#[derive(Serialize)]
struct BarChart {
    title: String,
    labels: Vec<String>,
    rates: Vec<f64>,
    work_rates: Vec<f64>,
    targets: Vec<f64>,
    links: Vec<String>,
}

fn bars(title: &str, rows: &[Row]) -> String {
    script_json(&BarChart {
        title: title.to_owned(),
        labels: rows.iter().map(|r| r.label.clone()).collect(),
        rates: rows.iter().map(|r| (r.counts.org_rate() * 10.0).round() / 10.0).collect(),
        work_rates: rows.iter().map(|r| (r.counts.work_rate() * 10.0).round() / 10.0).collect(),
        targets: rows.iter().map(|r| r.target_pct).collect(),
        links: rows.iter().map(|r| r.link("")).collect(),
    })
}

/// The pages of coverage, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/coverage", get(summary::summary))
        .route("/coverage/categories", post(summary::create_category))
        .route("/coverage/categories/new", get(summary::new_category_form))
        .route("/coverage/categories/{id}", get(summary::category).post(summary::update_category))
        .route("/coverage/categories/{id}/delete", post(summary::delete_category))
        .route("/coverage/snapshots", get(summary::snapshots).post(summary::take_snapshot))
        .route("/coverage/assignments", get(assignments::assignments).post(assignments::create_assignment))
        .route("/coverage/assignments/export.xlsx", get(assignments::assignments_xlsx))
        .route("/coverage/assignments/{id}/withdraw", post(assignments::withdraw_assignment))
        .route("/enterprises/{id}/work-links", post(work_links::add_work_link))
        .route("/enterprises/{id}/work-links/{link}/end", post(work_links::end_work_link))
}
