//! The services report, whose every figure opens the requests it counts.

use askama::Template;
use axum::extract::State;
use qunlian_domain::auth::Action;
use qunlian_io::xlsx::Cell;
use qunlian_store::services::{ReportRow, ServiceReport};

use super::*;
use crate::auth::{Auth, Layout};
use crate::error::PageResult;
use crate::state::AppState;
use crate::support::format::text;
use crate::support::render;
use crate::support::xlsx::send_list;

// ---------- report ----------

/// A report line with the query strings of its drill-downs.
pub struct ReportLine {
    pub row: ReportRow,
    pub base: String,
    pub is_total: bool,
}

impl ReportLine {
    pub fn link(&self, extra: &str) -> String {
        let q = [self.base.as_str(), extra].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("&");
        if q.is_empty() { "/services".to_owned() } else { format!("/services?{q}") }
    }
    pub fn rate(&self) -> String {
        self.row.on_time_rate().map(crate::support::format::percent).unwrap_or_else(|| "—".into())
    }
    pub fn median(&self) -> String {
        self.row.median_days.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".into())
    }
    pub fn p90(&self) -> String {
        self.row.p90_days.map(|d| format!("{d:.1}")).unwrap_or_else(|| "—".into())
    }
    pub fn rating(&self) -> String {
        self.row.rating_avg.map(|d| format!("{d:.2}")).unwrap_or_else(|| "—".into())
    }
}

fn lines(report: &ServiceReport) -> Vec<ReportLine> {
    report
        .rows
        .iter()
        .map(|r| {
            let base = match r.item_id {
                Some(i) => format!("department={}&item={i}", r.department_id),
                None => format!("department={}", r.department_id),
            };
            ReportLine { row: r.clone(), base, is_total: r.item_id.is_none() }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "services/report.html")]
struct ReportPage {
    may_file: bool,
    layout: Layout,
    lines: Vec<ReportLine>,
    total: ReportLine,
    report: ServiceReport,
    as_of: String,
}

pub async fn report(State(state): State<AppState>, auth: Auth) -> PageResult {
    may_read(&auth)?;
    let report = state.store.services().report(&auth.caller).await?;
    let as_of = crate::support::format::minutes(state.store.now());
    render(&ReportPage {
        may_file: auth.caller.may(Action::FileServiceRequest),
        layout: Layout::new(&auth, &state, "/services"),
        lines: lines(&report),
        total: ReportLine { row: report.total.clone(), base: String::new(), is_total: true },
        report,
        as_of,
    })
}

pub async fn report_xlsx(State(state): State<AppState>, auth: Auth) -> PageResult {
    may_read(&auth)?;
    let report = state.store.services().report(&auth.caller).await?;
    let num = |v: Option<f64>| v.map(Cell::Num).unwrap_or(Cell::Empty);
    let mut rows: Vec<Vec<Cell>> = report
        .rows
        .iter()
        .chain(std::iter::once(&report.total))
        .map(|r| {
            vec![
                text(r.department.clone()),
                text(if r.item_id.is_none() { "（部门合计）".to_owned() } else { r.item.clone() }),
                Cell::Int(r.count as i64),
                Cell::Int(r.done as i64),
                Cell::Int(r.on_time as i64),
                num(r.on_time_rate().map(|x| (x * 10.0).round() / 10.0)),
                num(r.median_days),
                num(r.p90_days),
                Cell::Int(r.rated as i64),
                num(r.rating_avg.map(crate::support::format::round2)),
            ]
        })
        .collect();
    for s in &report.stages {
        rows.push(vec![
            text("环节用时"),
            text(format!("{}：{}", s.item, s.stage)),
            Cell::Int(s.finished as i64),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Num(s.avg_days),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    let columns = [
        ("部门", 30.0),
        ("服务事项", 36.0),
        ("工单数", 8.0),
        ("已办结", 8.0),
        ("按时办结", 10.0),
        ("按时办结率%", 12.0),
        ("办理用时中位数（工作日）", 16.0),
        ("办理用时P90（工作日）", 16.0),
        ("评价数", 8.0),
        ("满意度均分", 10.0),
    ];
    send_list(&state, &auth, "企业服务统计", &columns, rows).await
}
