//! `GET /units/choices`: a unit picker's options for what was typed in its search box, for
//! forms whose enterprises are too many to list at once (a town holds thousands): the
//! enterprise selects of the bodies' forms (talent apartments and selections, village
//! candidates), an instructor's 指导对象 (organisations, clusters and enterprises), an
//! activity's taking-part and member checkboxes and a project's partner checkboxes. The store keeps the answer inside
//! the caller's scope; the answer is an HTML fragment that htmx puts in place of the list.

use askama::Template;
use axum::extract::{Query, State};
use qunlian_domain::auth::Action;
use qunlian_store::activities::UnitChoice;
use qunlian_store::bodies::ENTERPRISE_CHOICES;

use crate::auth::Auth;
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Pairs, ticked};
use crate::support::render;

/// The options of an enterprise `<select>`: the blank one, then the matches.
#[derive(Template)]
#[template(path = "registry/_unit_options.html")]
struct Options {
    choices: Vec<(String, String)>,
    selected: String,
    /// Whether the list stops at the picker's limit (more would match).
    more: bool,
    message: Option<String>,
}

/// An activity's taking-part checkboxes: the ticked ones first, then the matches.
#[derive(Template)]
#[template(path = "activities/unit_checks.html")]
struct Checks {
    units: Vec<UnitChoice>,
    ticked: Vec<String>,
    message: Option<String>,
}

impl Checks {
    fn unit_ticked(&self, id: &i64) -> bool {
        ticked(&self.ticked, *id)
    }
}

/// `for=bodies` (an enterprise select named `name`: its value stays chosen), `for=instructors`
/// (the 指导对象 select `guided`), `for=activities` or `for=projects` (checkboxes: every
/// `units` stays ticked), `for=members` (an activity's 参加党员: every `attendees` stays
/// ticked); `q` a name's part (or a credit code's start).
pub async fn choices(
    State(state): State<AppState>,
    auth: Auth,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    // Every picker lists registered units: the role is checked before the query is read.
    auth.require(Action::ReadRegistry)?;
    let pairs = Pairs(pairs);
    let one = |k: &str| pairs.get(k);
    let q = Some(one("q"));
    match one("for") {
        "bodies" => {
            // The select sends itself under its own name (unit or enterprise).
            let field = one("name");
            let selected = if matches!(field, "unit" | "enterprise") { one(field) } else { "" }.to_owned();
            let keep: Vec<i64> = selected.trim().parse().ok().into_iter().collect();
            let found = state.store.bodies().enterprise_choices(&auth.caller, q, &keep).await;
            let (choices, message) = refused_as_message(found)?;
            let more = choices.len() as u64 >= ENTERPRISE_CHOICES + keep.len() as u64;
            let choices = choices.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
            render(&Options { choices, selected, more, message })
        }
        "instructors" => {
            auth.require(Action::AssignCoverage)?;
            let found = state.store.people().guided_choices(&auth.caller, q).await;
            let (choices, message) = refused_as_message(found)?;
            render(&Options { choices, selected: one("guided").to_owned(), more: false, message })
        }
        "activities" => {
            auth.require(Action::RecordActivities)?;
            let (ticked, keep) = ticked_of(&pairs.0, "units");
            let found = state.store.activities().unit_choices(&auth.caller, q, &keep).await;
            let (units, message) = refused_as_message(found)?;
            render(&Checks { units, ticked, message })
        }
        "members" => {
            auth.require(Action::RecordActivities)?;
            let (ticked, keep) = ticked_of(&pairs.0, "attendees");
            let found = state.store.activities().member_choices(&auth.caller, q, &keep).await;
            let (members, message) = refused_as_message(found)?;
            render(&Members { members, ticked, message })
        }
        "projects" => {
            auth.require(Action::ApplyProjects)?;
            let (ticked, keep) = ticked_of(&pairs.0, "units");
            let found = state.store.projects().partner_choices(&auth.caller, one("q"), &keep).await;
            let (choices, message) = refused_as_message(found)?;
            render(&Partners { choices, ticked, message })
        }
        _ => Err(WebError::BadRequest(
            "未知的选择列表（for 应为 bodies、instructors、activities、members 或 projects）".to_owned(),
        )),
    }
}

/// An activity's member checkboxes (参加党员): the ticked ones first, then the matches.
#[derive(Template)]
#[template(path = "activities/member_checks.html")]
struct Members {
    members: Vec<(i64, String)>,
    ticked: Vec<String>,
    message: Option<String>,
}

impl Members {
    fn member_ticked(&self, id: &i64) -> bool {
        ticked(&self.ticked, *id)
    }
}

/// A project's partner checkboxes: the ticked ones first, then the matches.
#[derive(Template)]
#[template(path = "projects/partner_checks.html")]
struct Partners {
    choices: Vec<(i64, String)>,
    ticked: Vec<String>,
    message: Option<String>,
}

impl Partners {
    fn partner_ticked(&self, id: &i64) -> bool {
        ticked(&self.ticked, *id)
    }
}

/// Every value of a repeated query parameter (the ticked boxes), and the ids among them.
fn ticked_of(pairs: &[(String, String)], name: &str) -> (Vec<String>, Vec<i64>) {
    let ticked: Vec<String> = pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect();
    let ids = ticked.iter().filter_map(|v| v.trim().parse().ok()).collect();
    (ticked, ids)
}

/// A search the store refused (too long) as the list's message, so the box says why; any
/// other error as it is.
fn refused_as_message<T>(found: qunlian_store::Result<Vec<T>>) -> Result<(Vec<T>, Option<String>), WebError> {
    match found {
        Ok(list) => Ok((list, None)),
        Err(e @ qunlian_store::StoreError::Invalid { .. }) => Ok((Vec::new(), Some(e.to_string()))),
        Err(e) => Err(e.into()),
    }
}
