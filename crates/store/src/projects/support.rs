//! The support a decided project is granted, each linked to the record it came from (a
//! policy of the library, a service request on the fast lane) or described (Party
//! resources); and the project's story told from its records in date order.

use chrono::NaiveDateTime;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::projects::{ApplicationState, SupportKind};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::*;
use crate::audit::Change;
use crate::entity::{policy, project_application_unit, project_support, service_request};
use crate::shared::local;

/// A grant as shown: its kind, the record it links to (address and title), its words.
#[derive(Clone, Debug, Serialize)]
pub struct SupportRow {
    pub id: i64,
    pub kind: SupportKind,
    /// The page of the linked record and its title; None for Party resources.
    pub link: Option<(String, String)>,
    pub description: String,
    pub granted_by: String,
    pub granted_at: NaiveDateTime,
}

/// One line of a project's story.
#[derive(Clone, Debug, Serialize)]
pub struct StoryLine {
    pub at: NaiveDateTime,
    /// 申报, 评定, 支持, 成果 …
    pub what: String,
    pub text: String,
    pub link: Option<String>,
}

/// Whether a project has been decided with a tier (or is past it), so it can be supported.
fn is_awarded(state: ApplicationState) -> bool {
    state.tier().is_some() || matches!(state, ApplicationState::Implementing | ApplicationState::Closed)
}

impl Projects<'_> {
    /// Grants support to a decided project: `record` is the policy's or the service
    /// request's id (the request must concern one of the project's enterprises); Party
    /// resources are described in `description`. The 组织部 officer only; audited.
    pub async fn grant_support(
        &self,
        caller: &Caller,
        application_id: i64,
        kind: SupportKind,
        record: Option<i64>,
        description: &str,
        is_demo: bool,
    ) -> Result<i64> {
        self.store.require(caller, Action::ManageProjects)?;
        let app = self.application_in_scope(caller, application_id).await?;
        if !is_awarded(app.state) {
            return Err(StoreError::invalid(
                "支持方式",
                format!("项目状态为“{}”，评为示范、优秀或入选后才能给予支持", app.state.label()),
            ));
        }
        let description = text("支持说明", description, 1_000, kind == SupportKind::PartyResource)?;
        let db = self.store.db();
        let (policy_id, request_id, linked) = match kind {
            SupportKind::Policy => {
                let id = record.ok_or_else(|| StoreError::invalid("政策", "请选择政策"))?;
                let p = policy::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .ok_or_else(|| StoreError::invalid("政策", format!("政策 {id} 不存在")))?;
                (Some(id), None, p.title)
            }
            SupportKind::FastLane => {
                let id = record.ok_or_else(|| StoreError::invalid("服务工单", "请填写工单编号"))?;
                let r = service_request::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .ok_or_else(|| StoreError::invalid("服务工单", format!("工单 {id} 不存在")))?;
                let of_project = project_application_unit::Entity::find()
                    .filter(project_application_unit::Column::ApplicationId.eq(application_id))
                    .filter(project_application_unit::Column::UnitId.eq(r.unit_id))
                    .one(db)
                    .await?
                    .is_some();
                if !of_project {
                    return Err(StoreError::invalid("服务工单", format!("工单 {id} 不是本项目参与企业的工单")));
                }
                (None, Some(id), r.title)
            }
            SupportKind::PartyResource => (None, None, String::new()),
        };
        let row = project_support::ActiveModel {
            application_id: Set(application_id),
            kind: Set(kind),
            policy_id: Set(policy_id),
            request_id: Set(request_id),
            description: Set(description.clone()),
            granted_by: Set(caller.username.clone()),
            granted_at: Set(self.store.now()),
            is_demo: Set(is_demo),
            ..Default::default()
        };
        let detail = format!("{}：{}{linked}{description}", app.title, kind.label());
        let saved = self
            .store
            .insert_recorded(caller, row, |_| {
                Change::new("project.support.grant", "project_application", application_id, detail)
            })
            .await?;
        Ok(saved.id)
    }

    /// The support granted to a project, with links to the records.
    pub async fn support(&self, caller: &Caller, application_id: i64) -> Result<Vec<SupportRow>> {
        self.application_in_scope(caller, application_id).await?;
        self.support_of(application_id).await
    }

    async fn support_of(&self, application_id: i64) -> Result<Vec<SupportRow>> {
        let db = self.store.db();
        let grants = project_support::Entity::find()
            .filter(project_support::Column::ApplicationId.eq(application_id))
            .order_by_asc(project_support::Column::GrantedAt)
            .order_by_asc(project_support::Column::Id)
            .all(db)
            .await?;
        let policies = self
            .store
            .column_by_id::<policy::Entity, String>(
                policy::Column::Id,
                policy::Column::Title,
                grants.iter().filter_map(|g| g.policy_id).collect(),
            )
            .await?;
        let requests = self
            .store
            .column_by_id::<service_request::Entity, String>(
                service_request::Column::Id,
                service_request::Column::Title,
                grants.iter().filter_map(|g| g.request_id).collect(),
            )
            .await?;
        Ok(grants
            .into_iter()
            .map(|g| SupportRow {
                id: g.id,
                kind: g.kind,
                link: match (g.policy_id, g.request_id) {
                    (Some(p), _) => Some((format!("/policies/{p}"), policies.get(&p).cloned().unwrap_or_default())),
                    (_, Some(r)) => Some((format!("/services/{r}"), requests.get(&r).cloned().unwrap_or_default())),
                    _ => None,
                },
                description: g.description,
                granted_by: g.granted_by,
                granted_at: local(g.granted_at),
            })
            .collect())
    }

    /// The project's story from its records: filed, recommended, decided, implemented,
    /// supported, reported and checked, in date order.
    pub async fn story(&self, caller: &Caller, application_id: i64) -> Result<Vec<StoryLine>> {
        let app = self.application_in_scope(caller, application_id).await?;
        let detail = self.application_detail(app).await?;
        let mut lines: Vec<StoryLine> = detail
            .events
            .iter()
            .map(|e| StoryLine {
                at: e.at,
                what: e.action.clone(),
                text: if e.note.is_empty() {
                    e.to.label().to_owned()
                } else {
                    format!("{}：{}", e.to.label(), e.note)
                },
                link: None,
            })
            .collect();
        for s in self.support_of(application_id).await? {
            let linked = s.link.as_ref().map(|(_, t)| format!("“{t}”")).unwrap_or_default();
            lines.push(StoryLine {
                at: s.granted_at,
                what: s.kind.label().to_owned(),
                text: format!("{linked}{}", s.description),
                link: s.link.map(|(href, _)| href),
            });
        }
        for r in self.reports_of(vec![application_id]).await? {
            let f = &r.fields;
            let mut parts = vec![format!("专利 {} 件", f.patents.len())];
            parts.extend(f.output.map(|v| format!("产值 {v} 万元")));
            parts.extend(f.market_share.map(|v| format!("市场占有率提升 {v}%")));
            parts.extend(f.yield_rate.map(|v| format!("良品率 {v}%")));
            parts.extend(f.labour_saved.map(|v| format!("节省人工 {v} 人")));
            if !f.members.is_empty() {
                parts.push(format!("参与党员 {} 人", f.members.len()));
            }
            lines.push(StoryLine {
                at: r.filed_at,
                what: format!("{} 年度成果", f.year),
                text: parts.join("，"),
                link: Some(format!("/projects/applications/{application_id}/outcomes#y{}", f.year)),
            });
            if let Some(at) = r.checked_at {
                lines.push(StoryLine {
                    at,
                    what: format!("{} 年度成果核实", f.year),
                    text: format!("{}{}", r.state.label(), r.check_note.map(|n| format!("：{n}")).unwrap_or_default()),
                    link: None,
                });
            }
        }
        lines.sort_by_key(|l| l.at);
        Ok(lines)
    }
}
