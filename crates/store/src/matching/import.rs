//! The listings import: rows checked one by one, good ones published, bad ones named.

use std::collections::{HashMap, HashSet};

use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::matching::ListingFields;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde::Serialize;

use super::*;
use crate::Result;
use crate::entity::{listing, unit};

/// One good row of a listings file, as `qunlian_io::listings` reads it.
#[derive(Clone, Debug)]
pub struct ListingImportRow {
    pub line: usize,
    pub uscc: String,
    pub fields: ListingFields,
}

/// A row the store refused, by its line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListingReject {
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ListingImportCounts {
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Matching<'_> {
    /// Saves the good rows of a listings file and its audit line in one transaction: a row
    /// whose enterprise (by USCC) is unknown or outside the caller's scope is refused with its
    /// line; a row whose enterprise already has a listing of the same kind and title updates
    /// it (so a re-run adds nothing). Closed listings stay closed.
    pub async fn import_listings(
        self,
        caller: &Caller,
        rows: Vec<ListingImportRow>,
        source: &str,
        rejected_in_file: usize,
        is_demo: bool,
    ) -> Result<(ListingImportCounts, Vec<ListingReject>)> {
        self.store.require(caller, Action::PublishListings)?;
        let mut counts = ListingImportCounts::default();
        let mut rejects = Vec::new();
        let scope = self.store.unit_scope(caller).await?;
        let usccs: Vec<String> = rows.iter().map(|r| r.uscc.clone()).collect::<HashSet<_>>().into_iter().collect();
        let mut units: HashMap<String, i64> = HashMap::new();
        let mut known: HashSet<String> = HashSet::new();
        for chunk in usccs.chunks(BATCH as usize) {
            let found: Vec<(i64, Option<String>)> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .column(unit::Column::Uscc)
                .filter(unit::Column::Uscc.is_in(chunk.to_vec()))
                .into_tuple()
                .all(self.store.db())
                .await?;
            known.extend(found.into_iter().filter_map(|(_, u)| u));
            let mine: Vec<(i64, Option<String>)> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .column(unit::Column::Uscc)
                .filter(Condition::all().add(scope.clone()).add(unit::Column::Uscc.is_in(chunk.to_vec())))
                .into_tuple()
                .all(self.store.db())
                .await?;
            units.extend(mine.into_iter().filter_map(|(id, u)| u.map(|u| (u, id))));
        }
        let today = self.store.today();
        let now = self.store.now();
        let txn = self.store.db().begin().await?;
        let mut seen: HashMap<(i64, String, String), usize> = HashMap::new();
        for row in rows {
            let Some(&unit_id) = units.get(&row.uscc) else {
                let reason = if known.contains(&row.uscc) {
                    format!("统一社会信用代码：{} 的企业不在您的权限范围内", row.uscc)
                } else {
                    format!("统一社会信用代码：{} 不在企业名录中，请先导入该企业", row.uscc)
                };
                rejects.push(ListingReject { line: row.line, reason });
                continue;
            };
            let (title, description, quantity_unit) = match self.check_fields(&row.fields) {
                Ok(t) => t,
                Err(e) => {
                    rejects.push(ListingReject { line: row.line, reason: e.to_string() });
                    continue;
                }
            };
            let f = &row.fields;
            let key = (unit_id, f.kind.code().to_owned(), title.clone());
            if let Some(first) = seen.get(&key) {
                rejects.push(ListingReject {
                    line: row.line,
                    reason: format!("与第{first}行重复（同一企业、同一类型、同一标题）"),
                });
                continue;
            }
            seen.insert(key, row.line);
            let existing = listing::Entity::find()
                .filter(listing::Column::UnitId.eq(unit_id))
                .filter(listing::Column::Kind.eq(f.kind.code()))
                .filter(listing::Column::Title.eq(&title))
                .order_by_desc(listing::Column::Id)
                .one(&txn)
                .await?;
            let industry = f.industry.map(|i| i.as_str().to_owned());
            match existing {
                Some(e) => {
                    let same = e.category == f.category
                        && e.description == description
                        && e.industry_code == industry
                        && e.quantity == f.quantity
                        && e.quantity_unit == quantity_unit
                        && e.urgency == f.urgency
                        && e.reach == f.reach
                        && e.valid_until == f.valid_until;
                    if same {
                        counts.unchanged += 1;
                        continue;
                    }
                    let mut m: listing::ActiveModel = e.into();
                    m.category = Set(f.category);
                    m.description = Set(description.clone());
                    m.industry_code = Set(industry);
                    m.quantity = Set(f.quantity);
                    m.quantity_unit = Set(quantity_unit);
                    m.urgency = Set(f.urgency);
                    m.reach = Set(f.reach);
                    m.valid_until = Set(f.valid_until);
                    m.updated_at = Set(now);
                    let saved = m.update(&txn).await?;
                    self.save_vector(&txn, saved.id, &saved.title, &description).await?;
                    counts.updated += 1;
                }
                None => {
                    if f.valid_until < today {
                        rejects.push(ListingReject {
                            line: row.line,
                            reason: format!("有效期至：{} 已过期", f.valid_until),
                        });
                        continue;
                    }
                    let saved = new_listing(
                        unit_id,
                        f,
                        (title.clone(), description.clone(), quantity_unit),
                        caller,
                        now,
                        is_demo,
                    )
                    .insert(&txn)
                    .await?;
                    self.save_vector(&txn, saved.id, &title, &description).await?;
                    counts.imported += 1;
                }
            }
        }
        rejects.sort_by_key(|r| r.line);
        self.store
            .audit()
            .record_on(
                &txn,
                caller,
                "listing.import",
                "listing",
                None,
                format!(
                    "导入供需“{source}”：新增{}，更新{}，未变{}，拒绝{}",
                    counts.imported,
                    counts.updated,
                    counts.unchanged,
                    rejects.len() + rejected_in_file
                ),
            )
            .await?;
        txn.commit().await?;
        Ok((counts, rejects))
    }
}
