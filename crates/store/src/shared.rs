//! Helpers shared by the capabilities: display names of codes, masked phones and Beijing
//! time. Capabilities use each other only through their handles and these.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::{IndustryCode, Phone, RegionCode};
use sea_orm::sea_query::IntoCondition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PrimaryKeyTrait, QueryFilter, QueryOrder, QuerySelect,
    TryGetable, Value,
};

use crate::audit::{Change, Recordable};
use crate::{Result, Store, StoreError};

/// Beijing time, as the offices read clocks.
pub fn local(t: DateTime<Utc>) -> NaiveDateTime {
    qunlian_domain::clock::beijing(t.naive_utc())
}

/// "上海市松江区新桥镇" → "新桥镇": lists show the town, the tooltip the full name.
pub fn town_name(code: &str) -> String {
    RegionCode::parse(code).map(|r| r.name().to_owned()).unwrap_or_else(|_| code.to_owned())
}

pub fn industry_name(code: Option<&str>) -> Option<String> {
    code.map(|c| IndustryCode::parse(c).map(|i| i.name().to_owned()).unwrap_or_else(|_| c.to_owned()))
}

/// Masks a person's name where an export or the API gives it out: the surname kept, the
/// given name starred, its last character kept when it has two or more ("陈建华" → "陈*华",
/// "王芳" → "王*").
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// Masks a stored phone for display; a value that no longer parses is masked wholesale.
pub fn mask_phone(plain: &str) -> String {
    Phone::parse(plain).map(|p| p.masked()).unwrap_or_else(|_| "****".to_owned())
}

/// Free-text search as typed, trimmed; refused past the domain's limit with a message naming
/// the search box, so no query of megabytes reaches the database or the index.
pub(crate) fn search_text(q: Option<&str>) -> crate::Result<Option<&str>> {
    qunlian_domain::limits::search_text(q)
        .map_err(|m| crate::StoreError::invalid(qunlian_domain::limits::SEARCH_LABEL, m))
}

impl Store {
    /// One column of the rows with these ids, by id: the titles, names and dates a list shows
    /// beside the ids its rows hold. Not a scope check: the rows were read through one.
    pub(crate) async fn column_by_id<E, V>(
        &self,
        id: E::Column,
        value: E::Column,
        ids: Vec<i64>,
    ) -> Result<HashMap<i64, V>>
    where
        E: EntityTrait,
        V: TryGetable,
    {
        Ok(E::find()
            .select_only()
            .column(id)
            .column(value)
            .filter(id.is_in(ids))
            .into_tuple::<(i64, V)>()
            .all(self.db())
            .await?
            .into_iter()
            .collect())
    }

    /// The Party organisations that meet `cond`, as (id, name) in the order of their names:
    /// the organisations a select offers or a figure lists.
    pub(crate) async fn orgs_by_name(&self, cond: impl IntoCondition) -> Result<Vec<(i64, String)>> {
        self.orgs_by_name_upto(cond, None).await
    }

    /// [`Store::orgs_by_name`], the first `limit` of them when given.
    async fn orgs_by_name_upto(&self, cond: impl IntoCondition, limit: Option<u64>) -> Result<Vec<(i64, String)>> {
        use crate::entity::party_org;
        Ok(party_org::Entity::find()
            .select_only()
            .column(party_org::Column::Id)
            .column(party_org::Column::Name)
            .filter(cond.into_condition())
            .order_by_asc(party_org::Column::Name)
            .limit(limit)
            .into_tuple()
            .all(self.db())
            .await?)
    }

    /// The Party organisations a form offers to choose from: those of the caller's scope not
    /// dissolved, by name, the first `limit` when given — for a caller allowed `action`.
    pub(crate) async fn org_choices(
        &self,
        caller: &Caller,
        action: Action,
        limit: Option<u64>,
    ) -> Result<Vec<(i64, String)>> {
        use crate::entity::party_org;
        self.require(caller, action)?;
        let cond = Condition::all().add(self.org_scope(caller).await?).add(party_org::Column::DissolvedOn.is_null());
        self.orgs_by_name_upto(cond, limit).await
    }

    /// The id of the row whose name column reads `name` exactly, if any: names written in a
    /// rule or a seed resolved to the rows they mean.
    pub(crate) async fn id_named<E: EntityTrait>(
        &self,
        id: E::Column,
        name_column: E::Column,
        name: &str,
    ) -> Result<Option<i64>> {
        Ok(E::find().select_only().column(id).filter(name_column.eq(name)).into_tuple().one(self.db()).await?)
    }

    /// The row `id` of `E` if it also meets `cond` (the caller's scope, or the parent the row
    /// must belong to).
    pub(crate) async fn row_where<E>(&self, id: i64, cond: impl IntoCondition) -> Result<Option<E::Model>>
    where
        E: EntityTrait,
        <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
    {
        Ok(E::find_by_id(id).filter(cond.into_condition()).one(self.db()).await?)
    }

    /// [`Store::row_where`], or NotFound: a row outside the caller's scope is as absent as
    /// one that does not exist.
    pub(crate) async fn found_where<E>(&self, id: i64, cond: impl IntoCondition) -> Result<E::Model>
    where
        E: EntityTrait,
        <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
    {
        self.row_where::<E>(id, cond).await?.ok_or(StoreError::NotFound)
    }

    /// [`Store::insert_recorded`] for a record someone enters, with the stamps such a record
    /// carries — who entered it (`recorded_by`), `is_demo`, `created_at` and `updated_at` —
    /// each set where the table has the column and `row` left it unset.
    pub(crate) async fn insert_stamped<A: Recordable>(
        &self,
        caller: &Caller,
        mut row: A,
        demo: bool,
        change: impl FnOnce(&A::Saved) -> Change,
    ) -> Result<A::Saved> {
        let now = self.now();
        let stamps: [(&str, Value); 4] = [
            ("recorded_by", caller.username.clone().into()),
            ("is_demo", demo.into()),
            ("created_at", now.into()),
            ("updated_at", now.into()),
        ];
        for (name, value) in stamps {
            stamp(&mut row, name, value, false)?;
        }
        self.insert_recorded(caller, row, change).await
    }

    /// Saves a changed row (its `updated_at` stamped, where the table has one) and writes its
    /// audit line in one transaction: the counterpart of [`Store::insert_recorded`] for a
    /// change of an existing record.
    pub(crate) async fn update_recorded<A: Recordable>(
        &self,
        caller: &Caller,
        mut row: A,
        action: &'static str,
        target: (&'static str, i64),
        detail: String,
    ) -> Result<A::Saved> {
        stamp(&mut row, "updated_at", self.now().into(), true)?;
        self.recorded(
            caller,
            async |txn| Ok(row.update(txn).await?),
            |_| Change::new(action, target.0, target.1, detail),
        )
        .await
    }
}

/// Sets the column named `name` to `value` when the row's table has it — always with
/// `overwrite`, otherwise only when the row left it unset.
fn stamp<A: ActiveModelTrait>(row: &mut A, name: &str, value: Value, overwrite: bool) -> Result<()> {
    let Ok(column) = name.parse::<<A::Entity as EntityTrait>::Column>() else {
        return Ok(());
    };
    if overwrite || row.is_not_set(column) {
        row.try_set(column, value)?;
    }
    Ok(())
}
