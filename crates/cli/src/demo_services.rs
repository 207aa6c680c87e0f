//! The demo's enterprise services (crates/cli/demo/services.json): a catalogue of 47 items
//! run by 16 Songjiang departments, as in Xinqiao's service list, and a few dozen requests of
//! the named demo enterprises filed over the past weeks, in every state and colour — the
//! full-process agency that took 58 working days to the land certificate and 3 more to the
//! permit among them. Requests and their steps go through the store's demo-only methods
//! that take explicit times; each time is counted in working days back from today, so the
//! colours hold whenever the demo is started.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime, TimeZone, Utc};
use qunlian_domain::auth::{Caller, UnitId};
use qunlian_domain::registry::{EnterpriseInput, UnitKind};
use qunlian_domain::services::{TimeLimit, add_working_minutes};
use qunlian_domain::{IndustryCode, RegionCode, Uscc};
use qunlian_store::Store;
use qunlian_store::services::{NewServiceItem, NewServiceRequest, RequestStep, local};
use serde::Deserialize;

use crate::AnyResult;

const SPEC: &str = include_str!("../demo/services.json");

#[derive(Deserialize)]
struct Spec {
    departments: Vec<Dept>,
    items: Vec<Item>,
    requests: Vec<Req>,
    contact_enterprise: String,
}

#[derive(Deserialize)]
struct Dept {
    key: String,
    name: String,
}

#[derive(Deserialize)]
struct Item {
    code: String,
    name: String,
    department: String,
    #[serde(default)]
    materials: Vec<String>,
    limit: String,
    #[serde(default)]
    stages: Vec<String>,
}

#[derive(Deserialize)]
struct Req {
    item: String,
    enterprise: String,
    title: String,
    #[serde(default)]
    detail: String,
    /// Working days before today it was filed, at 09:00.
    filed: u32,
    /// `[action, working days after filing, text]`; a transfer is
    /// `["transfer", at, department key, reason]`.
    #[serde(default)]
    steps: Vec<Vec<serde_json::Value>>,
    #[serde(default)]
    rating: Option<(i16, String)>,
}

/// What the demo accounts need: the 经委 officer's department and the contact's enterprise.
pub struct DemoServices {
    pub jingwei: UnitId,
    pub contact_enterprise: UnitId,
}

/// A stable, valid USCC for a department the registry part of the demo does not have.
fn dept_uscc(key: &str) -> Result<Uscc, String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut d = key.bytes().fold(1469598103934665603u64, |h, b| (h ^ u64::from(b)).wrapping_mul(1099511628211));
    let mut body = "11310117".to_owned();
    while body.len() < 17 {
        body.push(ALPHABET[(d % 31) as usize] as char);
        d /= 31;
    }
    Uscc::from_body(&body).map_err(|e| e.to_string())
}

pub async fn seed(store: &Store, district: RegionCode, units: &HashMap<String, UnitId>) -> AnyResult<DemoServices> {
    let spec: Spec = serde_json::from_str(SPEC)?;
    let sys = Caller::system("demo");
    let town =
        district.find_child_by_name("方松").or_else(|| district.children().next()).ok_or("district has no towns")?;

    // Departments: those the registry demo has, and the others created as demo units.
    let mut depts: HashMap<String, UnitId> = HashMap::new();
    for d in &spec.departments {
        let id = match units.get(&d.key) {
            Some(id) => *id,
            None => {
                let input = EnterpriseInput {
                    industry: IndustryCode::parse("S").ok(),
                    ..EnterpriseInput::new(d.name.clone(), dept_uscc(&d.key)?, town)
                };
                store.registry().create_unit(&sys, input, UnitKind::Government, true).await?
            }
        };
        depts.insert(d.key.clone(), id);
    }

    let mut items: HashMap<String, i64> = HashMap::new();
    for i in &spec.items {
        let department = depts.get(&i.department).ok_or_else(|| format!("demo item {}: no department", i.code))?;
        let limit = TimeLimit::parse(&i.limit).ok_or_else(|| format!("demo item {}: limit {}", i.code, i.limit))?;
        let id = store
            .services()
            .save_item(
                &sys,
                NewServiceItem {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    department_id: department.0,
                    materials: i.materials.clone(),
                    limit,
                    stages: i.stages.clone(),
                    is_demo: true,
                },
            )
            .await?;
        items.insert(i.code.clone(), id);
    }

    // Times: N working days before today at 09:00 Beijing time, and steps that many
    // working days (of seven office hours) after filing, never later than now.
    let cal = store.services().work_calendar().await?;
    let now = store.now();
    let today = local(now).date();
    let days_back = |n: u32| {
        let mut d = today;
        let mut left = n;
        while left > 0 {
            d -= Duration::days(1);
            if cal.is_working_day(d) {
                left -= 1;
            }
        }
        d
    };
    let utc = |t: NaiveDateTime| Utc.from_utc_datetime(&qunlian_domain::clock::from_beijing(t));
    let filer = Caller::system("企业联络员（演示）");
    for r in &spec.requests {
        let item = *items.get(&r.item).ok_or_else(|| format!("demo request {}: no item {}", r.title, r.item))?;
        let unit = *units.get(&r.enterprise).ok_or_else(|| format!("demo request {}: no enterprise", r.title))?;
        let filed_local = days_back(r.filed).and_hms_opt(9, 0, 0).ok_or("bad time")?;
        let id = store
            .services()
            .demo_file_request_at(
                &filer,
                NewServiceRequest {
                    item_id: item,
                    unit,
                    title: r.title.clone(),
                    detail: r.detail.clone(),
                    is_demo: true,
                },
                utc(filed_local),
            )
            .await?;
        let officer = r
            .steps
            .iter()
            .find(|s| s.first().and_then(|a| a.as_str()) == Some("assign"))
            .and_then(|s| s.get(2))
            .and_then(|v| v.as_str())
            .unwrap_or("店小二");
        let actor = Caller::system(&format!("{officer}（演示）"));
        for s in &r.steps {
            let action = s.first().and_then(|v| v.as_str()).unwrap_or("");
            let at = s.get(1).and_then(|v| v.as_f64()).unwrap_or(0.0);
            let text = s.get(2).and_then(|v| v.as_str()).unwrap_or("").to_owned();
            let step = match action {
                "assign" => RequestStep::Assign(text),
                "start" => RequestStep::StartStage(text),
                "finish_stage" => RequestStep::FinishStage(text),
                "pause" => RequestStep::Pause(text),
                "resume" => RequestStep::Resume(text),
                "comment" => RequestStep::Comment(text),
                "finish" => RequestStep::Finish(text),
                "reject" => RequestStep::Reject(text),
                "transfer" => RequestStep::Transfer {
                    department_id: depts.get(&text).ok_or_else(|| format!("demo transfer to {text}"))?.0,
                    reason: s.get(3).and_then(|v| v.as_str()).unwrap_or("").to_owned(),
                },
                other => return Err(format!("demo request {}: unknown step {other}", r.title).into()),
            };
            let when = utc(add_working_minutes(&cal, filed_local, (at * 420.0).round() as i64)).min(now);
            store.services().demo_step_at(&actor, id, step, when).await?;
        }
        if let Some((stars, comment)) = &r.rating {
            store.services().rate(id, &store.services().rating_token(id), *stars, comment).await?;
        }
    }

    Ok(DemoServices {
        jingwei: *depts.get("jingwei").ok_or("demo has no 经委")?,
        contact_enterprise: *units.get(&spec.contact_enterprise).ok_or("demo has no contact enterprise")?,
    })
}
