//! The 组织部 officer's rubric page of a round: each criterion's name, department, weight,
//! highest score, level descriptors and veto flag, editable until the first score sheet is
//! in (the store refuses after, in Chinese); blank rows add criteria.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_domain::projects::{RawCriterion, ReviewSide, Rubric};
use qunlian_store::projects::Round;

use super::*;
use crate::auth::Layout;
use crate::error::PageResult;
use crate::support::forms::{Choice, Pairs};
use crate::support::{render_form, saved_or_again};

/// Blank rows offered below the criteria, for new ones.
const BLANK_ROWS: usize = 2;
/// Most rows read from a form.
const MAX_ROWS: usize = 40;

struct Row {
    raw: RawCriterion,
    sides: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "projects/rubric.html")]
struct RubricPage {
    layout: Layout,
    nav: RoundNav,
    r: Round,
    rows: Vec<Row>,
    error: Option<String>,
}

fn rows(raws: Vec<RawCriterion>) -> Vec<Row> {
    raws.into_iter()
        .map(|raw| Row { sides: Choice::list(ReviewSide::ALL.iter().map(|s| (s.code(), s.label())), &raw.side), raw })
        .collect()
}

fn page(state: &AppState, auth: &Auth, r: Round, raws: Vec<RawCriterion>, error: Option<String>) -> PageResult {
    let refused = error.is_some();
    render_form(
        &RubricPage {
            layout: Layout::new(auth, state, ACTIVE),
            nav: RoundNav::new(auth, &r, "rubric"),
            r,
            rows: rows(raws),
            error,
        },
        refused,
    )
}

/// The round's rubric as rows, with blank ones to add criteria.
pub async fn form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let r = state.store.projects().round(&auth.caller, id).await?;
    let mut raws: Vec<RawCriterion> = r.rubric.criteria.iter().map(RawCriterion::of).collect();
    raws.resize(raws.len() + BLANK_ROWS, RawCriterion::default());
    page(&state, &auth, r, raws, None)
}

/// Saves the rubric; refused rows come back as typed with the reasons (422).
pub async fn save(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let r = state.store.projects().round(&auth.caller, id).await?;
    let count = f.get("rows").parse::<usize>().unwrap_or(0).min(MAX_ROWS);
    let raws: Vec<RawCriterion> = (0..count)
        .map(|i| RawCriterion {
            key: f.get(&format!("key_{i}")).into(),
            name: f.get(&format!("name_{i}")).into(),
            side: f.get(&format!("side_{i}")).into(),
            weight: f.get(&format!("weight_{i}")).into(),
            max: f.get(&format!("max_{i}")).into(),
            levels: f.get(&format!("levels_{i}")).into(),
            veto: f.checked(&format!("veto_{i}")),
        })
        .collect();
    let saved = async {
        let rubric = Rubric::from_rows(&raws).map_err(|e| WebError::Invalid(e.0.messages().join("；")))?;
        state.store.projects().set_rubric(&auth.caller, id, rubric).await?;
        Ok(format!("/projects/rounds/{id}#rubric"))
    }
    .await;
    saved_or_again(saved, |m| async move { page(&state, &auth, r, raws, Some(m)) }).await
}
