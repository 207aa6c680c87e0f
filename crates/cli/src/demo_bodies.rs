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
use qunlian_domain::RegionCode;
use qunlian_domain::activities::{ActivityFields, ActivityKind, Attendance, Organiser, OrganiserKind};
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope, UnitId, UserId};
use qunlian_domain::bodies::{
    ApartmentFields, AppointmentFields, CheckFields, Checker, CompletionFields, DecisionFields, GrantFields,
    HeadActionFields, HeadIdentity, HeadStep, IssueFields, MandatoryFields, MeetingFields, MeetingKind,
    NominationFields, PairingMode, RawGrant, RawMandatory, RawNomination, RawUse, SelectionFields, StudioFields,
    StudioTarget, TalentKind, UseFields,
};
use qunlian_domain::registry::{EnterpriseInput, UnitKind};
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

/// The villages of 朱泾镇 the demo registers: real village names of the town; every other
/// fact of the villages' records is the demo's.
const ZHUJING_VILLAGES: [&str; 6] = ["待泾村", "秀州村", "大茫村", "五龙村", "温河村", "慧农村"];

/// The mandatory actions: the report says there are five (五方面的“规定动作”) but does not
/// name them; these five and their days are the demo's.
const MANDATORY: [(&str, u32); 5] = [
    ("走访结对村，摸清村情和需求（演示拟定）", 30),
    ("与村“两委”共同制定结对帮扶计划（演示拟定）", 60),
    ("参加村党组织主题党日或联席会议（演示拟定）", 90),
    ("开展一次帮困助学或助销活动（演示拟定）", 180),
    ("年度向镇综合工作党委述职（演示拟定）", 365),
];

/// 朱泾镇's 名誉村主任 (2019: chosen from the town's 52 两新 Party organisations by the 五有
/// standard with the chamber, work list of five mandatory actions, tracked by the 综合工作党委),
/// and Songjiang's talent apartments with their Party service points (方松, 岳阳, 泗泾, 中山),
/// a talent selection with the Party organisations' opinions, a secretary studio. Persons,
/// enterprises of 朱泾, addresses, days and terms are invented (marked 演示); the terms start
/// 150 days before the demo is made, so some mandatory actions are due and one is overdue.
pub async fn seed_villages(store: &Store, district: RegionCode) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let b = store.bodies();
    let today = store.today();
    let zhujing = RegionCode::parse("310116101")?;
    let mut villages = Vec::new();
    for v in ZHUJING_VILLAGES {
        villages.push(b.add_village(&sys, &zhujing, v, true).await?);
    }
    for (name, days) in MANDATORY {
        let raw = RawMandatory { name: name.into(), due_days: days.to_string() };
        b.add_mandatory(&sys, &zhujing, MandatoryFields::parse(&raw)?, true).await?;
    }
    let mut firms = Vec::new();
    for (key, name) in [
        ("zj-food", "上海朱泾演示食品有限公司（演示）"),
        ("zj-machine", "上海朱泾演示机械有限公司（演示）"),
        ("zj-agri", "上海朱泾演示农业科技有限公司（演示）"),
    ] {
        let input = EnterpriseInput::new(name, crate::demo::demo_uscc("91", "310116", key)?, zhujing);
        firms.push(store.registry().create_unit(&sys, input, UnitKind::Enterprise, true).await?);
    }
    let items = b.check_items(&sys).await?;
    let start = today - Duration::days(150);
    let heads = [
        ("陈建华", HeadIdentity::Secretary, PairingMode::EnterpriseHelps, Some(0)),
        ("沈立群", HeadIdentity::Member, PairingMode::ProjectEnriches, Some(1)),
        ("顾晓东", HeadIdentity::Friend, PairingMode::IndustryLeads, None),
    ];
    for (i, (person, identity, pairing, village)) in heads.into_iter().enumerate() {
        let raw = RawNomination {
            person: person.into(),
            enterprise: firms[i].0.to_string(),
            identity: identity.code().into(),
            nominated_on: (start - Duration::days(20)).to_string(),
        };
        let head = b.nominate(&sys, NominationFields::parse(&raw)?, true).await?;
        // The third is still being checked: the chamber has not yet recorded its view.
        let checkers: &[Checker] = if village.is_some() { &Checker::ALL } else { &[Checker::Committee] };
        for (item, _) in &items {
            for checker in checkers {
                let check = CheckFields {
                    item_id: *item,
                    checker: *checker,
                    passed: true,
                    note: String::new(),
                    checked_on: start - Duration::days(10),
                };
                b.record_check(&sys, head, check, true).await?;
            }
        }
        let Some(v) = village else { continue };
        b.step_head(&sys, head, HeadStep::Qualify, None).await?;
        let appointment = AppointmentFields {
            village_id: villages[v],
            term_start: start,
            term_end: start + Duration::days(3 * 365),
            pairing,
        };
        b.step_head(&sys, head, HeadStep::Appoint, Some(appointment)).await?;
        let actions = b.head_actions(&sys, head).await?;
        // The first head did its first three; the second only its first: its second is overdue.
        let done = if v == 0 { 3 } else { 1 };
        for a in actions.iter().filter(|a| a.due_on < today).take(done) {
            let evidence = "走访记录、帮扶计划等材料已上传（演示数据）".to_owned();
            let f = CompletionFields { evidence, done_on: (a.due_on - Duration::days(3)).min(today) };
            b.complete_action(&sys, a.id, f).await?;
        }
        let chosen = HeadActionFields {
            title: "组织企业员工助销结对村农产品（演示数据）".into(),
            due_on: start + Duration::days(200),
        };
        b.add_chosen_action(&sys, head, chosen, true).await?;
    }
    seed_talent(store, district).await
}

/// The talent apartments of 方松, 岳阳, 泗泾 and 中山 with their service points (the report
/// names the four; the apartments' names, addresses and activities are the demo's), a
/// 领军人才 selection with the opinions asked, and the 王海云书记工作室 of the 佘山 cluster.
async fn seed_talent(store: &Store, district: RegionCode) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let b = store.bodies();
    for (place, road) in [("方松", "演示路1号"), ("岳阳", "演示路2号"), ("泗泾", "演示路3号"), ("中山", "演示路4号")]
    {
        let Some(town) = district.find_child_by_name(place) else { continue };
        let name = town.name().to_owned();
        let f = ApartmentFields {
            name: format!("{name}人才公寓（名称为演示）"),
            town,
            address: format!("{}{road}（地址为演示）", town.full_name()),
            managing_org: format!("{name}综合党委（演示）"),
            service_point: format!("{name}人才公寓党建服务站"),
        };
        let id = b.add_apartment(&sys, f, true).await?;
        let local = Caller { scope: Scope::Region(town), ..Caller::system("demo") };
        let residents: Vec<i64> =
            b.enterprise_choices(&local, None, &[]).await?.into_iter().take(2).map(|(u, _)| u).collect();
        for unit in &residents {
            b.add_resident(&sys, id, *unit).await?;
        }
        // Held at the service point: a record of the activities capability, the point its organiser.
        let activity = ActivityFields {
            party_group: None,
            organiser: Organiser { kind: OrganiserKind::Apartment, id },
            kind: ActivityKind::ThemeDay,
            subject: "青年人才“党建引领G60”分享会（演示数据）".into(),
            held_on: store.today() - Duration::days(40),
            place: format!("{name}人才公寓党建服务站"),
            units: residents,
            attendance: Attendance::Headcount(24),
            minutes: "入住企业青年人才参加（人数为演示）".into(),
        };
        store.activities().record(&sys, activity, true).await?;
    }
    if let Some(xinqiao) = district.find_child_by_name("新桥") {
        let local = Caller { scope: Scope::Region(xinqiao), ..Caller::system("demo") };
        let firm = b.enterprise_choices(&local, None, &[]).await?.into_iter().next();
        let orgs = b.org_choices(&local).await?;
        if let (Some((firm, _)), [first, second, ..]) = (firm, orgs.as_slice()) {
            let f = SelectionFields {
                kind: TalentKind::Leading,
                year: 2021,
                candidate: "周志远（演示）".into(),
                enterprise_id: firm,
            };
            let sel = b.open_selection(&sys, f, true).await?;
            let asked =
                b.ask_opinion(&sys, sel, first.0, chrono::NaiveDate::from_ymd_opt(2021, 3, 1).ok_or("date")?).await?;
            b.ask_opinion(&sys, sel, second.0, chrono::NaiveDate::from_ymd_opt(2021, 3, 1).ok_or("date")?).await?;
            let on = chrono::NaiveDate::from_ymd_opt(2021, 3, 8).ok_or("date")?;
            b.record_opinion(&sys, sel, asked, "政治表现良好，同意推荐（演示数据）".into(), on).await?;
            // The second organisation has not answered: the decision waits.
        }
    }
    if let Some(sheshan) = district.find_child_by_name("佘山") {
        let f = StudioFields {
            name: "王海云书记工作室".into(),
            org: "佘山智能制造产业集群党委".into(),
            lead: "王海云".into(),
        };
        let studio = b.add_studio(&sys, &sheshan, f, true).await?;
        // An activity of the 佘山 cluster held in the studio's name (invented), so its page lists one.
        let cluster = store.registry().list_clusters(&sys, Some("佘山智能制造")).await?.into_iter().next();
        if let Some(c) = cluster {
            let activity = ActivityFields {
                party_group: None,
                organiser: Organiser { kind: OrganiserKind::Cluster, id: c.id.0 },
                kind: ActivityKind::Seminar,
                subject: "书记工作室智能制造技术攻关座谈（演示数据）".into(),
                held_on: store.today() - Duration::days(25),
                place: "佘山镇（地点为演示）".into(),
                units: Vec::new(),
                attendance: Attendance::Headcount(15),
                minutes: String::new(),
            };
            let act = store.activities().record(&sys, activity, true).await?;
            b.name_studio(&sys, StudioTarget::Activity, act, Some(studio), true).await?;
        }
    }
    Ok(())
}
