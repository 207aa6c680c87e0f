//! Offers and needs: the list, one listing, publishing, editing, opening and closing.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use qunlian_domain::auth::{Action, Caller, ClusterId, UnitId};
use qunlian_domain::matching::{ListingCategory, ListingFields, ListingKind, ListingStatus, Reach, Urgency};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Order;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{listing, unit};
use crate::registry::{industry_name, town_name};
use crate::services::local;
use crate::{Result, StoreError};

/// An offer or need as lists and pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct Listing {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub town_name: String,
    pub kind: ListingKind,
    pub category: ListingCategory,
    pub title: String,
    pub description: String,
    /// The listing's own industry code, when it gave one.
    pub industry_code: Option<String>,
    pub industry_name: Option<String>,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    pub urgency: Urgency,
    pub reach: Reach,
    pub valid_until: NaiveDate,
    pub open: bool,
    /// Open but past its valid-until date: no longer matched.
    pub expired: bool,
    pub created_by: String,
    /// Beijing time.
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub is_demo: bool,
}

impl Listing {
    /// "1.25 吨", "—" when no quantity was given.
    pub fn quantity_label(&self) -> String {
        match (self.quantity, self.quantity_unit.as_deref()) {
            (Some(q), u) => format!("{} {}", format_number(q), u.unwrap_or("")).trim().to_owned(),
            (None, Some(u)) if !u.is_empty() => u.to_owned(),
            _ => "—".to_owned(),
        }
    }

    pub fn status_label(&self) -> &'static str {
        if !self.open {
            "已关闭"
        } else if self.expired {
            "已过期"
        } else {
            "有效"
        }
    }

    /// An emergency need, which tops lists and is announced to the cluster secretaries.
    pub fn is_emergency_need(&self) -> bool {
        self.kind == ListingKind::Need && self.urgency == Urgency::Emergency
    }
}

/// 1.25 → "1.25", 120.0 → "120".
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// What a listing list is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct ListingFilter {
    pub kind: Option<ListingKind>,
    pub category: Option<ListingCategory>,
    pub urgency: Option<Urgency>,
    /// Only listings of enterprises the caller works for (its own, its members, its area).
    pub mine: bool,
    /// Only listings of this cluster's members.
    pub cluster: Option<ClusterId>,
    pub unit: Option<UnitId>,
    /// Closed and expired listings too (by default only open, valid ones).
    pub include_closed: bool,
}

/// A new open listing as a form or an import row states it, with its title, description
/// and unit of quantity as [`Matching::check_fields`] cleaned them.
pub(super) fn new_listing(
    unit_id: i64,
    f: &ListingFields,
    (title, description, quantity_unit): (String, String, Option<String>),
    caller: &Caller,
    now: DateTime<Utc>,
    is_demo: bool,
) -> listing::ActiveModel {
    listing::ActiveModel {
        unit_id: Set(unit_id),
        kind: Set(f.kind),
        category: Set(f.category),
        title: Set(title),
        description: Set(description),
        industry_code: Set(f.industry.map(|i| i.as_str().to_owned())),
        quantity: Set(f.quantity),
        quantity_unit: Set(quantity_unit),
        urgency: Set(f.urgency),
        reach: Set(f.reach),
        valid_until: Set(f.valid_until),
        status: Set(ListingStatus::Open),
        created_by: Set(caller.username.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        is_demo: Set(is_demo),
        ..Default::default()
    }
}

impl Matching<'_> {
    pub(super) async fn to_listings(self, rows: Vec<listing::Model>) -> Result<Vec<Listing>> {
        let units = self.store.unit_names_and_towns(rows.iter().map(|r| r.unit_id).collect()).await?;
        let today = self.store.today();
        Ok(rows
            .into_iter()
            .map(|r| {
                let (unit_name, town) = units.get(&r.unit_id).cloned().unwrap_or_default();
                Listing {
                    id: r.id,
                    unit_id: r.unit_id,
                    unit_name,
                    town_name: town_name(&town),
                    kind: r.kind,
                    category: r.category,
                    industry_name: industry_name(r.industry_code.as_deref()),
                    industry_code: r.industry_code,
                    title: r.title,
                    description: r.description,
                    quantity: r.quantity,
                    quantity_unit: r.quantity_unit,
                    urgency: r.urgency,
                    reach: r.reach,
                    valid_until: r.valid_until,
                    open: r.status == ListingStatus::Open,
                    expired: r.valid_until < today,
                    created_by: r.created_by,
                    created_at: local(r.created_at),
                    updated_at: local(r.updated_at),
                    is_demo: r.is_demo,
                }
            })
            .collect())
    }

    /// Listings the caller may see, emergency needs first, then the newest; at most `limit`,
    /// with the number of all that match.
    pub async fn listings(self, caller: &Caller, filter: &ListingFilter, limit: u64) -> Result<(Vec<Listing>, u64)> {
        let visibility = self.visibility(caller).await?;
        let mut cond = Condition::all().add(visibility_condition(&visibility));
        if let Some(k) = filter.kind {
            cond = cond.add(listing::Column::Kind.eq(k.code()));
        }
        if let Some(c) = filter.category {
            cond = cond.add(listing::Column::Category.eq(c.code()));
        }
        if let Some(u) = filter.urgency {
            cond = cond.add(listing::Column::Urgency.eq(u.code()));
        }
        if filter.mine {
            cond = cond.add(listing::Column::UnitId.in_subquery(self.my_units(caller).await?));
        }
        if let Some(c) = filter.cluster {
            cond = cond.add(listing::Column::UnitId.in_subquery(crate::scope::cluster_units(c.0)));
        }
        if let Some(u) = filter.unit {
            cond = cond.add(listing::Column::UnitId.eq(u.0));
        }
        if !filter.include_closed {
            cond = cond
                .add(listing::Column::Status.eq(ListingStatus::Open))
                .add(listing::Column::ValidUntil.gte(self.store.today()));
        }
        let query = listing::Entity::find().filter(cond);
        let total = query.clone().count(self.store.db()).await?;
        let rows = query
            .order_by(urgency_order(), Order::Asc)
            .order_by_desc(listing::Column::CreatedAt)
            .order_by_desc(listing::Column::Id)
            .limit(limit)
            .all(self.store.db())
            .await?;
        Ok((self.to_listings(rows).await?, total))
    }

    pub(super) async fn visible_row(self, caller: &Caller, id: i64) -> Result<listing::Model> {
        let visibility = self.visibility(caller).await?;
        let cond = Condition::all().add(visibility_condition(&visibility)).add(listing::Column::Id.eq(id));
        listing::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }

    pub async fn listing(self, caller: &Caller, id: i64) -> Result<Listing> {
        let row = self.visible_row(caller, id).await?;
        self.to_listings(vec![row]).await?.pop().ok_or(StoreError::NotFound)
    }

    /// Whether the caller may edit or close this listing: it publishes for the owner.
    pub async fn may_edit_listing(self, caller: &Caller, l: &Listing) -> Result<bool> {
        if !caller.may(Action::PublishListings) {
            return Ok(false);
        }
        let cond = Condition::all().add(self.store.unit_scope(caller).await?).add(unit::Column::Id.eq(l.unit_id));
        Ok(unit::Entity::find().filter(cond).count(self.store.db()).await? > 0)
    }

    async fn editable_row(self, caller: &Caller, id: i64) -> Result<listing::Model> {
        self.store.require(caller, Action::PublishListings)?;
        let row = listing::Entity::find_by_id(id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        self.store.unit_in_scope(caller, UnitId(row.unit_id)).await?;
        Ok(row)
    }

    /// A listing the caller may edit (it publishes for the owner).
    pub async fn listing_for_edit(self, caller: &Caller, id: i64) -> Result<Listing> {
        let row = self.editable_row(caller, id).await?;
        self.to_listings(vec![row]).await?.pop().ok_or(StoreError::NotFound)
    }

    pub(super) fn check_fields(self, f: &ListingFields) -> Result<(String, String, Option<String>)> {
        let title = qunlian_domain::text::normalize(&f.title).trim().to_owned();
        if title.is_empty() {
            return Err(StoreError::invalid("标题", "不能为空"));
        }
        if title.chars().count() > 100 {
            return Err(StoreError::invalid("标题", "不能超过100个字"));
        }
        let description = f.description.trim().to_owned();
        if description.chars().count() > 4000 {
            return Err(StoreError::invalid("描述", "不能超过4000个字"));
        }
        if let Some(q) = f.quantity
            && (!q.is_finite() || q < 0.0)
        {
            return Err(StoreError::invalid("数量", "应为不小于0的数"));
        }
        let unit = f.quantity_unit.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned);
        if unit.as_deref().is_some_and(|u| u.chars().count() > 20) {
            return Err(StoreError::invalid("单位", "不能超过20个字"));
        }
        Ok((title, description, unit))
    }

    /// Publishes an offer or need for an enterprise the caller works for.
    pub async fn publish(self, caller: &Caller, unit: UnitId, f: ListingFields, is_demo: bool) -> Result<i64> {
        self.publish_at(caller, unit, f, is_demo, self.store.now()).await
    }

    /// [`Matching::publish`] as if at `at`: for the demo only, whose listings were
    /// published over past weeks.
    pub async fn demo_publish_at(
        self,
        caller: &Caller,
        unit: UnitId,
        f: ListingFields,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        self.publish_at(caller, unit, f, true, at).await
    }

    async fn publish_at(
        self,
        caller: &Caller,
        unit: UnitId,
        f: ListingFields,
        is_demo: bool,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.store.require(caller, Action::PublishListings)?;
        let u = self.store.unit_in_scope(caller, unit).await?;
        let (title, description, quantity_unit) = self.check_fields(&f)?;
        if f.valid_until < self.store.today() {
            return Err(StoreError::invalid("有效期至", "不能早于今天"));
        }
        let twin = listing::Entity::find()
            .filter(listing::Column::UnitId.eq(u.id))
            .filter(listing::Column::Kind.eq(f.kind.code()))
            .filter(listing::Column::Title.eq(&title))
            .filter(listing::Column::Status.eq(ListingStatus::Open))
            .one(self.store.db())
            .await?;
        if let Some(t) = twin {
            return Err(StoreError::invalid(
                "标题",
                format!("本企业已有同名的有效{}（编号 {}），请修改那一条", f.kind.label(), t.id),
            ));
        }
        let row = new_listing(u.id, &f, (title.clone(), description.clone(), quantity_unit), caller, now, is_demo);
        let saved = self
            .store
            .insert_recorded(caller, row, |m| {
                let detail =
                    format!("{}发布{}“{title}”（{}，{}）", u.name, f.kind.label(), f.urgency.label(), f.reach.label());
                Change::new("listing.publish", "listing", m.id, detail)
            })
            .await?;
        self.save_vector(self.store.db(), saved.id, &title, &description).await?;
        Ok(saved.id)
    }

    /// Changes what a listing says; its owner and kind stay.
    pub async fn update_listing(self, caller: &Caller, id: i64, f: ListingFields) -> Result<()> {
        let row = self.editable_row(caller, id).await?;
        let (title, description, quantity_unit) = self.check_fields(&f)?;
        if f.kind != row.kind {
            return Err(StoreError::invalid("类型", "供给与需求不能互改，请另行发布"));
        }
        let mut m: listing::ActiveModel = row.into();
        m.category = Set(f.category);
        m.title = Set(title.clone());
        m.description = Set(description.clone());
        m.industry_code = Set(f.industry.map(|i| i.as_str().to_owned()));
        m.quantity = Set(f.quantity);
        m.quantity_unit = Set(quantity_unit);
        m.urgency = Set(f.urgency);
        m.reach = Set(f.reach);
        m.valid_until = Set(f.valid_until);
        m.updated_at = Set(self.store.now());
        let line = format!("修改“{title}”");
        self.store
            .recorded(
                caller,
                async |txn| {
                    m.update(txn).await?;
                    self.save_vector(txn, id, &title, &description).await?;
                    Ok(())
                },
                |()| Change::new("listing.update", "listing", id, line),
            )
            .await
    }

    /// Closes (下架) or reopens a listing. A closed listing leaves the index at the next sync.
    pub async fn set_listing_open(self, caller: &Caller, id: i64, open: bool) -> Result<()> {
        let row = self.editable_row(caller, id).await?;
        if open && row.valid_until < self.store.today() {
            return Err(StoreError::invalid("有效期至", "已过期，请先修改有效期再重新发布"));
        }
        let title = row.title.clone();
        let mut m: listing::ActiveModel = row.into();
        m.status = Set(if open { ListingStatus::Open } else { ListingStatus::Closed });
        let (action, what) = if open { ("listing.reopen", "重新发布") } else { ("listing.close", "关闭") };
        self.store.update_recorded(caller, m, action, ("listing", id), format!("{what}“{title}”")).await?;
        Ok(())
    }

    /// Enterprises the caller may publish for, by name, for the form's choice.
    pub async fn publishable_units(self, caller: &Caller, q: Option<&str>, limit: u64) -> Result<Vec<(i64, String)>> {
        self.store.units_acting_for(caller, Action::PublishListings, q, limit).await
    }

    /// Open emergency needs of the clusters a secretary works for (its workbench notice).
    pub async fn emergency_needs_count(self, caller: &Caller) -> Result<u64> {
        let filter = ListingFilter {
            kind: Some(ListingKind::Need),
            urgency: Some(Urgency::Emergency),
            mine: true,
            ..Default::default()
        };
        Ok(self.listings(caller, &filter, 1).await?.1)
    }
}
