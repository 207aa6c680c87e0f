//! Talent apartments with their Party service points, talent selections with the Party
//! organisations' opinions, and secretary studios: one page, `/bodies/talent`, its forms for
//! the town and district admins.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_domain::auth::Action;
use qunlian_domain::bodies::{
    ApartmentFields, RawApartment, RawSelection, RawStudio, SelectionFields, StudioFields, TalentKind, parse_opinion,
};
use qunlian_store::bodies::{Apartment, Selection, Studio};

use super::{TALENT, parsed, town_of};
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Choice, Pairs, from_form};
use crate::support::towns::town_options;
use crate::support::{render_form, saved_or_again};

#[derive(Template)]
#[template(path = "bodies/talent.html")]
struct TalentPage {
    layout: Layout,
    may_run: bool,
    /// Whether the caller may record the service points' activities (activities capability).
    may_record: bool,
    towns: Vec<Choice>,
    apartments: Vec<Apartment>,
    selections: Vec<Selection>,
    studios: Vec<Studio>,
    enterprises: Vec<(i64, String)>,
    orgs: Vec<(i64, String)>,
    kinds: Vec<TalentKind>,
    today: String,
    values: Pairs,
    error: Option<String>,
}

/// The enterprises a refused form had chosen, kept on its pickers.
fn chosen(values: &Pairs) -> Vec<i64> {
    ["unit", "enterprise"].iter().filter_map(|k| values.get(k).trim().parse().ok()).collect()
}

async fn talent_page(state: &AppState, auth: &Auth, values: Pairs, error: Option<String>) -> PageResult {
    let b = state.store.bodies();
    let may_run = auth.caller.may(Action::RunTalent);
    let refused = error.is_some();
    let page = TalentPage {
        layout: Layout::new(auth, state, TALENT),
        towns: town_options(state, auth, Some(values.get("town"))),
        apartments: b.apartments(&auth.caller).await?,
        selections: b.selections(&auth.caller).await?,
        studios: b.studios(&auth.caller).await?,
        enterprises: if may_run {
            b.enterprise_choices(&auth.caller, None, &chosen(&values)).await?
        } else {
            Vec::new()
        },
        orgs: if may_run { b.org_choices(&auth.caller).await? } else { Vec::new() },
        kinds: TalentKind::ALL.to_vec(),
        today: state.store.today().to_string(),
        may_record: may_run && auth.caller.may(Action::RecordActivities),
        may_run,
        values,
        error,
    };
    render_form(&page, refused)
}

pub async fn page(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ReadRegistry)?;
    talent_page(&state, &auth, Pairs(Vec::new()), None).await
}

/// A talent form (for those who run talent work): `work` does what was typed; then back to
/// the page's section, or the page again with the refusal and what was typed.
async fn talent_form(
    state: &AppState,
    auth: &Auth,
    f: Pairs,
    anchor: &str,
    work: impl AsyncFnOnce(&Pairs) -> Result<(), WebError>,
) -> PageResult {
    auth.require(Action::RunTalent)?;
    let done = work(&f).await;
    saved_or_again(done.map(|()| format!("/bodies/talent#{anchor}")), |m| talent_page(state, auth, f, Some(m))).await
}

pub async fn add_apartment(State(state): State<AppState>, auth: Auth, f: Pairs) -> PageResult {
    talent_form(&state, &auth, f, "apartments", async |f| {
        let raw = from_form!(f, RawApartment { name, town, address, managing_org, service_point });
        let a = parsed(ApartmentFields::parse(&raw))?;
        state.store.bodies().add_apartment(&auth.caller, a, false).await?;
        Ok(())
    })
    .await
}

/// An id chosen in a form's select, or the field's message.
fn chosen_id(f: &Pairs, key: &str, label: &str) -> Result<i64, WebError> {
    f.get(key).parse::<i64>().map_err(|_| WebError::Invalid(format!("{label}：请选择")))
}

pub async fn add_resident(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    talent_form(&state, &auth, f, "apartments", async |f| {
        let unit = chosen_id(f, "unit", "入住企业")?;
        Ok(state.store.bodies().add_resident(&auth.caller, id, unit).await?)
    })
    .await
}

pub async fn open_selection(State(state): State<AppState>, auth: Auth, f: Pairs) -> PageResult {
    talent_form(&state, &auth, f, "selections", async |f| {
        let raw = from_form!(f, RawSelection { kind, year, candidate, enterprise });
        let s = parsed(SelectionFields::parse(&raw))?;
        state.store.bodies().open_selection(&auth.caller, s, false).await?;
        Ok(())
    })
    .await
}

pub async fn ask(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    talent_form(&state, &auth, f, "selections", async |f| {
        let org = chosen_id(f, "org", "征求意见的党组织")?;
        let on = qunlian_domain::fields::date_field("征求日期", f.get("asked_on"))
            .map_err(WebError::Invalid)?
            .ok_or_else(|| WebError::Invalid("征求日期：不能为空".into()))?;
        state.store.bodies().ask_opinion(&auth.caller, id, org, on).await?;
        Ok(())
    })
    .await
}

pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, opinion)): Path<(i64, i64)>,
    f: Pairs,
) -> PageResult {
    talent_form(&state, &auth, f, "selections", async |f| {
        let (text, on) = parsed(parse_opinion(f.get("opinion"), f.get("answered_on")))?;
        Ok(state.store.bodies().record_opinion(&auth.caller, id, opinion, text, on).await?)
    })
    .await
}

pub async fn decide(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    talent_form(&state, &auth, f, "selections", async |f| {
        let selected = match f.get("decision") {
            "selected" => true,
            "not_selected" => false,
            _ => return Err(WebError::Invalid("评选决定：请选择“入选”或“未入选”".into())),
        };
        let note = f.get("note").to_owned();
        if let Err(m) = qunlian_domain::limits::check("决定说明", &note, qunlian_domain::limits::NOTE_CHARS) {
            return Err(WebError::Invalid(m));
        }
        state.store.bodies().decide_selection(&auth.caller, id, selected, note).await?;
        Ok(())
    })
    .await
}

pub async fn add_studio(State(state): State<AppState>, auth: Auth, f: Pairs) -> PageResult {
    talent_form(&state, &auth, f, "studios", async |f| {
        let raw = from_form!(f, RawStudio { name, org, lead });
        let town = town_of(f)?;
        let s = parsed(StudioFields::parse(&raw))?;
        state.store.bodies().add_studio(&auth.caller, &town, s, false).await?;
        Ok(())
    })
    .await
}
