//! Demo members (党员): every demo organisation that had a typed member figure gets that many
//! synthetic members, so its count is derived from the roster as in real use. Names and ID
//! numbers are synthetic (`qunlian_io::synth`: valid check characters, not real people), the
//! phones are left out, and every record is marked demo. They go in through the roster
//! import, the path a branch's own roster takes. Returns the organisation of the demo branch
//! secretary's login (上海昱章电气成套设备有限公司党支部, in the 新桥 equipment cluster).
//! Then a development pipeline in that cluster's branches (people at several stages, one due
//! for a step) and one transfer pending from 新桥 to 泗泾, all marked demo.

use chrono::{Datelike, Days, NaiveDate};
use qunlian_domain::auth::{Caller, OrgId};
use qunlian_domain::people::{Education, Gender, MemberCategory, MemberFields, OrgRef, Standing};
use qunlian_store::Store;
use qunlian_store::people::RosterRow;

use crate::AnyResult;

/// The organisation the demo branch secretary holds.
pub const BRANCH: &str = "上海昱章电气成套设备有限公司党支部";

const CATEGORIES: [MemberCategory; 6] = [
    MemberCategory::IndustrialWorker,
    MemberCategory::Professional,
    MemberCategory::HighKnowledge,
    MemberCategory::IndustrialWorker,
    MemberCategory::Manager,
    MemberCategory::YoungFarmer,
];
const EDUCATIONS: [Education; 5] =
    [Education::Bachelor, Education::College, Education::Postgraduate, Education::Secondary, Education::Bachelor];

/// The `i`th demo member of an organisation: born 1970 plus 9·i days, joined at 23 to 40,
/// one in twelve probationary (joined in the first half of this year).
fn demo_member(i: u64, org: &str, work_unit: &str, today: NaiveDate) -> MemberFields {
    let id = qunlian_io::synth::id_number(i * 9_000 + i % 1_000);
    let birth = id.birth_date();
    let probationary = i % 12 == 5;
    let joined = if probationary {
        NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today) + Days::new(i % 150)
    } else {
        let at = birth + Days::new(365 * (23 + i % 18) + i % 200);
        at.min(today - Days::new(400))
    };
    MemberFields {
        name: qunlian_io::synth::person_name(i),
        gender: Some(if id.is_male() { Gender::Male } else { Gender::Female }),
        birth_date: Some(birth),
        id_number: Some(id),
        phone: None,
        education: Some(EDUCATIONS[(i % 5) as usize]),
        category: CATEGORIES[(i % 6) as usize],
        joined_on: joined.min(today),
        standing: if probationary { Standing::Probationary } else { Standing::Full },
        org: OrgRef::Name(org.to_owned()),
        work_unit: Some(work_unit.to_owned()),
    }
}

/// Members for each (organisation, its unit, typed count); the branch secretary's org id.
pub async fn seed(store: &Store, sys: &Caller, orgs: &[(String, String, i32)]) -> AnyResult<Option<OrgId>> {
    let today = store.today();
    let mut rows = Vec::new();
    let mut n = 0u64;
    for (org, unit, count) in orgs {
        for _ in 0..*count {
            n += 1;
            rows.push(RosterRow { line: rows.len() + 2, fields: demo_member(n, org, unit, today) });
        }
    }
    let out = store.people().import_roster(sys, rows, "演示数据（合成党员名册）", Vec::new(), true).await?;
    if let Some(r) = out.rejects.first() {
        return Err(format!("demo roster: line {}: {}", r.line, r.reason).into());
    }
    let branch = store.registry().org_tree(sys, Some(BRANCH), false).await?.first().map(|o| o.id);
    pipeline(store, sys, today).await?;
    transfer(store, sys).await?;
    Ok(branch)
}

/// An organisation's id by its full name.
async fn org_id(store: &Store, sys: &Caller, name: &str) -> AnyResult<i64> {
    let found = store.registry().org_tree(sys, Some(name), false).await?;
    Ok(found.iter().find(|o| o.name == name).ok_or_else(|| format!("demo has no organisation {name}"))?.id.0)
}

/// People in the development pipeline of the 新桥 equipment cluster's branches, at several
/// stages, each step dated back from today so the time rules hold: (organisation, name,
/// days before today of the application, the steps after it as days after the application).
/// 昱章's 积极分子 of more than a year is due to become a 发展对象; the one in 龙工 is not yet.
const PIPELINE: &[(&str, &str, u64, &[u64])] = &[
    (BRANCH, "周晓岚", 18, &[]),
    (BRANCH, "陆振华", 430, &[20, 45, 50, 50, 200]),
    ("龙工（上海）挖掘机制造有限公司党支部", "钱立新", 150, &[15, 30, 35, 35, 100]),
    ("锐奇控股股份有限公司党支部", "顾嘉怡", 620, &[10, 40, 44, 45, 150, 420, 425, 430, 440, 460]),
    (
        "世格流体控制（上海）有限公司党支部",
        "沈浩",
        700,
        &[20, 60, 65, 70, 200, 430, 435, 440, 450, 460, 465, 470, 475, 480, 490, 500, 505, 510, 515, 520],
    ),
];

async fn pipeline(store: &Store, sys: &Caller, today: NaiveDate) -> AnyResult<()> {
    use qunlian_domain::people::development::current;
    use qunlian_domain::people::{ApplicantFields, StepFields};
    let steps = current();
    for (k, (org, name, ago, after)) in (0u64..).zip(PIPELINE) {
        let applied = today - Days::new(*ago);
        let f = ApplicantFields {
            name: (*name).to_owned(),
            category: MemberCategory::IndustrialWorker,
            org: OrgRef::Id(org_id(store, sys, org).await?),
            work_unit: Some(org.trim_end_matches("党支部").to_owned()),
            // Synthetic, born 1997, apart from the demo members' numbers; step 17 needs one.
            id_number: Some(qunlian_io::synth::id_number(10_000_500 + k)),
            applied_on: applied,
            doc_name: "入党申请书".to_owned(),
            doc_number: String::new(),
        };
        let id = store.people().enter(sys, f, true).await?;
        for (i, days) in after.iter().enumerate() {
            let step = steps.steps.get(i + 1).ok_or("demo pipeline longer than the steps")?;
            let f = StepFields {
                step,
                done_on: applied + Days::new(*days),
                doc_name: if step.filing { "备案报告".to_owned() } else { format!("{}记录", step.name) },
                doc_number: if step.filing {
                    format!("演示备〔{}〕{}号", applied.year(), step.number)
                } else {
                    String::new()
                },
                note: String::new(),
            };
            store.people().record_step(sys, id, f, true).await?;
        }
    }
    Ok(())
}

/// One transfer pending between two towns: a member of 昱章 (新桥) to 创远 (泗泾).
async fn transfer(store: &Store, sys: &Caller) -> AnyResult<()> {
    use qunlian_store::people::MemberFilter;
    let from = org_id(store, sys, BRANCH).await?;
    let to = org_id(store, sys, "上海创远仪器技术股份有限公司党支部").await?;
    let filter = MemberFilter { org: Some(from), ..Default::default() };
    let page = store.people().members(sys, &filter, qunlian_store::PageRequest::new(Some(1), Some(1))).await?;
    let m = page.items.first().ok_or("demo branch has no member to transfer")?;
    store.people().issue_transfer(sys, m.id, to, "工作调动至泗泾", true).await?;
    Ok(())
}
