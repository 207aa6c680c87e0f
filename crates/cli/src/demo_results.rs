//! Demo economic figures from the reports' facts: the 新桥 equipment cluster's tax in the
//! first half of 2021 was 5.1158亿元, 48.3 % more than a year before, and 世格流体's about
//! 1.31亿元, +93.3 %. Per-enterprise figures for 2020H1 and 2021H1 are generated so that the
//! members' sums are exactly those totals (the year before: 5.1158亿 / 1.483, to the 元),
//! and each enterprise's employees for 2021H1 are the register's. Saved through the figures import, as
//! demo; the split among the other members is invented for the demo.

use std::collections::HashMap;

use qunlian_domain::Uscc;
use qunlian_domain::auth::{Caller, ClusterId, UnitId};
use qunlian_domain::results::{FigureRow, Indicator, Period};
use qunlian_store::Store;
use qunlian_store::results::FigureImportRow;

use crate::AnyResult;

/// The cluster's tax, 2021H1, in 元 (5.1158亿元).
pub const CLUSTER_TAX_2021H1: i64 = 511_580_000;
/// +48.3 % year on year: the year before, to the 元.
pub const CLUSTER_TAX_2020H1: i64 = 344_962_913;
/// 世格流体, 2021H1 (约1.31亿元) and the year before (+93.3 %).
const SIGE_TAX: (i64, i64) = (131_000_000, 67_770_305);

/// `total` split in proportion to `weights`, to the 元, the rounding left to the first.
pub fn split(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().sum::<i64>().max(1);
    let mut parts: Vec<i64> = weights.iter().map(|w| total * w / sum).collect();
    let rest = total - parts.iter().sum::<i64>();
    if let Some(first) = parts.first_mut() {
        *first += rest;
    }
    parts
}

pub async fn seed(
    store: &Store,
    units: &HashMap<String, UnitId>,
    cluster_ids: &HashMap<String, ClusterId>,
) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let Some(xq) = cluster_ids.get("xinqiao-equipment").copied() else { return Ok(()) };
    let sige = units.get("sige-fluid").copied();
    let detail = store.registry().cluster(&sys, xq).await?;
    // The head enterprise first (it takes the rounding), 世格 apart with its own figures.
    let others: Vec<_> = detail.members.iter().filter(|m| Some(UnitId(m.unit_id)) != sige).collect();
    let sige_in = detail.members.iter().any(|m| Some(UnitId(m.unit_id)) == sige);
    let (sige_now, sige_before) = if sige_in { SIGE_TAX } else { (0, 0) };
    // Weights: the head ×40, the reports' named members 8–15, generated members 1–5.
    let weights_now: Vec<i64> = others
        .iter()
        .enumerate()
        .map(|(i, m)| {
            if m.is_head {
                40
            } else if i <= 8 {
                8 + (i as i64 * 7) % 8
            } else {
                1 + (i as i64 * 3) % 5
            }
        })
        .collect();
    // The year before, a little different per enterprise, so that each has its own change.
    let weights_before: Vec<i64> = weights_now.iter().enumerate().map(|(i, w)| w * (16 + (i as i64 * 5) % 9)).collect();
    let weights_now: Vec<i64> = weights_now.iter().map(|w| w * 20).collect();
    let now = split(CLUSTER_TAX_2021H1 - sige_now, &weights_now);
    let before = split(CLUSTER_TAX_2020H1 - sige_before, &weights_before);
    let mut rows = Vec::new();
    let mut line = 0;
    let mut push = |unit: &qunlian_store::registry::Enterprise, period: Period, tax: i64| -> AnyResult<()> {
        let Some(uscc) = unit.uscc.as_deref() else { return Ok(()) };
        let mut values = vec![(Indicator::Tax, tax)];
        // The register's head count is today's: given for the later period only.
        if let (Some(e), 2021) = (unit.employees, period.year) {
            values.push((Indicator::Employees, i64::from(e)));
        }
        line += 1;
        rows.push(FigureImportRow {
            line,
            row: FigureRow {
                uscc: Uscc::parse(uscc)?,
                name: unit.name.clone(),
                period,
                as_of: period.dates().1.pred_opt().unwrap_or_default(),
                values,
            },
        });
        Ok(())
    };
    for (m, (tax_now, tax_before)) in others.iter().zip(now.into_iter().zip(before)) {
        let e = store.registry().enterprise(&sys, UnitId(m.unit_id)).await?;
        push(&e, Period::first_half(2021), tax_now)?;
        push(&e, Period::first_half(2020), tax_before)?;
    }
    if let (true, Some(s)) = (sige_in, sige) {
        let e = store.registry().enterprise(&sys, s).await?;
        push(&e, Period::first_half(2021), SIGE_TAX.0)?;
        push(&e, Period::first_half(2020), SIGE_TAX.1)?;
    }
    let (_, rejects, _) = store
        .results()
        .import_figures(&sys, rows, "演示数据（集群税收合计按报道：2021年上半年5.1158亿元，同比增长48.3%）", 0, true)
        .await?;
    if let Some(r) = rejects.first() {
        return Err(format!("demo figures refused: {}", r.message()).into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_sums_exactly_and_the_year_on_year_is_the_reports() {
        let parts = split(CLUSTER_TAX_2021H1 - SIGE_TAX.0, &[800, 160, 220, 7, 33]);
        assert_eq!(parts.iter().sum::<i64>() + SIGE_TAX.0, CLUSTER_TAX_2021H1);
        let yoy = qunlian_domain::results::YearOnYear::of(Some(CLUSTER_TAX_2021H1), Some(CLUSTER_TAX_2020H1));
        assert_eq!(yoy.text(), "+48.3%");
        assert_eq!(qunlian_domain::results::YearOnYear::of(Some(SIGE_TAX.0), Some(SIGE_TAX.1)).text(), "+93.3%");
        assert_eq!(qunlian_domain::results::format_yuan(CLUSTER_TAX_2021H1), "5.1158亿元");
    }
}
