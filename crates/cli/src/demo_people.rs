//! Demo members (党员): every demo organisation that had a typed member figure gets that many
//! synthetic members, so its count is derived from the roster as in real use. Names and ID
//! numbers are synthetic (`qunlian_io::synth`: valid check characters, not real people), the
//! phones are left out, and every record is marked demo. They go in through the roster
//! import, the path a branch's own roster takes. Returns the organisation of the demo branch
//! secretary's login (上海昱章电气成套设备有限公司党支部, in the 新桥 equipment cluster).

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
    Ok(store.registry().org_tree(sys, Some(BRANCH), false).await?.first().map(|o| o.id))
}
