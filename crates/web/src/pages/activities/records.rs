//! The list of activities, one activity, and the form that records one.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use qunlian_domain::activities::{ActivityFields, ActivityKind, Organiser, RawActivity, RawRaisedIssue};
use qunlian_domain::auth::Action;
use qunlian_domain::fields::FieldErrors;
use qunlian_store::Page;
use qunlian_store::activities::{ActivityFilter, ActivityLine, OrganiserChoice, UnitChoice};
use serde::Deserialize;

use super::ACTIVE;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Pairs, Unread, coded, from_form, id_param, non_empty, query_string, ticked};
use crate::support::{render, render_form};

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    cluster: Option<String>,
    town: Option<String>,
    organiser: Option<String>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    unit: Option<String>,
    page: Option<u64>,
}

/// A date parameter as a filter takes it.
pub(super) fn date_param(label: &str, v: &Option<String>) -> Result<Option<chrono::NaiveDate>, WebError> {
    qunlian_domain::fields::date_field(label, non_empty(v).unwrap_or("")).map_err(WebError::Invalid)
}

impl ListQuery {
    pub(super) fn filter(&self) -> Result<ActivityFilter, WebError> {
        let organiser = match non_empty(&self.organiser) {
            Some(o) => Some(Organiser::parse(o).ok_or_else(|| WebError::Invalid("组织方：不是列表中的选项".into()))?),
            None => None,
        };
        let region = match non_empty(&self.town) {
            Some(t) => Some(
                qunlian_domain::RegionCode::parse(t)
                    .map_err(|_| WebError::Invalid(format!("街镇：“{t}”不是行政区划代码")))?,
            ),
            None => None,
        };
        Ok(ActivityFilter {
            cluster: id_param("集群", &self.cluster)?,
            region,
            organiser,
            kind: coded(&self.kind, ActivityKind::parse)?,
            from: date_param("起始日期", &self.from)?,
            to: date_param("截止日期", &self.to)?,
            unit: id_param("参加单位", &self.unit)?,
        })
    }

    fn value(v: &Option<String>) -> &str {
        non_empty(v).unwrap_or("")
    }

    fn query_string(&self) -> String {
        query_string(&[
            ("cluster", &self.cluster),
            ("town", &self.town),
            ("organiser", &self.organiser),
            ("kind", &self.kind),
            ("from", &self.from),
            ("to", &self.to),
            ("unit", &self.unit),
        ])
    }
}

#[derive(Template)]
#[template(path = "activities/list.html")]
struct ListPage {
    layout: Layout,
    query: ListQuery,
    organisers: Vec<(String, String)>,
    kinds: [ActivityKind; 13],
    list: Page<ActivityLine>,
    may_record: bool,
}

impl ListPage {
    fn organiser_value(&self) -> &str {
        ListQuery::value(&self.query.organiser)
    }
    fn kind_value(&self) -> &str {
        ListQuery::value(&self.query.kind)
    }
    fn since_value(&self) -> &str {
        ListQuery::value(&self.query.from)
    }
    fn to_value(&self) -> &str {
        ListQuery::value(&self.query.to)
    }
    fn hidden(&self) -> Vec<(&'static str, &str)> {
        [("cluster", &self.query.cluster), ("town", &self.query.town), ("unit", &self.query.unit)]
            .into_iter()
            .filter_map(|(k, v)| non_empty(v).map(|v| (k, v)))
            .collect()
    }
    /// The filters as a query string, kept by the pager.
    fn query(&self) -> String {
        self.query.query_string()
    }
}

fn organiser_pairs(o: Vec<OrganiserChoice>) -> Vec<(String, String)> {
    o.into_iter().map(|c| (c.value, format!("{}（{}）", c.name, c.kind_label))).collect()
}

/// 活动记录: the activities of the caller's scope, the latest first.
pub async fn list(State(state): State<AppState>, auth: Auth, Query(query): Query<ListQuery>) -> PageResult {
    auth.require(Action::ReadActivities)?;
    let filter = query.filter()?;
    let acts = state.store.activities();
    render(&ListPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        organisers: organiser_pairs(acts.organisers(&auth.caller).await?),
        kinds: ActivityKind::ALL,
        list: acts.list(&auth.caller, &filter, qunlian_store::PageRequest::new(query.page, Some(50))).await?,
        may_record: auth.caller.may(Action::RecordActivities),
        query,
    })
}

#[derive(Template)]
#[template(path = "activities/form.html")]
struct FormPage {
    layout: Layout,
    raw: RawActivity,
    errors: FieldErrors,
    organisers: Vec<(String, String)>,
    kinds: [ActivityKind; 13],
    units: Vec<UnitChoice>,
    members: Vec<(i64, String)>,
    /// The Party groups a 党小组会 may name (id, "组名（支部名）").
    party_groups: Vec<(i64, String)>,
    /// The activity edited; None when recording a new one.
    editing: Option<i64>,
    /// The secretary studios the caller sees (bodies), and the one chosen (its id, or empty).
    studios: Vec<(String, String)>,
    studio: String,
}

impl FormPage {
    fn unit_ticked(&self, id: &i64) -> bool {
        ticked(&self.raw.units, *id)
    }
    fn member_ticked(&self, id: &i64) -> bool {
        ticked(&self.raw.attendees, *id)
    }
}

/// The ids among a form's ticked values (what the form holds stays on it).
fn ids(values: &[String]) -> Vec<i64> {
    values.iter().filter_map(|v| v.trim().parse().ok()).collect()
}

async fn form_page(
    state: &AppState,
    auth: &Auth,
    editing: Option<i64>,
    raw: RawActivity,
    studio: String,
    errors: FieldErrors,
) -> PageResult {
    let acts = state.store.activities();
    let studios = state.store.bodies().studios(&auth.caller).await?;
    let page = FormPage {
        layout: Layout::new(auth, state, ACTIVE),
        organisers: organiser_pairs(acts.recordable_organisers(&auth.caller).await?),
        kinds: ActivityKind::ALL,
        units: acts.unit_choices(&auth.caller, None, &ids(&raw.units)).await?,
        members: acts.member_choices(&auth.caller, None, &ids(&raw.attendees)).await?,
        party_groups: acts.party_group_choices(&auth.caller).await?,
        studios: studios.into_iter().map(|s| (s.id.to_string(), s.name)).collect(),
        studio,
        raw,
        errors,
        editing,
    };
    render_form(&page, !page.errors.is_empty())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    /// An organiser to start with (`apartment:3` from a talent apartment's page).
    organiser: Option<String>,
}

/// 记录活动: the form, its organiser the one asked for if the caller may record for it, else
/// the caller's first.
pub async fn new_form(State(state): State<AppState>, auth: Auth, Query(q): Query<NewQuery>) -> PageResult {
    auth.require(Action::RecordActivities)?;
    let organisers = state.store.activities().recordable_organisers(&auth.caller).await?;
    let asked = organisers.iter().find(|o| Some(o.value.as_str()) == q.organiser.as_deref());
    let first = asked.or(organisers.first()).cloned();
    let raw = RawActivity {
        organiser: first.map(|o| o.value).unwrap_or_default(),
        held_on: state.store.today().to_string(),
        ..Default::default()
    };
    form_page(&state, &auth, None, raw, String::new(), FieldErrors::new()).await
}

/// The activity as the form sends it (ticked units and members repeat their names).
pub(crate) fn raw_of(f: &Pairs) -> RawActivity {
    let all = |k: &str| f.all(k).into_iter().map(str::to_owned).collect();
    from_form!(
        f,
        RawActivity {
            organiser,
            kind,
            subject,
            held_on,
            place,
            units: all("units"),
            headcount,
            attendees: all("attendees"),
            minutes,
            party_group
        }
    )
}

pub async fn create(State(state): State<AppState>, auth: Auth, body: Unread) -> PageResult {
    saved(&state, &auth, None, body).await
}

/// 修改活动: the form with what is recorded (the organiser's side only).
pub async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::RecordActivities)?;
    let raw = state.store.activities().raw(&auth.caller, id).await?;
    let target = qunlian_domain::bodies::StudioTarget::Activity;
    let named = state.store.bodies().studio_named_by(&auth.caller, target, id).await?;
    let studio = named.map(|s| s.id.to_string()).unwrap_or_default();
    form_page(&state, &auth, Some(id), raw, studio, FieldErrors::new()).await
}

pub async fn update(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, body: Unread) -> PageResult {
    saved(&state, &auth, Some(id), body).await
}

/// Records a new activity or rewrites one; a refusal shows the form again with what was typed.
async fn saved(state: &AppState, auth: &Auth, editing: Option<i64>, body: Unread) -> PageResult {
    auth.require(Action::RecordActivities)?;
    let pairs = Pairs(body.form().await?);
    let raw = raw_of(&pairs);
    // The studio it names (bodies), checked before the activity is recorded.
    let studio = pairs.get("studio").trim().to_owned();
    let studio_id = match state.store.bodies().chosen_studio(&auth.caller, &studio).await {
        Ok(s) => s,
        Err(qunlian_store::StoreError::Invalid { field, message }) => {
            let mut errors = FieldErrors::new();
            errors.push("studio", format!("{field}：{message}"));
            return form_page(state, auth, editing, raw, studio, errors).await;
        }
        Err(e) => return Err(e.into()),
    };
    let fields = match ActivityFields::parse(&raw) {
        Ok(f) => f,
        Err(errors) => return form_page(state, auth, editing, raw, studio, errors).await,
    };
    let acts = state.store.activities();
    let done = match editing {
        Some(id) => acts.update(&auth.caller, id, fields).await.map(|_| id),
        None => acts.record(&auth.caller, fields, false).await,
    };
    match done {
        Ok(id) => {
            // A new activity names a studio only when one is chosen; an edit may also clear it.
            if editing.is_some() || studio_id.is_some() {
                let target = qunlian_domain::bodies::StudioTarget::Activity;
                state.store.bodies().name_studio(&auth.caller, target, id, studio_id, false).await?;
            }
            Ok(Redirect::to(&format!("/activities/{id}")).into_response())
        }
        Err(qunlian_store::StoreError::Invalid { field, message }) => {
            let key = match field {
                "活动日期" => "held_on",
                "参加单位" => "units",
                "参加党员" => "attendees",
                "党小组" => "party_group",
                _ => "organiser",
            };
            let mut errors = FieldErrors::new();
            errors.push(key, format!("{field}：{message}"));
            form_page(state, auth, editing, raw, studio, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn detail(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ReadActivities)?;
    let raw = RawRaisedIssue {
        valid_until: (state.store.today() + chrono::Duration::days(90)).to_string(),
        ..Default::default()
    };
    super::issues::detail_page(&state, &auth, id, raw, FieldErrors::new(), String::new()).await
}
