//! Applications: the applicant's form (a new draft, its edits), the application's page with
//! everything the applicant entered, its state by its label and its history, and the steps
//! taken on it (submit, withdraw, return, not recommend, open the review, implement, close).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::auth::Scope;
use qunlian_domain::bodies::StudioTarget;
use qunlian_domain::projects::{ApplicationAction as A, ApplicationState as S};
use qunlian_store::projects::{Application, ApplicationInput, NewCarrier, Round};
use qunlian_store::services::Attachment;

use super::*;
use crate::auth::Layout;
use crate::error::PageResult;
use crate::support::forms::{Choice, Pairs, from_form};
use crate::support::{render, render_form, saved_or_again};

/// The measurable goals offered on a new form (the applicant may rename them).
const TARGET_METRICS: [&str; 5] =
    ["发明专利（件）", "新增产值（万元）", "市场占有率提升（%）", "良品率提升（%）", "节省人工（人）"];
/// Rows of goals on the form.
const TARGET_ROWS: usize = 6;

/// The application form's fields as typed.
pub struct Draft {
    pub org: String,
    pub title: String,
    pub subject: String,
    pub direction: String,
    /// A registered carrier chosen (its number), or empty to register one below.
    pub carrier_id: String,
    pub carrier_kind: String,
    pub carrier_name: String,
    pub carrier_lead: String,
    /// The secretary studio the project names (bodies), its number or empty.
    pub studio: String,
    pub open_call: bool,
    pub summary: String,
    pub budget: String,
    pub support_asked: String,
    pub lead_name: String,
    pub participants: String,
    pub targets: Vec<(String, String)>,
    /// The enterprises ticked (numbers).
    pub units: Vec<String>,
}

fn number(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl Draft {
    fn fresh() -> Draft {
        let mut targets: Vec<(String, String)> = TARGET_METRICS.iter().map(|m| ((*m).into(), String::new())).collect();
        targets.resize(TARGET_ROWS, (String::new(), String::new()));
        Draft {
            org: String::new(),
            carrier_id: String::new(),
            units: Vec::new(),
            title: String::new(),
            subject: String::new(),
            direction: String::new(),
            carrier_kind: String::new(),
            carrier_name: String::new(),
            carrier_lead: String::new(),
            studio: String::new(),
            open_call: false,
            summary: String::new(),
            budget: String::new(),
            support_asked: String::new(),
            lead_name: String::new(),
            participants: String::new(),
            targets,
        }
    }

    fn of(a: &Application) -> Draft {
        let mut targets: Vec<(String, String)> = a.targets.iter().map(|(m, t)| (m.clone(), number(*t))).collect();
        targets.resize(TARGET_ROWS.max(targets.len()), (String::new(), String::new()));
        Draft {
            org: a.row.org_id.to_string(),
            carrier_id: a.carrier_id.map(|c| c.to_string()).unwrap_or_default(),
            units: a.units.iter().map(|(u, _)| u.to_string()).collect(),
            title: a.row.title.clone(),
            subject: a.row.subject.clone(),
            direction: a.row.direction.clone(),
            carrier_kind: String::new(),
            carrier_name: String::new(),
            carrier_lead: String::new(),
            studio: String::new(),
            open_call: a.row.open_call,
            summary: a.summary.clone(),
            budget: a.budget_yuan.map(|b| number(b as f64 / 10_000.0)).unwrap_or_default(),
            support_asked: a.support_asked.clone(),
            lead_name: a.lead_name.clone(),
            participants: a.participants.clone(),
            targets,
        }
    }

    fn from_form(f: &Pairs) -> Draft {
        from_form!(
            f,
            Draft {
                org,
                carrier_id,
                units: f.all("units").into_iter().map(str::to_owned).collect(),
                title,
                subject,
                direction,
                carrier_kind,
                carrier_name,
                carrier_lead,
                studio: f.get("studio").trim().into(),
                open_call: f.checked("open_call"),
                summary,
                budget,
                support_asked,
                lead_name,
                participants,
                targets: (0..TARGET_ROWS)
                    .map(|i| (f.get(&format!("metric_{i}")).to_owned(), f.get(&format!("target_{i}")).to_owned()))
                    .collect()
            }
        )
    }

    /// The input the store checks; the numbers are read here, naming the field.
    fn to_input(&self, round_id: i64, current: Option<&Application>) -> Result<ApplicationInput, WebError> {
        let org_id = match current {
            Some(a) => a.row.org_id,
            None => self.org.parse().map_err(|_| WebError::Invalid("申报组织：请选择".into()))?,
        };
        let budget_yuan = match self.budget.trim() {
            "" => None,
            v => {
                let wan: f64 = v
                    .parse()
                    .ok()
                    .filter(|x: &f64| x.is_finite())
                    .ok_or_else(|| WebError::Invalid(format!("项目预算：“{v}”不是数字（单位：万元）")))?;
                Some((wan * 10_000.0).round() as i64)
            }
        };
        let mut targets = Vec::new();
        for (metric, target) in &self.targets {
            match (metric.trim(), target.trim()) {
                (_, "") => {}
                ("", t) => return Err(WebError::Invalid(format!("目标：目标值“{t}”缺少指标名称"))),
                (m, t) => targets.push((
                    m.to_owned(),
                    t.parse::<f64>().map_err(|_| WebError::Invalid(format!("目标：“{m}”的目标值“{t}”不是数字")))?,
                )),
            }
        }
        // A registered carrier chosen; or a new one registered with the fields below; or none.
        let (carrier_id, new_carrier) = match (self.carrier_id.trim(), self.carrier_kind.as_str()) {
            ("", "") => (None, None),
            ("", kind) => (
                None,
                Some(NewCarrier {
                    kind: kind.to_owned(),
                    name: self.carrier_name.clone(),
                    lead_name: self.carrier_lead.clone(),
                }),
            ),
            (id, _) => (Some(id.parse().map_err(|_| WebError::Invalid("工作载体：请选择已登记的载体".into()))?), None),
        };
        let mut units = Vec::with_capacity(self.units.len());
        for u in &self.units {
            units.push(u.parse().map_err(|_| WebError::Invalid(format!("参与企业：“{u}”不是企业编号")))?);
        }
        Ok(ApplicationInput {
            round_id,
            org_id,
            title: self.title.clone(),
            subject: self.subject.clone(),
            direction: self.direction.clone(),
            carrier_id,
            new_carrier,
            open_call: self.open_call,
            summary: self.summary.clone(),
            budget_yuan,
            support_asked: self.support_asked.clone(),
            lead_name: self.lead_name.clone(),
            participants: self.participants.clone(),
            units,
            targets,
            is_demo: false,
        })
    }
}

#[derive(Template)]
#[template(path = "projects/application_form.html")]
struct FormPage {
    layout: Layout,
    round: Round,
    /// None for a new draft.
    id: Option<i64>,
    orgs: Vec<Choice>,
    subjects: Vec<Choice>,
    directions: Vec<Choice>,
    carriers: Vec<Choice>,
    /// The carriers registered by the organisations the caller may file for.
    registered: Vec<Choice>,
    /// The secretary studios the caller sees (bodies), the one named marked.
    studios: Vec<Choice>,
    /// The enterprises the caller may name as partners, those ticked marked.
    partners: Vec<Choice>,
    draft: Draft,
    error: Option<String>,
}

/// The organisations the caller may file for: those in its scope.
async fn org_choices(state: &AppState, auth: &Auth, selected: &str) -> Result<Vec<Choice>, WebError> {
    Ok(Choice::list(crate::support::sections::org_names(state, auth).await?, selected))
}

/// The form; `named` are the enterprises the application names already (kept in the
/// partner list even beyond its first page).
async fn form_page(
    state: &AppState,
    auth: &Auth,
    round: Round,
    id: Option<i64>,
    (draft, named): (Draft, &[(i64, String)]),
    error: Option<String>,
) -> PageResult {
    let p = state.store.projects();
    let orgs = if id.is_none() { org_choices(state, auth, &draft.org).await? } else { Vec::new() };
    let registered = p
        .carriers(&auth.caller, draft.org.parse().ok())
        .await?
        .into_iter()
        .map(|c| Choice {
            selected: c.id.to_string() == draft.carrier_id,
            value: c.id.to_string(),
            label: format!("{}（{}，负责人 {}）", c.name, c.kind, c.lead_name),
        })
        .collect();
    let ticked: Vec<i64> = draft.units.iter().filter_map(|u| u.trim().parse().ok()).collect();
    let mut offered = p.partner_choices(&auth.caller, "", &ticked).await?;
    for n in named {
        if !offered.iter().any(|(u, _)| *u == n.0) {
            offered.push(n.clone());
        }
    }
    let partners = offered
        .into_iter()
        .map(|(u, name)| Choice { selected: draft.units.contains(&u.to_string()), value: u.to_string(), label: name })
        .collect();
    let studios = state
        .store
        .bodies()
        .studios(&auth.caller)
        .await?
        .into_iter()
        .map(|s| Choice { selected: s.id.to_string() == draft.studio, value: s.id.to_string(), label: s.name })
        .collect();
    let refused = error.is_some();
    let list = |items: &[String], current: &str| Choice::list(items.iter().map(|s| (s, s)), current);
    render_form(
        &FormPage {
            layout: Layout::new(auth, state, ACTIVE),
            subjects: list(&round.subjects, &draft.subject),
            directions: list(&round.directions, &draft.direction),
            carriers: list(&round.carrier_kinds, &draft.carrier_kind),
            registered,
            studios,
            partners,
            round,
            id,
            orgs,
            draft,
            error,
        },
        refused,
    )
}

pub async fn new_form(State(state): State<AppState>, auth: Auth, Path(round_id): Path<i64>) -> PageResult {
    auth.require(Action::ApplyProjects)?;
    let round = state.store.projects().round(&auth.caller, round_id).await?;
    let mut draft = Draft::fresh();
    if let Scope::PartyOrg(o) = &auth.caller.scope {
        draft.org = o.0.to_string();
    }
    form_page(&state, &auth, round, None, (draft, &[]), None).await
}

pub async fn create(State(state): State<AppState>, auth: Auth, Path(round_id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::ApplyProjects)?;
    let round = state.store.projects().round(&auth.caller, round_id).await?;
    let draft = Draft::from_form(&f);
    let saved = async {
        let studio = state.store.bodies().chosen_studio(&auth.caller, &draft.studio).await?;
        let id = state.store.projects().create_application(&auth.caller, draft.to_input(round_id, None)?).await?;
        if studio.is_some() {
            state.store.bodies().name_studio(&auth.caller, StudioTarget::Project, id, studio, false).await?;
        }
        Ok(format!("/projects/applications/{id}"))
    }
    .await;
    saved_or_again(saved, |m| form_page(&state, &auth, round, None, (draft, &[]), Some(m))).await
}

pub async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ApplyProjects)?;
    let a = state.store.projects().application(&auth.caller, id).await?;
    let round = state.store.projects().round(&auth.caller, a.row.round_id).await?;
    let mut draft = Draft::of(&a);
    let named = state.store.bodies().studio_named_by(&auth.caller, StudioTarget::Project, id).await?;
    draft.studio = named.map(|s| s.id.to_string()).unwrap_or_default();
    form_page(&state, &auth, round, Some(id), (draft, &a.units), None).await
}

pub async fn update(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::ApplyProjects)?;
    let a = state.store.projects().application(&auth.caller, id).await?;
    let round = state.store.projects().round(&auth.caller, a.row.round_id).await?;
    let mut draft = Draft::from_form(&f);
    draft.org = a.row.org_id.to_string();
    let saved = async {
        let studio = state.store.bodies().chosen_studio(&auth.caller, &draft.studio).await?;
        state.store.projects().update_application(&auth.caller, id, draft.to_input(a.row.round_id, Some(&a))?).await?;
        state.store.bodies().name_studio(&auth.caller, StudioTarget::Project, id, studio, false).await?;
        Ok(format!("/projects/applications/{id}"))
    }
    .await;
    saved_or_again(saved, |m| form_page(&state, &auth, round, Some(id), (draft, &a.units), Some(m))).await
}

#[derive(Template)]
#[template(path = "projects/application.html")]
struct DetailPage {
    layout: Layout,
    a: Application,
    round: Round,
    budget: Option<String>,
    targets: Vec<(String, String)>,
    may_edit: bool,
    may_submit: bool,
    may_withdraw: bool,
    may_return: bool,
    may_start_review: bool,
    may_implement: bool,
    may_close: bool,
    files: Vec<Attachment>,
    /// The applicant may add and remove files (the application is editable).
    may_upload: bool,
}

/// An application: everything its applicant entered, its state and history. No reviewer's
/// name appears here, whoever reads it: the scores stay on the officer's ranking.
pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReadProjects)?;
    let a = state.store.projects().application(&auth.caller, id).await?;
    let round = state.store.projects().round(&auth.caller, a.row.round_id).await?;
    let c = &auth.caller;
    let st = a.row.state;
    let applies = c.may(Action::ApplyProjects);
    let recommends = c.may(Action::RecommendProjects);
    let manages = c.may(Action::ManageProjects);
    render(&DetailPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        budget: a.budget_yuan.map(|b| format!("{} 万元", number(b as f64 / 10_000.0))),
        targets: a.targets.iter().map(|(m, t)| (m.clone(), number(*t))).collect(),
        may_edit: applies && st.is_editable(),
        may_submit: applies && st.allowed(A::Submit, round.concept_stage).is_ok(),
        may_withdraw: applies && st.allowed(A::Withdraw, round.concept_stage).is_ok(),
        may_return: recommends && st == S::Submitted,
        may_start_review: manages && st == S::Recommended,
        may_implement: manages && st.allowed(A::StartImplementation, round.concept_stage).is_ok(),
        may_close: manages && st == S::Implementing,
        files: state.store.projects().application_files(&auth.caller, id).await?,
        may_upload: applies && st.is_editable(),
        a,
        round,
    })
}

/// One step on an application, named by `action`, with its note.
pub async fn act(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    let c = &auth.caller;
    if ![Action::ApplyProjects, Action::RecommendProjects, Action::ManageProjects].into_iter().any(|a| c.may(a)) {
        return Err(WebError::Forbidden);
    }
    let action = match f.get("action") {
        "submit" => A::Submit,
        "withdraw" => A::Withdraw,
        "return" => A::Return,
        "not_recommend" => A::NotRecommend,
        "start_review" => A::StartReview,
        "implement" => A::StartImplementation,
        "close" => A::Close,
        other => return Err(WebError::Invalid(format!("操作：“{other}”不是可执行的操作"))),
    };
    state.store.projects().act(&auth.caller, id, action, f.get("note"), None).await?;
    Ok(Redirect::to(&format!("/projects/applications/{id}")).into_response())
}
