//! Introductions (牵线): from suggestion to deal, with follow-ups.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::{Action, ClusterId};
use qunlian_domain::matching::IntroductionState;
use qunlian_store::matching::{
    Introduction, IntroductionDetail, IntroductionFigures, IntroductionFilter, NewFollowUp, NewIntroduction,
};
use serde::Deserialize;

use super::*;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{TownDays, non_empty, parse_date, required_id};
use crate::support::render;

// ---------- introductions ----------

#[derive(Deserialize, Default, Clone)]
pub struct IntroQuery {
    state: Option<String>,
    cluster: Option<String>,
    /// Introductions with either side's enterprise in the town (a town's headline figure),
    /// made (牵线) on those days.
    #[serde(flatten)]
    within: TownDays,
}

impl IntroQuery {
    fn filter(&self) -> Result<IntroductionFilter, WebError> {
        let state = coded(&self.state, IntroductionState::parse)?;
        let (made_from, made_before) = self.within.range()?;
        Ok(IntroductionFilter {
            state,
            cluster: id_param("集群", &self.cluster)?.map(ClusterId),
            town: self.within.town_code()?,
            made_from,
            made_before,
            ..Default::default()
        })
    }
    pub fn cluster_value(&self) -> &str {
        non_empty(&self.cluster).unwrap_or("")
    }
    /// What the list is narrowed to besides the state, as the query of its figures' links.
    pub fn narrowing(&self) -> String {
        format!(
            "cluster={}&town={}&from={}&to={}",
            self.cluster_value(),
            self.within.town_value(),
            self.within.first_day(),
            self.within.last_day()
        )
    }
}

#[derive(Template)]
#[template(path = "matching/introductions.html")]
struct IntroListPage {
    layout: Layout,
    nav: Nav,
    query: IntroQuery,
    rows: Vec<Introduction>,
    figures: IntroductionFigures,
    cluster_name: Option<String>,
    /// 街镇 and 牵线日期 the list is narrowed to, in words.
    drill: Option<String>,
    states: &'static [IntroductionState],
}

pub async fn introductions(State(state): State<AppState>, auth: Auth, Query(q): Query<IntroQuery>) -> PageResult {
    may_read(&auth)?;
    let filter = q.filter()?;
    let rows = state.store.matching().introductions(&auth.caller, &filter).await?;
    let figures = state
        .store
        .matching()
        .introduction_figures(&auth.caller, &IntroductionFilter { state: None, ..filter.clone() })
        .await?;
    let cluster_name = match filter.cluster {
        Some(c) => Some(state.store.registry().cluster(&auth.caller, c).await?.cluster.name),
        None => None,
    };
    let drill = q.within.words();
    render(&IntroListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        query: q,
        rows,
        figures,
        cluster_name,
        drill,
        states: &IntroductionState::ALL,
    })
}

#[derive(Deserialize)]
pub struct NewIntroForm {
    need_listing: Option<String>,
    offer_listing: Option<String>,
    state: Option<String>,
    note: Option<String>,
}

pub async fn introduce(State(state): State<AppState>, auth: Auth, Form(f): Form<NewIntroForm>) -> PageResult {
    auth.require(Action::BrokerIntroductions)?;
    let need = required_id("需求", &f.need_listing)?;
    let offer = required_id("供给", &f.offer_listing)?;
    let to = coded(&f.state, IntroductionState::parse)?.unwrap_or(IntroductionState::Introduced);
    let id = state
        .store
        .matching()
        .introduce(
            &auth.caller,
            NewIntroduction {
                need_listing: need,
                offer_listing: offer,
                state: to,
                note: non_empty(&f.note).unwrap_or("").to_owned(),
                is_demo: false,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/introductions/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "matching/introduction.html")]
struct IntroPage {
    layout: Layout,
    nav: Nav,
    d: IntroductionDetail,
    i: Introduction,
    may_broker: bool,
    today: String,
    /// (id, name) of the government departments, for 协办部门; empty unless the reader brokers.
    departments: Vec<(i64, String)>,
}

impl IntroPage {
    fn department(&self) -> String {
        self.i.assisting_department_id.map(|d| d.to_string()).unwrap_or_default()
    }
}

pub async fn introduction(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    may_read(&auth)?;
    let d = state.store.matching().introduction(&auth.caller, id).await?;
    let may_broker = auth.caller.may(Action::BrokerIntroductions);
    let departments = if may_broker { state.store.services().departments().await? } else { Vec::new() };
    render(&IntroPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: Nav::of(&auth),
        may_broker,
        departments,
        i: d.introduction.clone(),
        d,
        today: state.store.today().to_string(),
    })
}

#[derive(Deserialize)]
pub struct StepForm {
    to: Option<String>,
    deal_value: Option<String>,
    reason: Option<String>,
    note: Option<String>,
}

pub async fn step(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> PageResult {
    auth.require(Action::BrokerIntroductions)?;
    let to = coded(&f.to, IntroductionState::parse)?.ok_or_else(|| WebError::Invalid("状态：请选择下一步".into()))?;
    let value = number_param("成交金额", &f.deal_value)?;
    state
        .store
        .matching()
        .introduction_step(&auth.caller, id, to, value, non_empty(&f.reason), non_empty(&f.note).unwrap_or(""))
        .await?;
    Ok(Redirect::to(&format!("/introductions/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct DepartmentForm {
    department: Option<String>,
}

/// Names the department helping to broker the introduction (协办部门), or none.
pub async fn department(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<DepartmentForm>,
) -> PageResult {
    auth.require(Action::BrokerIntroductions)?;
    let department = id_param("协办部门", &f.department)?;
    state.store.matching().set_assisting_department(&auth.caller, id, department).await?;
    Ok(Redirect::to(&format!("/introductions/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct FollowUpForm {
    on: Option<String>,
    annual_sales: Option<String>,
    delivery_quantity: Option<String>,
    delivery_note: Option<String>,
    note: Option<String>,
}

pub async fn followup(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<FollowUpForm>,
) -> PageResult {
    auth.require(Action::BrokerIntroductions)?;
    let new = NewFollowUp {
        on: parse_date("日期", &f.on)?,
        annual_sales_wan: number_param("年销售额", &f.annual_sales)?,
        delivery_quantity: number_param("交付数量", &f.delivery_quantity)?,
        delivery_note: non_empty(&f.delivery_note).unwrap_or("").to_owned(),
        note: non_empty(&f.note).unwrap_or("").to_owned(),
    };
    state.store.matching().add_followup(&auth.caller, id, new).await?;
    Ok(Redirect::to(&format!("/introductions/{id}#followups")).into_response())
}
