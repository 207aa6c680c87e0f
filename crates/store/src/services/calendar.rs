//! The holiday calendar as data: shipped years, loaded years, working days.

use chrono::{DateTime, NaiveDate, Utc};
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::calendar::{DayKind, SpecialDay, WorkCalendar, parse_year_file};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::Serialize;

use super::*;
use crate::entity::{calendar_day, calendar_year, service_request};
use crate::{Result, StoreError};

#[derive(Clone, Debug, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    pub source: String,
    pub holidays: usize,
    pub workdays: usize,
    pub loaded_by: String,
    pub loaded_at: DateTime<Utc>,
}

impl Services<'_> {
    /// The working-day calendar from the loaded years.
    pub async fn work_calendar(self) -> Result<WorkCalendar> {
        let mut cal = WorkCalendar::new();
        let days = calendar_day::Entity::find().all(self.store.db()).await?;
        for y in calendar_year::Entity::find().all(self.store.db()).await? {
            let of_year: Vec<SpecialDay> = days
                .iter()
                .filter(|d| chrono::Datelike::year(&d.day) == y.year)
                .map(|d| SpecialDay { date: d.day, kind: d.kind, name: d.name.clone() })
                .collect();
            cal.set_year(y.year, &of_year);
        }
        Ok(cal)
    }

    pub async fn calendar_years(self) -> Result<Vec<CalendarYear>> {
        let days = calendar_day::Entity::find().all(self.store.db()).await?;
        Ok(calendar_year::Entity::find()
            .order_by_desc(calendar_year::Column::Year)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|y| {
                let of_year = days.iter().filter(|d| chrono::Datelike::year(&d.day) == y.year);
                let (holidays, workdays) =
                    of_year.fold((0, 0), |(h, w), d| if d.kind == DayKind::Workday { (h, w + 1) } else { (h + 1, w) });
                CalendarYear {
                    year: y.year,
                    source: y.source,
                    holidays,
                    workdays,
                    loaded_by: y.loaded_by,
                    loaded_at: y.loaded_at,
                }
            })
            .collect())
    }

    /// Loads (or replaces) one year from a calendar file with its audit line, in one
    /// transaction; a file with any bad line loads nothing and every bad line is named.
    pub async fn load_calendar_year(self, actor: &str, text: &str) -> Result<i32> {
        let (year, days) = parse_year_file(text).map_err(|errors| {
            StoreError::invalid("节假日文件", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))
        })?;
        let source: String = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix('#'))
            .map(str::trim)
            .find(|l| l.starts_with("来源"))
            .unwrap_or("管理员导入")
            .to_owned();
        let txn = self.store.db().begin().await?;
        let start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| StoreError::invalid("年份", year.to_string()))?;
        let end =
            NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(|| StoreError::invalid("年份", year.to_string()))?;
        calendar_day::Entity::delete_many()
            .filter(calendar_day::Column::Day.gte(start))
            .filter(calendar_day::Column::Day.lt(end))
            .exec(&txn)
            .await?;
        calendar_year::Entity::delete_by_id(year).exec(&txn).await?;
        let rows: Vec<calendar_day::ActiveModel> = days
            .iter()
            .map(|d| calendar_day::ActiveModel { day: Set(d.date), kind: Set(d.kind), name: Set(d.name.clone()) })
            .collect();
        if !rows.is_empty() {
            calendar_day::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        }
        calendar_year::ActiveModel {
            year: Set(year),
            source: Set(source.clone()),
            loaded_by: Set(actor.to_owned()),
            loaded_at: Set(self.store.now()),
        }
        .insert(&txn)
        .await?;
        self.store
            .audit()
            .record_on(
                &txn,
                crate::audit::Actor { user_id: None, username: actor.to_owned(), ip: None },
                "calendar.load",
                "calendar",
                Some(year.to_string()),
                source,
            )
            .await?;
        // Finished requests that ran through this year count their time again: cleared with
        // the year, counted once it is in (or when the store next opens, should this stop).
        let (from, until) =
            (start.and_time(chrono::NaiveTime::MIN).and_utc(), end.and_time(chrono::NaiveTime::MIN).and_utc());
        service_request::Entity::update_many()
            .col_expr(service_request::Column::ElapsedMinutes, sea_orm::sea_query::Expr::value(Option::<i64>::None))
            .col_expr(service_request::Column::OnTime, sea_orm::sea_query::Expr::value(Option::<bool>::None))
            .filter(service_request::Column::DoneAt.gte(from))
            .filter(service_request::Column::FiledAt.lt(until))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        self.backfill_elapsed().await?;
        self.recount_stage_times(from, until).await?;
        Ok(year)
    }

    /// The shipped years (reference/calendar/), loaded once into an empty table.
    pub async fn load_shipped_calendars(self) -> Result<()> {
        if calendar_year::Entity::find().one(self.store.db()).await?.is_some() {
            return Ok(());
        }
        for (_, text) in qunlian_domain::calendar::SHIPPED {
            self.load_calendar_year("系统", text).await?;
        }
        Ok(())
    }

    pub async fn import_calendar_year(self, caller: &Caller, text: &str) -> Result<i32> {
        self.store.require(caller, Action::ManageServices)?;
        self.load_calendar_year(&caller.username, text).await
    }

    /// Working days in (from, to], as the API answers.
    pub async fn working_days_between(self, from: NaiveDate, to: NaiveDate) -> Result<(u32, bool)> {
        let cal = self.work_calendar().await?;
        let known = (chrono::Datelike::year(&from)..=chrono::Datelike::year(&to)).all(|y| cal.knows(y));
        Ok((cal.count(from, to), known))
    }
}
