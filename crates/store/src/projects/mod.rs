//! Integration projects "3+6+X" (深度融合项目): rounds, applications and their way through
//! the cluster's recommendation, the joint review of 组织部, 经委 and 科委 and the decision.
//! The rules (states, calendar, conflicts, assignment, rubric, ranking) are the domain's
//! (`qunlian_domain::projects`); here they meet the records: who may see an application,
//! the relationships a conflict is found from, and the history and audit of every step.
//!
//! Who sees an application: its organisation's scope (the branch, its cluster's secretary,
//! the town and district admins, leaders) through [`Store::org_scope`]; a reviewer only the
//! applications assigned to him and free of conflict (`review.rs`); departments none.

mod applications;
mod assignments;
mod conflicts;
mod figures;
mod files;
mod outcomes;
mod parties;
mod review;
mod rounds;
mod support;

pub use applications::*;
pub use assignments::*;
pub use figures::*;
pub use files::*;
pub use outcomes::*;
pub use parties::*;
pub use review::*;
pub use rounds::*;
pub use support::*;

use qunlian_domain::auth::{Action, Caller};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use crate::entity::{party_org, project_application};
use crate::{Result, Store, StoreError};

/// The projects capability over the shared store: `store.projects()`.
#[derive(Clone, Copy)]
pub struct Projects<'a> {
    store: &'a Store,
}

impl Store {
    pub fn projects(&self) -> Projects<'_> {
        Projects { store: self }
    }
}

/// Longest title, and longest free text of an application.
const MAX_TITLE: usize = 100;
const MAX_TEXT: usize = 5_000;

fn text(field: &'static str, value: &str, max: usize, required: bool) -> Result<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(StoreError::invalid(field, "不能为空"));
    }
    if v.chars().count() > max {
        return Err(StoreError::invalid(field, format!("最多 {max} 个字")));
    }
    Ok(v.to_owned())
}

impl Projects<'_> {
    /// The applications the caller may see through its organisations' scope.
    async fn application_scope(&self, caller: &Caller) -> Result<Condition> {
        self.store.require(caller, Action::ReadProjects)?;
        let orgs = self.store.org_scope(caller).await?;
        Ok(Condition::all().add(
            project_application::Column::OrgId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(party_org::Column::Id)
                    .from(party_org::Entity)
                    .cond_where(orgs)
                    .to_owned(),
            ),
        ))
    }

    /// One application in the caller's scope, or NotFound.
    async fn application_in_scope(&self, caller: &Caller, id: i64) -> Result<project_application::Model> {
        let cond = self.application_scope(caller).await?.add(project_application::Column::Id.eq(id));
        project_application::Entity::find().filter(cond).one(self.store.db()).await?.ok_or(StoreError::NotFound)
    }
}
