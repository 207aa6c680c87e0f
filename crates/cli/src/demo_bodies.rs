//! The demo's working bodies (issue #14), from the reports' facts: the 新桥 town committee's
//! list of powers for the equipment cluster committee (人才服务, 建议咨询, 监督评价; 2019),
//! a few logged uses; the 同心园 alliance of 新桥's 综合党委 with the 16 departments and its
//! service list — every item of the demo catalogue (47 items of 16 departments, the size of
//! the reported list) linked —, its meetings (the August visits after which 6 upstream and
//! downstream firms were introduced; the yearly service meeting of the cluster's 28 branches)
//! and an issue log, some issues solved. Where the reports give no date, number or wording
//! (document numbers, days, the issues themselves), the demo invents them and says so in the
//! record. Every record is marked demo.

use std::collections::HashMap;

use chrono::Duration;
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope, UnitId, UserId};
use qunlian_domain::bodies::{
    DecisionFields, GrantFields, IssueFields, MeetingFields, MeetingKind, RawGrant, RawUse, UseFields,
};
use qunlian_store::Store;
use qunlian_store::bodies::IssueStep;

use crate::AnyResult;

/// The powers of the 新桥 list: scope, what the committee may do (wording the demo's).
const POWERS: [(&str, &str); 3] = [
    ("人才服务", "对集群企业申报各级人才项目、人才公寓出具集群党委推荐意见（演示表述）"),
    ("建议咨询", "就镇域产业规划、营商环境政策向镇党委政府提出建议（演示表述）"),
    ("监督评价", "参与对集群成员企业和涉企服务部门的评价（演示表述）"),
];

pub async fn seed(store: &Store, cluster_ids: &HashMap<String, ClusterId>) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let Some(&cluster) = cluster_ids.get("xinqiao-equipment") else { return Ok(()) };
    let b = store.bodies();

    // 赋权清单: the 新桥 town committee's three powers of 2019 (day and number invented).
    let scopes: HashMap<String, i64> = b.scopes(&sys).await?.into_iter().map(|s| (s.name, s.id)).collect();
    let mut powers = Vec::new();
    for (scope, content) in POWERS {
        let raw = RawGrant {
            scope: scopes.get(scope).map(|i| i.to_string()).unwrap_or_default(),
            granted_by: "中共上海市松江区新桥镇委员会、新桥镇人民政府".into(),
            document_no: "《关于赋权新桥现代装备产业集群党委的清单》（文号为演示）".into(),
            granted_on: "2019-07-01".into(),
            content: content.into(),
        };
        powers.push(b.grant(&sys, cluster.0, GrantFields::parse(&raw)?, true).await?);
    }
    let members: Vec<(i64, String)> =
        store.registry().cluster(&sys, cluster).await?.members.into_iter().map(|m| (m.unit_id, m.name)).collect();
    let secretary = Caller {
        user_id: UserId(0),
        username: "新桥现代装备产业集群党委（演示）".into(),
        role: Role::ClusterSecretary,
        scope: Scope::Cluster(cluster),
        ip: None,
    };
    let firm = |i: usize| members.get(i % members.len().max(1)).map(|m| m.1.clone()).unwrap_or_default();
    for (power, on, matter, concerned, outcome) in [
        (0, "2021-04-12", "镇级人才项目评选中出具集群党委推荐意见", firm(0), "推荐3人，入选2人（演示数据）"),
        (0, "2022-03-08", "人才公寓申请出具集群党委意见", firm(1), "同意推荐，已入住（演示数据）"),
        (
            1,
            "2021-09-15",
            "就集群企业用地需求向镇党委提出建议",
            "新桥镇人民政府".to_owned(),
            "纳入镇产业空间规划调整（演示数据）",
        ),
        (2, "2022-01-20", "对成员企业年度党建和发展情况作出评价", firm(2), "评为优秀（演示数据）"),
    ] {
        let raw = RawUse {
            power: powers[power].to_string(),
            used_on: on.into(),
            matter: matter.into(),
            concerned,
            outcome: outcome.into(),
        };
        b.log_use(&secretary, cluster.0, UseFields::parse(&raw)?, true).await?;
    }

    // 同心园: the 16 departments of the catalogue join 新桥's 综合党委 and some cluster firms.
    let Some(alliance) = store.registry().list_alliances(&sys).await?.into_iter().find(|a| a.name.contains("同心园"))
    else {
        return Ok(());
    };
    let items = store.services().items(&sys).await?;
    let mut departments: Vec<i64> = items.iter().map(|i| i.department_id).collect();
    departments.sort_unstable();
    departments.dedup();
    let firms: Vec<i64> = members.iter().take(6).map(|m| m.0).collect();
    let mut all: Vec<UnitId> = alliance.members.iter().map(|m| UnitId(m.0)).collect();
    all.extend(departments.iter().chain(&firms).map(|u| UnitId(*u)));
    store
        .registry()
        .update_alliance(&sys, alliance.id, &alliance.name, &alliance.description, alliance.established_on, &all)
        .await?;
    for i in &items {
        b.add_service(&sys, alliance.id, Some(i.id), "", true).await?;
    }

    // Meetings: the August visits' report (day invented) and the yearly service meeting.
    let zonghe = alliance
        .members
        .iter()
        .find(|m| m.1.contains("综合党委"))
        .or(alliance.members.first())
        .map(|m| m.0)
        .ok_or("同心园 has no members")?;
    let attend: Vec<i64> =
        std::iter::once(zonghe).chain(departments.iter().take(5).copied()).chain(firms.iter().copied()).collect();
    let august = b
        .record_meeting(
            &sys,
            alliance.id,
            MeetingFields {
                kind: MeetingKind::Joint,
                held_on: chrono::NaiveDate::from_ymd_opt(2021, 8, 30).ok_or("date")?,
                subject: "8月走访调研情况通报与上下游需求对接".into(),
                summary: "走访集群企业，掌握主营产品和上下游需求；已为6家上下游企业牵线（日期为演示）。".into(),
                attendees: attend.clone(),
            },
            true,
        )
        .await?;
    let decision = |content: &str, owner: i64, due: Option<chrono::NaiveDate>| DecisionFields {
        content: content.into(),
        owner_id: owner,
        due_on: due,
    };
    let d1 = b
        .add_decision(
            &sys,
            alliance.id,
            august,
            decision("汇总集群企业上下游产品需求清单", zonghe, chrono::NaiveDate::from_ymd_opt(2021, 9, 30)),
            true,
        )
        .await?;
    b.finish_decision(
        &sys,
        alliance.id,
        d1,
        chrono::NaiveDate::from_ymd_opt(2021, 9, 24).ok_or("date")?,
        "清单已发集群企业（演示）",
    )
    .await?;
    let today = store.today();
    let yearly = b
        .record_meeting(
            &sys,
            alliance.id,
            MeetingFields {
                kind: MeetingKind::CoBuild,
                held_on: today - Duration::days(30),
                subject: "年度要素对接服务会：集群企业党支部与各部门“店小二”".into(),
                summary: "集群28家企业党支部和联盟各部门“店小二”参加（日期为演示）。".into(),
                attendees: attend,
            },
            true,
        )
        .await?;
    let owner = departments.first().copied().unwrap_or(zonghe);
    b.add_decision(
        &sys,
        alliance.id,
        yearly,
        decision("各部门“店小二”一对一联系集群企业", owner, Some(today + Duration::days(30))),
        true,
    )
    .await?;

    // 问题协商: issues invented for the demo (the reports name none), some solved.
    let dept = |i: usize| departments.get(i % departments.len().max(1)).copied();
    let raiser = |i: usize| firms.get(i % firms.len().max(1)).copied().unwrap_or(zonghe);
    for (i, (title, raised, owner, solved, answer)) in [
        ("员工子女就近入学", 60, dept(2), Some(52), "协调学位，已安排入学（演示）"),
        ("新厂房消防验收排期", 45, dept(9), Some(40), "开辟绿色通道，已完成验收（演示）"),
        ("高新技术企业认定材料辅导", 30, dept(1), Some(18), "组织专场辅导，材料已报送（演示）"),
        ("技能人才落户政策咨询", 20, dept(2), None, ""),
        ("厂区周边道路货车通行", 12, dept(8), None, ""),
        ("跨区供应商资质互认", 5, None, None, ""),
    ]
    .into_iter()
    .enumerate()
    {
        let fields = IssueFields {
            title: title.into(),
            detail: "演示数据：问题为虚构".into(),
            raised_by: raiser(i),
            raised_on: today - Duration::days(raised),
            owner,
            due_on: Some(today - Duration::days(raised) + Duration::days(20)),
        };
        let id = b.raise_issue(&sys, alliance.id, fields, true).await?;
        if let Some(days_ago) = solved {
            let step = IssueStep::Resolve { answer: answer.into(), on: Some(today - Duration::days(days_ago)) };
            b.act_on_issue(&sys, alliance.id, id, step).await?;
        }
    }
    Ok(())
}
