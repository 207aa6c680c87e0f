//! The economic-figures import: rows checked one by one, good ones saved together in one
//! transaction, bad ones named by their line. One figure per unit × period × indicator: a
//! re-run of the same file changes nothing, a corrected file replaces the values it changes
//! and the audit log says each old → new.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::results::{FigureRow, Indicator};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};
use serde::Serialize;

use super::*;
use crate::entity::{economic_figure, unit};

/// One good row of a figures file, as `qunlian_io::figures` reads it.
#[derive(Clone, Debug)]
pub struct FigureImportRow {
    pub line: usize,
    pub row: FigureRow,
}

/// A row refused, by its line, with every reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FigureReject {
    pub line: usize,
    pub reasons: Vec<String>,
}

impl FigureReject {
    /// "第5行：税收：“很多”不是有效金额；…"
    pub fn message(&self) -> String {
        format!("第{}行：{}", self.line, self.reasons.join("；"))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FigureImportCounts {
    /// Rows saved (each with one or more figures).
    pub rows: u64,
    pub added: u64,
    pub replaced: u64,
    pub unchanged: u64,
}

/// A figure a re-import replaced: what it was and what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FigureChange {
    pub id: i64,
    pub unit: String,
    pub period: String,
    pub indicator: Indicator,
    pub old: i64,
    pub new: i64,
}

/// Rows of one file at most: a district's above-scale enterprises for a few periods.
pub const MAX_IMPORT_ROWS: usize = 100_000;

/// SQLite binds at most 32,766 values; USCCs are looked up in chunks well below.
const CHUNK: usize = 900;

impl Results<'_> {
    /// Saves the good rows of a figures file with their audit lines in one transaction. A row
    /// whose enterprise (by USCC) is unknown or outside the caller's scope is refused with its
    /// line, as is a second row of the same enterprise and period; the others' figures are
    /// added, or replace the stored figure of the same unit, period and indicator.
    /// `refused_in_file` counts the rows the reader refused, for the audit line.
    pub async fn import_figures(
        self,
        caller: &Caller,
        rows: Vec<FigureImportRow>,
        source: &str,
        refused_in_file: usize,
        is_demo: bool,
    ) -> Result<(FigureImportCounts, Vec<FigureReject>, Vec<FigureChange>)> {
        self.store.require(caller, Action::RecordFigures)?;
        if rows.len() > MAX_IMPORT_ROWS {
            return Err(crate::StoreError::invalid(
                "文件",
                format!("超过 {MAX_IMPORT_ROWS} 行的上限，请按街镇或期间拆分后导入"),
            ));
        }
        let source: String = source.chars().take(200).collect();
        let scope = self.store.unit_scope(caller).await?;
        let usccs: Vec<String> =
            rows.iter().map(|r| r.row.uscc.as_str().to_owned()).collect::<HashSet<_>>().into_iter().collect();
        let mut known: HashSet<String> = HashSet::new();
        let mut mine: HashMap<String, (i64, String, String)> = HashMap::new();
        for chunk in usccs.chunks(CHUNK) {
            let found: Vec<Option<String>> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Uscc)
                .filter(unit::Column::Uscc.is_in(chunk.to_vec()))
                .into_tuple()
                .all(self.store.db())
                .await?;
            known.extend(found.into_iter().flatten());
            let in_scope: Vec<(i64, Option<String>, String, String)> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .column(unit::Column::Uscc)
                .column(unit::Column::Name)
                .column(unit::Column::TownCode)
                .filter(Condition::all().add(scope.clone()).add(unit::Column::Uscc.is_in(chunk.to_vec())))
                .into_tuple()
                .all(self.store.db())
                .await?;
            mine.extend(in_scope.into_iter().filter_map(|(id, u, name, town)| u.map(|u| (u, (id, name, town)))));
        }
        let now = self.store.now();
        let mut counts = FigureImportCounts::default();
        let mut rejects = Vec::new();
        let mut changes = Vec::new();
        let mut seen: HashMap<(i64, String), usize> = HashMap::new();
        let txn = self.store.db().begin().await?;
        let mut touched = super::sums::Touched::begin(&txn).await?;
        for FigureImportRow { line, row } in rows {
            let uscc = row.uscc.as_str();
            let Some((unit_id, unit_name, town)) = mine.get(uscc).cloned() else {
                let reason = if known.contains(uscc) {
                    format!("统一社会信用代码：{uscc} 的企业不在您的权限范围内，不能为其导入指标")
                } else {
                    format!("统一社会信用代码：{uscc} 不在企业名录中，请先导入该企业")
                };
                rejects.push(FigureReject { line, reasons: vec![reason] });
                continue;
            };
            let period = row.period.code();
            if let Some(first) = seen.get(&(unit_id, period.clone())) {
                rejects.push(FigureReject {
                    line,
                    reasons: vec![format!("与第{first}行重复（同一企业、同一期间{}）", row.period.label())],
                });
                continue;
            }
            seen.insert((unit_id, period.clone()), line);
            touched.add(&town, &period);
            counts.rows += 1;
            for (indicator, value) in &row.values {
                let existing = economic_figure::Entity::find()
                    .filter(economic_figure::Column::UnitId.eq(unit_id))
                    .filter(economic_figure::Column::Period.eq(&period))
                    .filter(economic_figure::Column::Indicator.eq(*indicator))
                    .one(&txn)
                    .await?;
                match existing {
                    Some(e) if e.value == *value && e.as_of == row.as_of => counts.unchanged += 1,
                    Some(e) => {
                        let old = e.value;
                        let mut m: economic_figure::ActiveModel = e.into();
                        m.value = Set(*value);
                        m.as_of = Set(row.as_of);
                        m.source = Set(source.clone());
                        m.recorded_by = Set(caller.username.clone());
                        m.is_demo = Set(is_demo);
                        m.updated_at = Set(now);
                        let saved = m.update(&txn).await?;
                        counts.replaced += 1;
                        if old != *value {
                            changes.push(FigureChange {
                                id: saved.id,
                                unit: unit_name.clone(),
                                period: row.period.label(),
                                indicator: *indicator,
                                old,
                                new: *value,
                            });
                        }
                    }
                    None => {
                        new_figure(unit_id, &period, *indicator, *value, (&source, row.as_of), caller, is_demo, now)
                            .insert(&txn)
                            .await?;
                        counts.added += 1;
                    }
                }
            }
        }
        touched.finish(&txn).await?;
        rejects.sort_by_key(|r| r.line);
        let audit = self.store.audit();
        let replaced: Vec<(Option<String>, String)> = changes
            .iter()
            .map(|c| {
                let detail = format!(
                    "{} {} {}：{} → {}（导入“{source}”）",
                    c.unit,
                    c.period,
                    c.indicator.label(),
                    c.indicator.show(c.old),
                    c.indicator.show(c.new)
                );
                (Some(c.id.to_string()), detail)
            })
            .collect();
        // One INSERT per thousand lines: within both databases' limits on bound values.
        for lines in replaced.chunks(1000) {
            audit.record_many_on(&txn, caller, "results.figure.replace", "economic_figure", lines.to_vec()).await?;
        }
        audit
            .record_on(
                &txn,
                caller,
                "results.figure.import",
                "economic_figure",
                None,
                format!(
                    "导入经济指标“{source}”：{}行，新增{}项，替换{}项（其中数值变化{}项），未变{}项，拒绝{}行",
                    counts.rows,
                    counts.added,
                    counts.replaced,
                    changes.len(),
                    counts.unchanged,
                    rejects.len() + refused_in_file
                ),
            )
            .await?;
        txn.commit().await?;
        Ok((counts, rejects, changes))
    }
}

#[allow(clippy::too_many_arguments)]
fn new_figure(
    unit_id: i64,
    period: &str,
    indicator: Indicator,
    value: i64,
    (source, as_of): (&str, NaiveDate),
    caller: &Caller,
    is_demo: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> economic_figure::ActiveModel {
    economic_figure::ActiveModel {
        unit_id: Set(unit_id),
        period: Set(period.to_owned()),
        indicator: Set(indicator),
        value: Set(value),
        source: Set(source.to_owned()),
        as_of: Set(as_of),
        recorded_by: Set(caller.username.clone()),
        is_demo: Set(is_demo),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}
