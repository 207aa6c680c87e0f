//! Integration projects (#12): a round of 1,000 applications, one branch each, reviewed by 50
//! reviewers from each of the three departments (cap 20, one per department per
//! application: 3,000 assignments). Timed: the automatic assignment (target ≤ 2 s) and,
//! after every sheet is submitted, the ranking page's store query (target p95 ≤ 100 ms) —
//! on SQLite, and on PostgreSQL when `BENCH_DATABASE_URL` is set. Every record is written
//! through the store, as the pages write it, at the round's dates (a store on a fixed clock).

use std::sync::Arc;
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Caller, OrgId, Role, Scope, UnitId};
use qunlian_domain::clock::FixedClock;
use qunlian_domain::projects::{self, ApplicationAction as A, ReviewSide, RoundDates, ScoreSheet};
use qunlian_domain::registry::{OrgForm, OrgKind};
use qunlian_store::Store;
use qunlian_store::accounts::NewUser;
use qunlian_store::projects::{ApplicationInput, NewRound};
use qunlian_store::registry::NewOrg;

use crate::{AnyResult, import, open, percentiles};

const APPLICATIONS: usize = 1_000;
const REVIEWERS_PER_SIDE: usize = 50;
const RANKING_RUNS: usize = 40;

fn day(s: &str) -> AnyResult<NaiveDate> {
    Ok(s.parse()?)
}

fn at(store: &Store, d: NaiveDate) -> Store {
    let t = Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap_or_default());
    store.with_clock(Arc::new(FixedClock::new(t)))
}

pub async fn run(scale: usize) -> AnyResult<()> {
    let district = RegionCode::parse("310117")?;
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("projects.csv");
    let n = (APPLICATIONS / scale).max(10);
    qunlian_io::synth::gen_enterprises(n as u64, 5, district, std::io::BufWriter::new(std::fs::File::create(&csv)?))?;
    let sqlite = open(&format!("sqlite://{}", dir.path().join("projects.sqlite").display())).await?;
    import(&sqlite, &csv, district).await?;
    bench("sqlite", &sqlite, n).await?;
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        let pg = open(&url).await?;
        import(&pg, &csv, district).await?;
        bench("postgres", &pg, n).await?;
    }
    Ok(())
}

async fn bench(label: &str, store: &Store, n: usize) -> AnyResult<()> {
    let sys = Caller::system("bench");
    let t = Instant::now();
    // One independent branch per enterprise.
    let units: Vec<UnitId> = crate::first_enterprises(store, n).await?.iter().map(|e| e.id).collect();
    let filing = at(store, day("2026-03-05")?);
    let round = filing
        .projects()
        .create_round(
            &sys,
            NewRound::standard(
                2026,
                "基准批次",
                RoundDates {
                    filing_opens: day("2026-03-01")?,
                    filing_closes: day("2026-03-31")?,
                    recommend_closes: day("2026-04-15")?,
                    review_closes: day("2026-05-15")?,
                    publicity_closes: day("2026-05-25")?,
                    objections_close: day("2026-05-31")?,
                },
            ),
        )
        .await?;
    let mut apps = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let org = store
            .registry()
            .create_org(
                &sys,
                NewOrg {
                    name: format!("基准企业党支部{i}"),
                    kind: OrgKind::Branch,
                    form: OrgForm::Independent,
                    parent: None,
                    units: vec![*u],
                    town_code: None,
                    secretary_name: None,
                    members_count: None,
                    established_on: day("2020-07-01")?,
                    is_demo: false,
                },
            )
            .await?;
        let branch = Caller { role: Role::BranchSecretary, scope: Scope::PartyOrg(OrgId(org.0)), ..sys.clone() };
        let p = filing.projects();
        let id = p
            .create_application(
                &branch,
                ApplicationInput {
                    round_id: round,
                    org_id: org.0,
                    title: format!("基准项目{i}"),
                    subject: projects::DEFAULT_SUBJECTS[i % 3].into(),
                    direction: projects::DEFAULT_DIRECTIONS[i % 6].into(),
                    summary: "基准".into(),
                    lead_name: "基准".into(),
                    participants: "甲、乙".into(),
                    targets: vec![("发明专利（件）".into(), 2.0)],
                    ..Default::default()
                },
            )
            .await?;
        p.act(&branch, id, A::Submit, "", None).await?;
        p.act(&sys, id, A::Recommend, "", Some(1)).await?;
        apps.push(id);
    }
    let review = at(store, day("2026-04-20")?);
    for id in &apps {
        review.projects().act(&sys, *id, A::StartReview, "", None).await?;
    }
    let mut reviewers = Vec::new();
    for side in [ReviewSide::Organisation, ReviewSide::Economy, ReviewSide::Science] {
        for i in 0..REVIEWERS_PER_SIDE.min(n / 5 + 1) {
            let username = format!("bench_{}_{i}", side.code());
            let user = store
                .accounts()
                .create_user(
                    &sys,
                    NewUser {
                        username: username.clone(),
                        display_name: username.clone(),
                        password: "Bench@2026pw".into(),
                        role: Role::Reviewer,
                        scope: Scope::Nothing,
                        must_change_password: false,
                    },
                )
                .await?;
            review.projects().add_reviewer(&sys, round, user.0, side, None).await?;
            reviewers.push((
                Caller { user_id: user, username, role: Role::Reviewer, scope: Scope::Nothing, ip: None },
                side,
            ));
        }
    }
    println!(
        "projects    {label}  setup: {n} applications, {} reviewers  {:.1} s",
        reviewers.len(),
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let proposal = review.projects().assign_automatically(&sys, round).await?;
    println!(
        "projects    {label}  automatic assignment: {} assignments  {:.3} s  shortfalls={}  [target ≤ 2 s]",
        proposal.added,
        t.elapsed().as_secs_f64(),
        proposal.shortfalls.len()
    );

    let scoring = at(store, day("2026-04-25")?);
    let mut seed = 7u64;
    for (reviewer, side) in &reviewers {
        for (app, _) in scoring.projects().my_reviews(reviewer).await? {
            let keys: &[&str] = match side {
                ReviewSide::Organisation => &["party_lead", "members_role"],
                ReviewSide::Economy => &["industry_value"],
                ReviewSide::Science => &["technology"],
            };
            let mut sheet = ScoreSheet::default();
            for k in keys {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                sheet.scores.insert((*k).to_owned(), 3 + (seed >> 60) as u8 % 8);
            }
            scoring.projects().save_sheet(reviewer, app.id, sheet, true).await?;
        }
    }
    let mut times = Vec::new();
    let mut rows = 0;
    for _ in 0..RANKING_RUNS {
        let t = Instant::now();
        rows = scoring.projects().ranking(&sys, round).await?.len();
        times.push(t.elapsed());
    }
    let (p50, p95, max) = percentiles(&mut times);
    println!(
        "projects    {label}  ranking of {rows} applications ({} sheets): p50 {p50:.1} ms  p95 {p95:.1} ms  max {max:.1} ms  [target p95 ≤ 100 ms]",
        proposal.added
    );
    Ok(())
}
