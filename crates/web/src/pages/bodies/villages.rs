//! Villages and their 名誉村主任: the tracker's page (`/bodies/villages`: the town's villages,
//! its mandatory actions, the heads, the overdue actions and the per-village summary) and a
//! head's page (`/bodies/villages/heads/{id}`: the 五有 checklist, the steps, the
//! appointment, the actions with their evidence).

use askama::Template;
use axum::extract::{Path, State};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::Action;
use qunlian_domain::bodies::{
    AppointmentFields, CheckFields, Checker, CompletionFields, HeadActionFields, HeadIdentity, HeadStep,
    MandatoryFields, NominationFields, PairingMode, RawAppointment, RawCheck, RawCompletion, RawHeadAction,
    RawMandatory, RawNomination,
};
use qunlian_store::bodies::{CheckLine, Head, HeadAction, Mandatory, OverdueAction, Village, VillageSummary};

use super::{VILLAGES, parsed, town_of};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Choice, Pairs, from_form};
use crate::support::towns::town_options;
use crate::support::{render_form, saved_or_again};

#[derive(Template)]
#[template(path = "bodies/villages.html")]
struct VillagesPage {
    layout: Layout,
    may_run: bool,
    towns: Vec<Choice>,
    villages: Vec<Village>,
    /// The mandatory actions of each town offered.
    mandatory: Vec<(String, Vec<Mandatory>)>,
    heads: Vec<Head>,
    overdue: Vec<OverdueAction>,
    summary: Vec<VillageSummary>,
    enterprises: Vec<(i64, String)>,
    identities: Vec<HeadIdentity>,
    /// What was typed in the refused form (blank otherwise).
    values: Pairs,
    error: Option<String>,
}

async fn villages_page(state: &AppState, auth: &Auth, values: Pairs, error: Option<String>) -> PageResult {
    let b = state.store.bodies();
    let may_run = auth.caller.may(Action::RunVillages);
    let towns = town_options(state, auth, Some(values.get("town")));
    let mut mandatory = Vec::new();
    if may_run {
        for t in towns.iter().filter(|t| t.selected || towns.len() == 1) {
            if let Ok(code) = RegionCode::parse(&t.value) {
                mandatory.push((t.label.clone(), b.mandatory_actions(&auth.caller, &code).await?));
            }
        }
    }
    let refused = error.is_some();
    let page = VillagesPage {
        layout: Layout::new(auth, state, VILLAGES),
        villages: b.villages(&auth.caller).await?,
        heads: b.heads(&auth.caller).await?,
        overdue: b.overdue_actions(&auth.caller).await?,
        summary: b.village_summary(&auth.caller).await?,
        enterprises: if may_run {
            let chosen: Vec<i64> = values.get("enterprise").trim().parse().ok().into_iter().collect();
            b.enterprise_choices(&auth.caller, None, &chosen).await?
        } else {
            Vec::new()
        },
        identities: HeadIdentity::ALL.to_vec(),
        may_run,
        towns,
        mandatory,
        values,
        error,
    };
    render_form(&page, refused)
}

pub async fn page(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    villages_page(&state, &auth, Pairs(Vec::new()), None).await
}

/// A form of the tracker's page, for those who run villages: `work` does what was typed and
/// says where to go; the page again with the refusal and what was typed otherwise.
async fn tracker_form(
    state: &AppState,
    auth: &Auth,
    f: Pairs,
    work: impl AsyncFnOnce(&Pairs) -> Result<String, WebError>,
) -> PageResult {
    auth.require(Action::RunVillages)?;
    let done = work(&f).await;
    saved_or_again(done, |m| villages_page(state, auth, f, Some(m))).await
}

pub async fn add_village(State(state): State<AppState>, auth: Auth, f: Pairs) -> PageResult {
    tracker_form(&state, &auth, f, async |f| {
        let town = town_of(f)?;
        state.store.bodies().add_village(&auth.caller, &town, f.get("name"), false).await?;
        Ok("/bodies/villages#villages".to_owned())
    })
    .await
}

pub async fn add_mandatory(State(state): State<AppState>, auth: Auth, f: Pairs) -> PageResult {
    tracker_form(&state, &auth, f, async |f| {
        let town = town_of(f)?;
        let raw = from_form!(f, RawMandatory { name, due_days });
        let m = parsed(MandatoryFields::parse(&raw))?;
        state.store.bodies().add_mandatory(&auth.caller, &town, m, false).await?;
        Ok("/bodies/villages#mandatory".to_owned())
    })
    .await
}

pub async fn nominate(State(state): State<AppState>, auth: Auth, f: Pairs) -> PageResult {
    tracker_form(&state, &auth, f, async |f| {
        let raw = from_form!(f, RawNomination { person, enterprise, identity, nominated_on });
        let n = parsed(NominationFields::parse(&raw))?;
        let id = state.store.bodies().nominate(&auth.caller, n, false).await?;
        Ok(format!("/bodies/villages/heads/{id}"))
    })
    .await
}

#[derive(Template)]
#[template(path = "bodies/head.html")]
struct HeadPage {
    layout: Layout,
    head: Head,
    items: Vec<(i64, String)>,
    checks: Vec<CheckLine>,
    actions: Vec<HeadAction>,
    steps: Vec<HeadStep>,
    villages: Vec<(i64, String)>,
    checkers: Vec<Checker>,
    pairings: Vec<PairingMode>,
    may_run: bool,
    may_report: bool,
    today: String,
    values: Pairs,
    error: Option<String>,
}

impl HeadPage {
    /// The checklist's verdict for an item and a checker: 符合, 不符合 or 未审核.
    fn verdict(&self, item: &i64, checker: &Checker) -> &'static str {
        match self.checks.iter().find(|c| c.item_id == *item && c.checker == *checker) {
            Some(c) if c.passed => "符合",
            Some(_) => "不符合",
            None => "未审核",
        }
    }
}

async fn head_page(state: &AppState, auth: &Auth, id: i64, values: Pairs, error: Option<String>) -> PageResult {
    let b = state.store.bodies();
    let head = b.head(&auth.caller, id).await?;
    let may_run = auth.caller.may(Action::RunVillages) && b.may_report(&auth.caller, id).await.is_ok();
    let villages = b
        .villages(&auth.caller)
        .await?
        .into_iter()
        .filter(|v| v.town_code == head.town_code)
        .map(|v| (v.id, v.name))
        .collect();
    let refused = error.is_some();
    let page = HeadPage {
        layout: Layout::new(auth, state, VILLAGES),
        items: b.check_items(&auth.caller).await?,
        checks: b.checks(&auth.caller, id).await?,
        actions: b.head_actions(&auth.caller, id).await?,
        steps: head.state.steps(),
        may_report: b.may_report(&auth.caller, id).await.is_ok(),
        checkers: Checker::ALL.to_vec(),
        pairings: PairingMode::ALL.to_vec(),
        today: state.store.today().to_string(),
        head,
        villages,
        may_run,
        values,
        error,
    };
    render_form(&page, refused)
}

pub async fn head(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    head_page(&state, &auth, id, Pairs(Vec::new()), None).await
}

/// A form of a head's page, for those with `action`: `work` does what was typed, then back
/// to the head's page (at `anchor`), or that page again with the refusal and what was typed.
async fn head_form(
    state: &AppState,
    auth: &Auth,
    id: i64,
    f: Pairs,
    action: Action,
    anchor: &str,
    work: impl AsyncFnOnce(&Pairs) -> Result<(), WebError>,
) -> PageResult {
    auth.require(action)?;
    let done = work(&f).await;
    saved_or_again(done.map(|()| format!("/bodies/villages/heads/{id}{anchor}")), |m| {
        head_page(state, auth, id, f, Some(m))
    })
    .await
}

pub async fn record_check(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    head_form(&state, &auth, id, f, Action::RunVillages, "#checks", async |f| {
        let raw = from_form!(f, RawCheck { item, checker, passed, note, checked_on });
        let c = parsed(CheckFields::parse(&raw))?;
        state.store.bodies().record_check(&auth.caller, id, c, false).await?;
        Ok(())
    })
    .await
}

pub async fn step(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    head_form(&state, &auth, id, f, Action::RunVillages, "", async |f| {
        let step =
            HeadStep::from_code(f.get("step")).ok_or_else(|| WebError::Invalid("操作：不是可选的操作".into()))?;
        let appointment = if step == HeadStep::Appoint {
            let raw = from_form!(f, RawAppointment { village, term_start, term_end, pairing });
            Some(parsed(AppointmentFields::parse(&raw))?)
        } else {
            None
        };
        state.store.bodies().step_head(&auth.caller, id, step, appointment).await?;
        Ok(())
    })
    .await
}

pub async fn add_action(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    head_form(&state, &auth, id, f, Action::ReportVillageActions, "#actions", async |f| {
        let raw = from_form!(f, RawHeadAction { title, due_on });
        let a = parsed(HeadActionFields::parse(&raw))?;
        state.store.bodies().add_chosen_action(&auth.caller, id, a, false).await?;
        Ok(())
    })
    .await
}

pub async fn complete(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, action)): Path<(i64, i64)>,
    f: Pairs,
) -> PageResult {
    head_form(&state, &auth, id, f, Action::ReportVillageActions, "#actions", async |f| {
        let raw = from_form!(f, RawCompletion { evidence, done_on });
        let c = parsed(CompletionFields::parse(&raw))?;
        let b = state.store.bodies();
        if !b.head_actions(&auth.caller, id).await?.iter().any(|a| a.id == action) {
            return Err(WebError::NotFound);
        }
        b.complete_action(&auth.caller, action, c).await?;
        Ok(())
    })
    .await
}
