//! After the award: the yearly outcome reports of a project in implementation, with their
//! patents and evidence files, checked against the application's targets; the officer's
//! check; the reports overdue. Who sees an application sees its reports; its applicant
//! (an organisation in the caller's scope with the power to apply) files them; the 组织部
//! officer checks them and sets the day they fall due. Every change and every read of an
//! evidence file is audited.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::projects::{
    ApplicationState, DEFAULT_DUE, OutcomeFields, OutcomeState, Patent, RawOutcome, TargetCheck, check_targets,
    overdue_year, report_due,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{
    project_application, project_outcome, project_outcome_due, project_outcome_file, project_patent, project_round,
};
use crate::services::{Attachment, MAX_ATTACHMENT_BYTES, clean_name, content_type};
use crate::shared::local;

/// A yearly report as filed, with its check and its evidence.
#[derive(Clone, Debug, Serialize)]
pub struct OutcomeReport {
    pub id: i64,
    pub application_id: i64,
    #[serde(skip)]
    pub fields: OutcomeFields,
    pub state: OutcomeState,
    pub check_note: Option<String>,
    pub filed_by: String,
    pub filed_at: NaiveDateTime,
    pub checked_by: Option<String>,
    pub checked_at: Option<NaiveDateTime>,
    pub files: Vec<Attachment>,
}

/// A project's reports (by year) and its targets checked against them.
#[derive(Clone, Debug)]
pub struct Outcomes {
    pub reports: Vec<OutcomeReport>,
    pub checks: Vec<TargetCheck>,
    /// The day the next report falls due, for the page.
    pub due: (u32, u32),
}

/// A project in implementation whose last year's report is missing after its due day.
#[derive(Clone, Debug, Serialize)]
pub struct OverdueReport {
    pub application: ApplicationRow,
    pub year: i32,
    pub due: NaiveDate,
    pub days_overdue: i64,
}

fn members_json(members: &[String]) -> String {
    serde_json::to_string(members).unwrap_or_else(|_| "[]".into())
}

impl Projects<'_> {
    /// The due day of a round's reports: set by the officer, or [`DEFAULT_DUE`].
    pub(super) async fn due_of(&self, round_id: i64) -> Result<(u32, u32)> {
        Ok(project_outcome_due::Entity::find_by_id(round_id)
            .one(self.store.db())
            .await?
            .map(|d| (d.due_month as u32, d.due_day as u32))
            .unwrap_or(DEFAULT_DUE))
    }

    /// Sets the day of the following year by which a round's projects report a year.
    pub async fn set_report_due(&self, caller: &Caller, round_id: i64, due: (u32, u32)) -> Result<()> {
        self.store.require(caller, Action::ManageProjects)?;
        let round = self.round(caller, round_id).await?;
        qunlian_domain::projects::parse_due(&format!("{}-{}", due.0, due.1))
            .map_err(|e| StoreError::invalid("报告截止日", e))?;
        let row = project_outcome_due::ActiveModel {
            round_id: Set(round_id),
            due_month: Set(due.0 as i32),
            due_day: Set(due.1 as i32),
            set_by: Set(caller.username.clone()),
            set_at: Set(self.store.now()),
        };
        let line = format!("{}：成果报告截止日为次年{}月{}日", round.name, due.0, due.1);
        self.store
            .recorded(
                caller,
                async |txn| {
                    project_outcome_due::Entity::delete_by_id(round_id).exec(txn).await?;
                    project_outcome_due::Entity::insert(row).exec_without_returning(txn).await?;
                    Ok(())
                },
                |_| Change::new("project.outcome.due", "project_round", round_id, line),
            )
            .await
    }

    /// Files (or, after a return, files again) a year's report with its evidence files:
    /// the applicant of a project in implementation.
    pub async fn file_outcome(
        &self,
        caller: &Caller,
        application_id: i64,
        raw: &RawOutcome,
        files: Vec<(String, Vec<u8>)>,
        is_demo: bool,
    ) -> Result<i64> {
        self.store.require(caller, Action::ApplyProjects)?;
        let app = self.application_in_scope(caller, application_id).await?;
        if app.state != ApplicationState::Implementing {
            return Err(StoreError::invalid(
                "成果报告",
                format!("项目状态为“{}”，实施中的项目才报送成果", app.state.label()),
            ));
        }
        let round =
            project_round::Entity::find_by_id(app.round_id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let fields = OutcomeFields::parse(raw, round.year, self.store.today())
            .map_err(|e| StoreError::invalid("成果报告", e.messages().join("；")))?;
        for (name, bytes) in &files {
            if bytes.is_empty() || bytes.len() > MAX_ATTACHMENT_BYTES {
                return Err(StoreError::invalid(
                    "佐证材料",
                    format!("“{}”为空或超过 {} MB", clean_name(name), MAX_ATTACHMENT_BYTES / 1024 / 1024),
                ));
            }
        }
        let existing = project_outcome::Entity::find()
            .filter(project_outcome::Column::ApplicationId.eq(application_id))
            .filter(project_outcome::Column::Year.eq(fields.year))
            .one(self.store.db())
            .await?;
        if let Some(e) = &existing
            && e.state != OutcomeState::Returned
        {
            return Err(StoreError::invalid(
                "年度",
                format!("{} 年度的成果报告已报送（{}），退回后才能重新报送", fields.year, e.state.label()),
            ));
        }
        let now = self.store.now();
        let txn = self.store.db().begin().await?;
        let mut row = project_outcome::ActiveModel {
            application_id: Set(application_id),
            year: Set(fields.year),
            output: Set(fields.output),
            market_share: Set(fields.market_share),
            yield_rate: Set(fields.yield_rate),
            labour_saved: Set(fields.labour_saved.map(|n| n as i32)),
            members: Set(members_json(&fields.members)),
            note: Set(fields.note.clone()),
            state: Set(OutcomeState::Filed),
            check_note: Set(None),
            filed_by: Set(caller.username.clone()),
            filed_at: Set(now),
            checked_by: Set(None),
            checked_at: Set(None),
            is_demo: Set(is_demo),
            ..Default::default()
        };
        let id = match &existing {
            Some(e) => {
                row.id = Set(e.id);
                row.update(&txn).await?;
                project_patent::Entity::delete_many()
                    .filter(project_patent::Column::OutcomeId.eq(e.id))
                    .exec(&txn)
                    .await?;
                e.id
            }
            None => project_outcome::Entity::insert(row).exec(&txn).await?.last_insert_id,
        };
        if !fields.patents.is_empty() {
            project_patent::Entity::insert_many(fields.patents.iter().map(|p| project_patent::ActiveModel {
                outcome_id: Set(id),
                application_id: Set(application_id),
                number: Set(p.number.clone()),
                title: Set(p.title.clone()),
                granted_on: Set(p.date),
                ..Default::default()
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        let mut names = Vec::new();
        for (name, bytes) in files {
            let file_name = clean_name(&name);
            names.push(file_name.clone());
            project_outcome_file::Entity::insert(project_outcome_file::ActiveModel {
                outcome_id: Set(id),
                content_type: Set(content_type(&file_name).to_owned()),
                size: Set(bytes.len() as i64),
                data: Set(bytes),
                file_name: Set(file_name),
                uploaded_by: Set(caller.username.clone()),
                uploaded_at: Set(now),
                ..Default::default()
            })
            .exec_without_returning(&txn)
            .await?;
        }
        let files_text =
            if names.is_empty() { String::new() } else { format!("，佐证材料：{}", names.join("、")) };
        self.store
            .audit()
            .record_on(
                &txn,
                caller,
                if existing.is_some() { "project.outcome.refile" } else { "project.outcome.file" },
                "project_application",
                Some(application_id.to_string()),
                format!("{}：{} 年度成果报告，专利 {} 件{files_text}", app.title, fields.year, fields.patents.len()),
            )
            .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The officer's check of a filed report: accepted, or returned with what is missing.
    pub async fn check_outcome(&self, caller: &Caller, outcome_id: i64, accept: bool, note: &str) -> Result<()> {
        self.store.require(caller, Action::ManageProjects)?;
        let note = text("核实意见", note, 1_000, !accept)?;
        let report =
            project_outcome::Entity::find_by_id(outcome_id).one(self.store.db()).await?.ok_or(StoreError::NotFound)?;
        let app = self.application_in_scope(caller, report.application_id).await?;
        if report.state != OutcomeState::Filed {
            return Err(StoreError::invalid("成果报告", format!("报告状态为“{}”，不能再核实", report.state.label())));
        }
        let to = if accept { OutcomeState::Accepted } else { OutcomeState::Returned };
        let row = project_outcome::ActiveModel {
            id: Set(outcome_id),
            state: Set(to),
            check_note: Set(Some(note.clone()).filter(|n| !n.is_empty())),
            checked_by: Set(Some(caller.username.clone())),
            checked_at: Set(Some(self.store.now())),
            ..Default::default()
        };
        let line = format!(
            "{}：{} 年度成果报告{}{}",
            app.title,
            report.year,
            to.label(),
            if note.is_empty() { String::new() } else { format!("（{note}）") }
        );
        self.store.update_recorded(caller, row, "project.outcome.check", ("project_application", app.id), line).await?;
        Ok(())
    }

    /// A project's reports by year, with their evidence, and its targets checked.
    pub async fn outcomes(&self, caller: &Caller, application_id: i64) -> Result<Outcomes> {
        let app = self.application_in_scope(caller, application_id).await?;
        let detail = self.application_detail(app.clone()).await?;
        let reports = self.reports_of(vec![application_id]).await?;
        let fields: Vec<OutcomeFields> = reports.iter().map(|r| r.fields.clone()).collect();
        Ok(Outcomes { checks: check_targets(&detail.targets, &fields), reports, due: self.due_of(app.round_id).await? })
    }

    /// The reports of some applications, by application and year, with patents and files.
    pub(super) async fn reports_of(&self, ids: Vec<i64>) -> Result<Vec<OutcomeReport>> {
        let db = self.store.db();
        let models = project_outcome::Entity::find()
            .filter(project_outcome::Column::ApplicationId.is_in(ids.clone()))
            .order_by_asc(project_outcome::Column::ApplicationId)
            .order_by_asc(project_outcome::Column::Year)
            .all(db)
            .await?;
        let outcome_ids: Vec<i64> = models.iter().map(|m| m.id).collect();
        let patents = project_patent::Entity::find()
            .filter(project_patent::Column::OutcomeId.is_in(outcome_ids.clone()))
            .order_by_asc(project_patent::Column::Id)
            .all(db)
            .await?;
        let files = project_outcome_file::Entity::find()
            .select_only()
            .columns([
                project_outcome_file::Column::Id,
                project_outcome_file::Column::OutcomeId,
                project_outcome_file::Column::FileName,
                project_outcome_file::Column::ContentType,
                project_outcome_file::Column::Size,
                project_outcome_file::Column::UploadedBy,
                project_outcome_file::Column::UploadedAt,
            ])
            .filter(project_outcome_file::Column::OutcomeId.is_in(outcome_ids))
            .order_by_asc(project_outcome_file::Column::Id)
            .into_tuple::<(i64, i64, String, String, i64, String, DateTime<Utc>)>()
            .all(db)
            .await?;
        Ok(models
            .into_iter()
            .map(|m| OutcomeReport {
                id: m.id,
                application_id: m.application_id,
                fields: OutcomeFields {
                    year: m.year,
                    patents: patents
                        .iter()
                        .filter(|p| p.outcome_id == m.id)
                        .map(|p| Patent { number: p.number.clone(), title: p.title.clone(), date: p.granted_on })
                        .collect(),
                    output: m.output,
                    market_share: m.market_share,
                    yield_rate: m.yield_rate,
                    labour_saved: m.labour_saved.map(|n| n.max(0) as u32),
                    members: serde_json::from_str(&m.members).unwrap_or_default(),
                    note: m.note,
                },
                state: m.state,
                check_note: m.check_note,
                filed_by: m.filed_by,
                filed_at: local(m.filed_at),
                checked_by: m.checked_by,
                checked_at: m.checked_at.map(local),
                files: files
                    .iter()
                    .filter(|f| f.1 == m.id)
                    .map(|(id, _, file_name, content_type, size, by, at)| Attachment {
                        id: *id,
                        file_name: file_name.clone(),
                        content_type: content_type.clone(),
                        size: *size,
                        uploaded_by: by.clone(),
                        uploaded_at: *at,
                    })
                    .collect(),
            })
            .collect())
    }

    /// One evidence file, for download, to whoever sees the application; audited.
    pub async fn evidence(&self, caller: &Caller, application_id: i64, file_id: i64) -> Result<(Attachment, Vec<u8>)> {
        let app = self.application_in_scope(caller, application_id).await?;
        let file = project_outcome_file::Entity::find_by_id(file_id)
            .one(self.store.db())
            .await?
            .ok_or(StoreError::NotFound)?;
        let of_app = project_outcome::Entity::find_by_id(file.outcome_id)
            .one(self.store.db())
            .await?
            .is_some_and(|o| o.application_id == application_id);
        if !of_app {
            return Err(StoreError::NotFound);
        }
        self.store
            .audit()
            .record(
                caller,
                "project.outcome.evidence.read",
                "project_application",
                Some(application_id.to_string()),
                format!("{}：{}", app.title, file.file_name),
            )
            .await?;
        let info = Attachment::from_row((
            file.id,
            file.file_name,
            file.content_type,
            file.size,
            file.uploaded_by,
            file.uploaded_at,
        ));
        Ok((info, file.data))
    }

    /// The projects in implementation, in the officer's scope, whose report for last year
    /// is missing after the round's due day; the most overdue first.
    pub async fn overdue_reports(&self, caller: &Caller) -> Result<Vec<OverdueReport>> {
        self.store.require(caller, Action::ManageProjects)?;
        let cond = self
            .application_scope(caller)
            .await?
            .add(project_application::Column::State.eq(ApplicationState::Implementing));
        let apps = project_application::Entity::find()
            .filter(cond)
            .order_by_asc(project_application::Column::Id)
            .all(self.store.db())
            .await?;
        let today = self.store.today();
        let mut rounds = std::collections::HashMap::new();
        for round_id in apps.iter().map(|a| a.round_id) {
            if let std::collections::hash_map::Entry::Vacant(slot) = rounds.entry(round_id) {
                let year: Option<i32> = project_round::Entity::find_by_id(round_id)
                    .select_only()
                    .column(project_round::Column::Year)
                    .into_tuple()
                    .one(self.store.db())
                    .await?;
                slot.insert((year.unwrap_or(i32::MAX), self.due_of(round_id).await?));
            }
        }
        let filed: std::collections::HashSet<(i64, i32)> = project_outcome::Entity::find()
            .select_only()
            .column(project_outcome::Column::ApplicationId)
            .column(project_outcome::Column::Year)
            .filter(project_outcome::Column::ApplicationId.is_in(apps.iter().map(|a| a.id)))
            .into_tuple()
            .all(self.store.db())
            .await?
            .into_iter()
            .collect();
        let names = self.org_names(apps.iter().map(|a| a.org_id).collect()).await?;
        let mut out: Vec<OverdueReport> = apps
            .iter()
            .filter_map(|a| {
                let (round_year, due) = rounds[&a.round_id];
                let year = overdue_year(round_year, due, today)?;
                if filed.contains(&(a.id, year)) {
                    return None;
                }
                let due_day = report_due(year, due);
                Some(OverdueReport {
                    application: row_of(a, names.get(&a.org_id).cloned().unwrap_or_default()),
                    year,
                    due: due_day,
                    days_overdue: (today - due_day).num_days(),
                })
            })
            .collect();
        out.sort_by_key(|o| (std::cmp::Reverse(o.days_overdue), o.application.id));
        Ok(out)
    }

    /// Every report in the caller's scope with its project, for the .xlsx export (which the
    /// page audits as every export).
    pub async fn outcome_export(&self, caller: &Caller) -> Result<Vec<(ApplicationRow, OutcomeReport)>> {
        let cond = self.application_scope(caller).await?;
        let apps = project_application::Entity::find().filter(cond).all(self.store.db()).await?;
        let names = self.org_names(apps.iter().map(|a| a.org_id).collect()).await?;
        let rows: std::collections::HashMap<i64, ApplicationRow> =
            apps.iter().map(|a| (a.id, row_of(a, names.get(&a.org_id).cloned().unwrap_or_default()))).collect();
        let reports = self.reports_of(apps.iter().map(|a| a.id).collect()).await?;
        Ok(reports.into_iter().filter_map(|r| Some((rows.get(&r.application_id)?.clone(), r))).collect())
    }
}
