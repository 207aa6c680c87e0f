//! Editing and withdrawing an activity (修改、撤回): only by those who may record for its
//! organiser (the organiser's scope), and only while it counts. An edit rewrites the fields,
//! the units taking part and the named members, checked as a new record is; a withdrawal
//! keeps the record with its day, who and why, and from then on it counts for nothing — not
//! in lists, figures, the 三会一课 exceptions, nor work coverage (the coverage triggers bump
//! the derived tables' version, so the next reader rebuilds). Both audited with before and
//! after.

use qunlian_domain::activities::{ActivityFields, Organiser, RawActivity, withdrawal_reason};
use qunlian_domain::auth::{Action, Caller};
use sea_orm::ActiveValue::Set;
use sea_orm::IntoActiveModel;

use super::Activities;
use super::records::described;
use crate::audit::Change;
use crate::entity::activity;
use crate::{Result, StoreError};

impl Activities<'_> {
    /// The activity, counting, if the caller may change it: it records for the organiser.
    async fn changeable(self, caller: &Caller, id: i64) -> Result<activity::Model> {
        self.store.require(caller, Action::RecordActivities)?;
        let row = self.row_in_scope(caller, id).await?;
        let o = Organiser { kind: row.organiser_kind, id: row.organiser_id };
        if !self.recordable_organisers(caller).await?.iter().any(|c| c.value == o.value()) {
            return Err(StoreError::Forbidden);
        }
        Ok(row)
    }

    /// Whether the caller may edit or withdraw the activity (for the page's buttons).
    pub async fn may_change(self, caller: &Caller, id: i64) -> Result<bool> {
        if !caller.may(Action::RecordActivities) {
            return Ok(false);
        }
        match self.changeable(caller, id).await {
            Ok(_) => Ok(true),
            Err(StoreError::NotFound | StoreError::Forbidden) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The activity as its edit form starts: what is recorded, as the form sends it.
    pub async fn raw(self, caller: &Caller, id: i64) -> Result<RawActivity> {
        let row = self.changeable(caller, id).await?;
        let ids = |v: Vec<i64>| v.into_iter().map(|i| i.to_string()).collect::<Vec<_>>();
        let (units, attendees) = self.taking_part(id).await?;
        Ok(RawActivity {
            organiser: Organiser { kind: row.organiser_kind, id: row.organiser_id }.value(),
            kind: row.kind.code().to_owned(),
            subject: row.subject,
            held_on: row.held_on.to_string(),
            place: row.place,
            units: ids(units),
            headcount: if row.named { String::new() } else { row.headcount.to_string() },
            attendees: ids(attendees),
            minutes: row.minutes,
            party_group: row.party_group_id.map(|g| g.to_string()).unwrap_or_default(),
        })
    }

    /// Rewrites an activity with the fields, checked as a new record is (the new organiser
    /// too must be the caller's). Audited with what it was and what it is.
    pub async fn update(self, caller: &Caller, id: i64, f: ActivityFields) -> Result<()> {
        let row = self.changeable(caller, id).await?;
        let before = self.store.activities().raw(caller, id).await?;
        let before_fields = ActivityFields::parse(&before).ok();
        let (o, named) = self.checked(caller, &f).await?;
        let old_name = self
            .organiser_names(&[(row.organiser_kind, row.organiser_id)])
            .await?
            .into_values()
            .next()
            .unwrap_or_default();
        let mut m = row.into_active_model();
        m.updated_at = Set(self.store.now());
        let was = before_fields.map(|b| described(&old_name, &b)).unwrap_or_default();
        let line = format!("修改前：{was}；修改后：{}", described(&o.name, &f));
        self.save(caller, m, &f, &o, &named, |_| Change::new("activity.update", "activity", id, line)).await?;
        Ok(())
    }

    /// Withdraws an activity (撤回) with a reason: it stays on record, shown as withdrawn,
    /// and counts for nothing from now on. Audited with what it was.
    pub async fn withdraw(self, caller: &Caller, id: i64, reason: &str) -> Result<()> {
        let reason = withdrawal_reason(reason).map_err(|m| StoreError::invalid("撤回原因", m))?;
        let row = self.changeable(caller, id).await?;
        let name = self
            .organiser_names(&[(row.organiser_kind, row.organiser_id)])
            .await?
            .into_values()
            .next()
            .unwrap_or_default();
        let was = format!("{}：{}“{}”（{}，{}）", name, row.kind.label(), row.subject, row.held_on, row.place);
        let mut m = row.into_active_model();
        m.withdrawn_on = Set(Some(self.store.today()));
        m.withdrawn_by = Set(Some(caller.username.clone()));
        m.withdrawn_reason = Set(Some(reason.clone()));
        let line = format!("撤回前：{was}，计入统计和工作覆盖；撤回后：不再计入。原因：{reason}");
        self.store.update_recorded(caller, m, "activity.withdraw", ("activity", id), line).await?;
        Ok(())
    }
}
