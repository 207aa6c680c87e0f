//! Rounds (申报批次): the index of rounds, a round's page with its calendar, lists, rubric
//! and the applications the caller may see, and the officer's form to open or edit one.

use askama::Template;
use axum::extract::{Path, State};
use qunlian_domain::projects::{self as rules, ApplicantKind, RoundDates};
use qunlian_store::projects::{ApplicationRow, NewRound, Round};

use super::*;
use crate::auth::Layout;
use crate::error::PageResult;
use crate::support::forms::{Pairs, from_form, parse_date};
use crate::support::{render, render_form, saved_or_again};

#[derive(Template)]
#[template(path = "projects/index.html")]
struct IndexPage {
    layout: Layout,
    rounds: Vec<Round>,
    may_manage: bool,
    may_apply: bool,
    is_reviewer: bool,
}

/// Every round, the latest first, with what the caller may do in each.
pub async fn index(State(state): State<AppState>, auth: Auth) -> PageResult {
    if !reads(&auth) {
        return Err(WebError::Forbidden);
    }
    let rounds = state.store.projects().rounds(&auth.caller).await?;
    render(&IndexPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        rounds,
        may_manage: auth.caller.may(Action::ManageProjects),
        may_apply: auth.caller.may(Action::ApplyProjects),
        is_reviewer: auth.caller.may(Action::ReviewProjects),
    })
}

/// The round form's fields as typed, to show again after a refusal.
pub struct RoundDraft {
    pub year: String,
    pub name: String,
    pub two_stage: bool,
    pub dates: [(&'static str, &'static str, String); 6],
    pub subjects: String,
    pub directions: String,
    pub carrier_kinds: String,
    pub eligible: Vec<(&'static str, &'static str, bool)>,
    pub quota_per_side: String,
    pub reviewer_cap: String,
}

const DATE_FIELDS: [(&str, &str); 6] = [
    ("filing_opens", "申报开始日期"),
    ("filing_closes", "申报截止日期"),
    ("recommend_closes", "集群推荐截止日期"),
    ("review_closes", "评审截止日期"),
    ("publicity_closes", "公示截止日期"),
    ("objections_close", "异议截止日期"),
];

impl RoundDraft {
    fn of(r: &Round) -> RoundDraft {
        let d = r.dates;
        let values = [
            d.filing_opens,
            d.filing_closes,
            d.recommend_closes,
            d.review_closes,
            d.publicity_closes,
            d.objections_close,
        ];
        RoundDraft {
            year: r.year.to_string(),
            name: r.name.clone(),
            two_stage: r.two_stage,
            dates: std::array::from_fn(|i| (DATE_FIELDS[i].0, DATE_FIELDS[i].1, values[i].to_string())),
            subjects: r.subjects.join("\n"),
            directions: r.directions.join("\n"),
            carrier_kinds: r.carrier_kinds.join("\n"),
            eligible: ApplicantKind::ALL.iter().map(|k| (k.code(), k.label(), r.eligible.contains(k))).collect(),
            quota_per_side: r.quota_per_side.to_string(),
            reviewer_cap: r.reviewer_cap.to_string(),
        }
    }

    /// A new round: this year, the reports' lists, every kind of applicant, a calendar
    /// starting today.
    fn fresh(today: chrono::NaiveDate) -> RoundDraft {
        let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
        let offsets = [0, 30, 45, 75, 82, 89];
        RoundDraft {
            year: chrono::Datelike::year(&today).to_string(),
            name: format!("{}年度深度融合项目", chrono::Datelike::year(&today)),
            two_stage: false,
            dates: std::array::from_fn(|i| (DATE_FIELDS[i].0, DATE_FIELDS[i].1, day(offsets[i]))),
            subjects: rules::DEFAULT_SUBJECTS.join("\n"),
            directions: rules::DEFAULT_DIRECTIONS.join("\n"),
            carrier_kinds: rules::DEFAULT_CARRIERS.join("\n"),
            eligible: ApplicantKind::ALL.iter().map(|k| (k.code(), k.label(), true)).collect(),
            quota_per_side: "1".into(),
            reviewer_cap: "20".into(),
        }
    }

    fn from_form(f: &Pairs) -> RoundDraft {
        let chosen = f.all("eligible");
        from_form!(
            f,
            RoundDraft {
                year,
                name,
                two_stage: f.checked("two_stage"),
                dates: std::array::from_fn(|i| (DATE_FIELDS[i].0, DATE_FIELDS[i].1, f.get(DATE_FIELDS[i].0).into())),
                subjects,
                directions,
                carrier_kinds,
                eligible: ApplicantKind::ALL
                    .iter()
                    .map(|k| (k.code(), k.label(), chosen.contains(&k.code())))
                    .collect(),
                quota_per_side,
                reviewer_cap
            }
        )
    }

    /// The round as the store takes it, or the first wrong field in Chinese.
    fn to_new(&self, rubric: rules::Rubric) -> Result<NewRound, WebError> {
        let number = |field: &str, v: &str| {
            v.trim().parse::<i64>().map_err(|_| WebError::Invalid(format!("{field}：“{v}”不是整数")))
        };
        let mut dates = Vec::with_capacity(6);
        for (key, label, v) in &self.dates {
            let _ = key;
            dates.push(
                parse_date(label, &Some(v.clone()))?.ok_or_else(|| WebError::Invalid(format!("{label}：不能为空")))?,
            );
        }
        let list = |field: &'static str, v: &str| {
            rules::parse_list(field, v).map_err(|e| WebError::Invalid(format!("{field}：{}", e.message)))
        };
        let kinds = self
            .eligible
            .iter()
            .filter(|(_, _, on)| *on)
            .filter_map(|(code, _, _)| ApplicantKind::from_code(code).ok())
            .collect();
        Ok(NewRound {
            year: i32::try_from(number("年度", &self.year)?).map_err(|_| WebError::Invalid("年度：超出范围".into()))?,
            name: self.name.clone(),
            two_stage: self.two_stage,
            dates: RoundDates {
                filing_opens: dates[0],
                filing_closes: dates[1],
                recommend_closes: dates[2],
                review_closes: dates[3],
                publicity_closes: dates[4],
                objections_close: dates[5],
            },
            subjects: list("重点主体", &self.subjects)?,
            directions: list("创新方向", &self.directions)?,
            carrier_kinds: list("工作载体", &self.carrier_kinds)?,
            eligible: kinds,
            quota_per_side: u8::try_from(number("每部门评审专家数", &self.quota_per_side)?)
                .map_err(|_| WebError::Invalid("每部门评审专家数：应为 1–5".into()))?,
            reviewer_cap: u16::try_from(number("每位专家评审上限", &self.reviewer_cap)?)
                .map_err(|_| WebError::Invalid("每位专家评审上限：超出范围".into()))?,
            rubric,
            is_demo: false,
        })
    }
}

#[derive(Template)]
#[template(path = "projects/round_form.html")]
struct FormPage {
    layout: Layout,
    /// None for a new round.
    id: Option<i64>,
    draft: RoundDraft,
    error: Option<String>,
}

/// The round form, blank, filled or shown again with its refusal (422).
fn form(state: &AppState, auth: &Auth, id: Option<i64>, draft: RoundDraft, error: Option<String>) -> PageResult {
    let refused = error.is_some();
    render_form(&FormPage { layout: Layout::new(auth, state, ACTIVE), id, draft, error }, refused)
}

pub async fn new_form(State(state): State<AppState>, auth: Auth) -> PageResult {
    auth.require(Action::ManageProjects)?;
    form(&state, &auth, None, RoundDraft::fresh(state.store.today()), None)
}

pub async fn create(State(state): State<AppState>, auth: Auth, f: Pairs) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let draft = RoundDraft::from_form(&f);
    let saved = async {
        let id = state.store.projects().create_round(&auth.caller, draft.to_new(rules::default_rubric())?).await?;
        Ok(format!("/projects/rounds/{id}"))
    }
    .await;
    saved_or_again(saved, |m| async move { form(&state, &auth, None, draft, Some(m)) }).await
}

pub async fn edit_form(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let r = state.store.projects().round(&auth.caller, id).await?;
    form(&state, &auth, Some(id), RoundDraft::of(&r), None)
}

pub async fn update(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>, f: Pairs) -> PageResult {
    auth.require(Action::ManageProjects)?;
    let current = state.store.projects().round(&auth.caller, id).await?;
    let draft = RoundDraft::from_form(&f);
    let saved = async {
        state.store.projects().update_round(&auth.caller, id, draft.to_new(current.rubric)?).await?;
        Ok(format!("/projects/rounds/{id}"))
    }
    .await;
    saved_or_again(saved, |m| async move { form(&state, &auth, Some(id), draft, Some(m)) }).await
}

#[derive(Template)]
#[template(path = "projects/round.html")]
struct RoundPage {
    layout: Layout,
    nav: RoundNav,
    r: Round,
    dates: Vec<(&'static str, String)>,
    rows: Vec<ApplicationRow>,
    reads_applications: bool,
    may_apply: bool,
}

/// A round: its calendar and phase, lists, eligibility, rubric, and the applications the
/// caller may see (a reviewer sees none here: his are in 我的评审).
pub async fn round(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> PageResult {
    if !reads(&auth) {
        return Err(WebError::Forbidden);
    }
    let r = state.store.projects().round(&auth.caller, id).await?;
    let reads_applications = auth.caller.may(Action::ReadProjects);
    let rows = if reads_applications {
        state.store.projects().applications(&auth.caller, id, None).await?
    } else {
        Vec::new()
    };
    let d = r.dates;
    let values =
        [d.filing_opens, d.filing_closes, d.recommend_closes, d.review_closes, d.publicity_closes, d.objections_close];
    render(&RoundPage {
        layout: Layout::new(&auth, &state, ACTIVE),
        nav: RoundNav::new(&auth, &r, "round"),
        dates: DATE_FIELDS.iter().zip(values).map(|((_, label), v)| (*label, v.to_string())).collect(),
        may_apply: auth.caller.may(Action::ApplyProjects) && r.phase.accepts_filing(),
        r,
        rows,
        reads_applications,
    })
}
