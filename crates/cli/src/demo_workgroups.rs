//! The demo's project work group (issue #13): a 招商 project of 新桥镇 whose work group comes
//! from four units of the 新桥 equipment cluster, with a temporary branch under the cluster's
//! committee whose members come from two or three home organisations and keep their relation
//! there. Its planned end falls within the next 30 days of the demo's clock, so the 到期提醒
//! shows on the work group, the committee's page and the 新桥 admin's home page. The name and
//! the days are the demo's own, marked （演示）.

use std::collections::HashMap;

use chrono::Days;
use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Caller, ClusterId};
use qunlian_domain::workgroups::{WorkgroupFields, WorkgroupKind};
use qunlian_store::Store;
use qunlian_store::people::MemberFilter;

use crate::AnyResult;

pub async fn seed(store: &Store, cluster_ids: &HashMap<String, ClusterId>, district: RegionCode) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let Some(town) = district.find_child_by_name("新桥") else { return Ok(()) };
    let Some(&cluster) = cluster_ids.get("xinqiao-equipment") else { return Ok(()) };
    let detail = store.registry().cluster(&sys, cluster).await?;
    let Some((parent, _)) = detail.committee else { return Ok(()) };
    let units: Vec<i64> = detail.members.iter().map(|m| m.unit_id).take(4).collect();
    if units.len() < 2 {
        return Ok(());
    }
    // Two members from each of the first three organisations holding members.
    let roster = store
        .people()
        .members(&sys, &MemberFilter::default(), qunlian_store::PageRequest::new(None, Some(500)))
        .await?;
    let mut per_org: Vec<(i64, Vec<i64>)> = Vec::new();
    for m in roster.items {
        let full = per_org.len() >= 3;
        match per_org.iter_mut().find(|(o, _)| *o == m.org_id) {
            Some((_, ids)) if ids.len() < 2 => ids.push(m.id),
            Some(_) => {}
            None if !full => per_org.push((m.org_id, vec![m.id])),
            None => {}
        }
    }
    let members: Vec<i64> = per_org.into_iter().flat_map(|(_, ids)| ids).collect();
    if members.len() < qunlian_domain::workgroups::MIN_MEMBERS {
        return Ok(());
    }
    let today = store.today();
    let f = WorkgroupFields {
        name: "高端装备制造招商引资项目工作组（演示）".into(),
        kind: WorkgroupKind::Investment,
        town,
        cluster: Some(cluster.0),
        lead_unit: units[0],
        units,
        started_on: today - Days::new(150),
        planned_end_on: today + Days::new(18),
        description:
            "镇招商部门与集群链主企业、配套企业组成工作组，跟进一个高端装备制造项目的洽谈、签约和落地（演示）。".into(),
        parent_org: parent,
        branch_name: "高端装备制造招商项目临时党支部（演示）".into(),
        secretary: Some("周建国（演示）".into()),
        members,
    };
    store.workgroups().create(&sys, f, true).await?;
    Ok(())
}
