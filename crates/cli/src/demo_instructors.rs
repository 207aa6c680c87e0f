//! Demo instructors (党建指导员) and Party groups (党小组), all marked demo. Three
//! instructors with invented names, sent by the 新桥 town committee and the district
//! organisation department, guide the 新桥 equipment cluster, branches of its member firms
//! and one firm, each with last year's assessment. The demo branch (`zhibu`) has two Party
//! groups from its roster; the first held its 党小组会 this month and last, the second only
//! last month, so the 三会一课 reminders name the second.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate};
use qunlian_domain::RegionCode;
use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
use qunlian_domain::auth::{Caller, ClusterId, OrgId};
use qunlian_domain::people::groups::GroupFields;
use qunlian_domain::people::instructors::{
    AssessmentFields, AssignmentFields, Guided, InstructorFields, InstructorRating,
};
use qunlian_store::Store;

use crate::AnyResult;

/// (name, sent by, from the district rather than the town, qualifications, duties, rating).
const INSTRUCTORS: &[(&str, &str, bool, &str, &str, InstructorRating)] = &[
    (
        "陈立群",
        "新桥镇党委（演示）",
        false,
        "退休党务干部，党建指导员培训合格（演示）",
        "指导集群党委规范组织生活、发展党员",
        InstructorRating::Excellent,
    ),
    (
        "杨慧敏",
        "新桥镇党委（演示）",
        false,
        "镇党建办专职组织员（演示）",
        "指导企业党支部三会一课和党小组建设",
        InstructorRating::Competent,
    ),
    (
        "吴建国",
        "松江区委组织部（演示）",
        true,
        "区两新组织党建指导员（演示）",
        "指导尚未建立党组织的企业开展党的工作",
        InstructorRating::Competent,
    ),
];

/// The branches of the cluster's firms each instructor guides besides the cluster.
const GUIDED_ORGS: &[(&str, &[&str])] = &[
    ("陈立群", &[crate::demo_people::BRANCH]),
    ("杨慧敏", &["龙工（上海）挖掘机制造有限公司党支部", "锐奇控股股份有限公司党支部"]),
    ("吴建国", &["世格流体控制（上海）有限公司党支部"]),
];

pub async fn seed(store: &Store, cluster_ids: &HashMap<String, ClusterId>, branch: OrgId) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let today = store.today();
    let district = RegionCode::parse("310117").map_err(|e| e.to_string())?;
    let xinqiao = district.find_child_by_name("新桥").ok_or("no 新桥 in the region codes")?;
    let since = NaiveDate::from_ymd_opt(today.year() - 1, 3, 1).unwrap_or(today);
    let people = store.people();
    let mut ids = HashMap::new();
    for (name, source, from_district, qualifications, duties, rating) in INSTRUCTORS {
        let f = InstructorFields {
            name: (*name).to_owned(),
            source: (*source).to_owned(),
            area: if *from_district { district } else { xinqiao },
            qualifications: (*qualifications).to_owned(),
            duties: (*duties).to_owned(),
        };
        let id = people.add_instructor(&sys, f, true).await?;
        let assessed = AssessmentFields {
            period: (today.year() - 1).to_string(),
            rating: *rating,
            note: "按年度考核办法评定（演示）".to_owned(),
        };
        people.assess_instructor(&sys, id, assessed, true).await?;
        ids.insert(*name, id);
    }
    let on = |guided| AssignmentFields { guided, since };
    if let (Some(&cluster), Some(&chen)) = (cluster_ids.get("xinqiao-equipment"), ids.get("陈立群")) {
        people.assign_instructor(&sys, chen, on(Guided::Cluster(cluster.0)), true).await?;
    }
    for (name, orgs) in GUIDED_ORGS {
        let Some(&id) = ids.get(name) else { continue };
        for org in *orgs {
            let Some(o) = store.registry().org_tree(&sys, Some(org), false).await?.into_iter().find(|o| o.name == *org)
            else {
                continue;
            };
            people.assign_instructor(&sys, id, on(Guided::Org(o.id.0)), true).await?;
            // 吴建国 guides the firm itself too (its enterprise page lists him).
            if *name == "吴建国"
                && let Some(unit) = o.unit_id
            {
                people.assign_instructor(&sys, id, on(Guided::Unit(unit)), true).await?;
            }
        }
    }
    groups(store, &sys, branch, today).await
}

/// Two Party groups of the demo branch, from its roster, and their 党小组会.
async fn groups(store: &Store, sys: &Caller, branch: OrgId, today: NaiveDate) -> AnyResult<()> {
    let people = store.people();
    let members = people.branch_members(sys, branch.0).await?;
    let half = members.len() / 2;
    if half == 0 {
        return Ok(());
    }
    let ids = |part: &[(i64, String)]| part.iter().map(|m| m.0).collect::<Vec<_>>();
    let (first, second) = members.split_at(half);
    let g1 = GroupFields { name: "第一党小组".into(), leader: first.first().map(|m| m.0), members: ids(first) };
    let g2 = GroupFields { name: "第二党小组".into(), leader: second.first().map(|m| m.0), members: ids(second) };
    let g1 = people.create_party_group(sys, branch.0, g1, true).await?;
    let g2 = people.create_party_group(sys, branch.0, g2, true).await?;
    let this_month = today.with_day(1).unwrap_or(today);
    let last_month = this_month - Days::new(10);
    for (group, on, n) in [(g1, last_month, first.len()), (g2, last_month, second.len()), (g1, this_month, first.len())]
    {
        let meeting = ActivityFields {
            organiser: Organiser { kind: OrganiserKind::Org, id: branch.0 },
            kind: ActivityKind::GroupMeeting,
            subject: "学习讨论、交流思想（演示）".into(),
            held_on: on,
            place: "公司党员活动室（演示）".into(),
            units: vec![],
            attendance: Attendance::Headcount(u32::try_from(n).unwrap_or(1).max(1)),
            minutes: "党小组会（演示记录）：学习近期文件，交流岗位工作情况。".into(),
            party_group: Some(group),
        };
        store.activities().record(sys, meeting, true).await?;
    }
    Ok(())
}
