//! Demo activities (issue #13) of the past year in the 新桥 equipment cluster, from the
//! reports' kinds of work: a seminar series of the cluster committee (产业链座谈), a mutual
//! visit between member firms, and a 要素对接会 whose needs became listings in one step; and
//! the 三会一课 of the demo branch secretary's branch, with this month's 支部委员会 and this
//! quarter's 党课 not yet held, so its exceptions page has something to say. Subjects, days
//! and headcounts are the demo's own; every record is marked demo.

use std::collections::HashMap;

use chrono::{Days, Months, NaiveDate};
use qunlian_domain::activities::{
    ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind, RaisedIssueFields, RawRaisedIssue,
};
use qunlian_domain::auth::{Caller, ClusterId, OrgId};
use qunlian_store::Store;

use crate::AnyResult;

const SEMINARS: [(u32, &str); 4] = [
    (11, "智能装备产业链上下游座谈会"),
    (8, "“专精特新”企业培育研讨会"),
    (5, "数字化车间建设经验交流座谈"),
    (2, "集群企业人才引育研讨会"),
];

fn activity(
    organiser: Organiser,
    kind: ActivityKind,
    subject: &str,
    on: NaiveDate,
    units: &[i64],
    n: u32,
) -> ActivityFields {
    ActivityFields {
        party_group: None,
        organiser,
        kind,
        subject: subject.into(),
        held_on: on,
        place: "新桥镇党群服务中心（演示）".into(),
        units: units.to_vec(),
        attendance: Attendance::Headcount(n),
        minutes: format!("{subject}（演示记录）：与会企业交流了各自的情况和需求，会后由集群党委跟进。"),
    }
}

pub async fn seed(store: &Store, cluster_ids: &HashMap<String, ClusterId>, branch: OrgId) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let today = store.today();
    let ago = |months: u32, day: u64| {
        today.checked_sub_months(Months::new(months)).unwrap_or(today).min(today) - Days::new(day % 20)
    };
    let acts = store.activities();
    if let Some(&cluster) = cluster_ids.get("xinqiao-equipment") {
        let members: Vec<i64> =
            store.registry().cluster(&sys, cluster).await?.members.into_iter().map(|m| m.unit_id).collect();
        let organiser = Organiser { kind: OrganiserKind::Cluster, id: cluster.0 };
        let some = |from: usize, n: usize| -> Vec<i64> {
            members.iter().cycle().skip(from).take(n.min(members.len())).copied().collect()
        };
        for (i, (months, subject)) in SEMINARS.into_iter().enumerate() {
            let f = activity(
                organiser,
                ActivityKind::Seminar,
                subject,
                ago(months, i as u64 * 3),
                &some(i * 3, 6),
                22 + i as u32 * 4,
            );
            acts.record(&sys, f, true).await?;
        }
        let visit = activity(
            organiser,
            ActivityKind::MutualVisit,
            "走进链主企业：生产线与党建阵地互访",
            ago(6, 5),
            &some(1, 4),
            18,
        );
        acts.record(&sys, visit, true).await?;
        let units = some(0, 8);
        let meeting =
            activity(organiser, ActivityKind::Matching, "集群要素对接会（产能与配套）", ago(3, 9), &units, 46);
        let id = acts.record(&sys, meeting, true).await?;
        let valid = (today + Days::new(120)).to_string();
        for (k, (title, category)) in
            [("寻找精密零部件加工协作单位", "产能"), ("急需电气装配技术工人", "人才")].into_iter().enumerate()
        {
            let Some(unit) = units.get(k * 2) else { continue };
            let raw = RawRaisedIssue {
                target: "listing".into(),
                unit: unit.to_string(),
                title: title.into(),
                category: category.into(),
                valid_until: valid.clone(),
                ..Default::default()
            };
            let f = RaisedIssueFields::parse(&raw).map_err(|e| e.to_string())?;
            acts.raise_issue(&sys, id, f, true).await?;
        }
    }
    // The branch's 三会一课: committees monthly up to last month, assemblies quarterly, lectures
    // up to last quarter.
    let org = Organiser { kind: OrganiserKind::Org, id: branch.0 };
    for months in 1..=11u32 {
        let f = activity(org, ActivityKind::BranchCommittee, "支部委员会会议", ago(months, 2), &[], 5);
        acts.record(&sys, f, true).await?;
    }
    for months in [1u32, 4, 7, 10] {
        acts.record(&sys, activity(org, ActivityKind::BranchAssembly, "支部党员大会", ago(months, 6), &[], 14), true)
            .await?;
    }
    for months in [5u32, 8, 11] {
        acts.record(&sys, activity(org, ActivityKind::PartyLecture, "书记讲党课", ago(months, 8), &[], 15), true)
            .await?;
    }
    Ok(())
}
