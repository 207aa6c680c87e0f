//! Demo integration projects from the reports' facts: the 昱章 branch's 安全级超速继电器
//! project led by its Party-member studio (filed 2019, in production 2020, market share up
//! 20 %), the 新桥 equipment cluster's 14 projects of 2021 in a decided round, and this
//! year's round under review by reviewers of 组织部, 经委 and 科委 with a conflict the
//! platform's own records show. Past rounds are written through the store at their own
//! dates (a store on a fixed clock), so every step passes the same rules as today's.
//! Every record is marked demo; the patent numbers are invented for the demo.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use qunlian_domain::auth::{Caller, ClusterId, OrgId, Role, Scope, UnitId, UserId};
use qunlian_domain::clock::FixedClock;
use qunlian_domain::projects::{
    self, ApplicationAction as A, Decision, RawOutcome, ReviewSide, RoundDates, SupportKind, Tier,
};
use qunlian_store::Store;
use qunlian_store::projects::{ApplicationInput, NewCarrier, NewRound};
use qunlian_store::services::NewServiceRequest;

use crate::AnyResult;

/// The Party members taking part in the 2021 projects, in turn (invented for the demo).
const PARTICIPANTS_2021: [&str; 4] = ["王建国、李红梅", "张伟、陈晓东、周婷", "刘洋、赵磊", "孙志强、吴敏、郑浩、何静"];

/// The reviewer logins, with their departments (the demo's department keys).
pub const REVIEWERS: [(&str, &str, ReviewSide, &str); 3] = [
    ("zuzhibu_ps", "区委组织部评审专家（演示）", ReviewSide::Organisation, "zuzhibu"),
    ("jingwei_ps", "区经委评审专家（演示）", ReviewSide::Economy, "jingwei"),
    ("kewei_ps", "区科委评审专家（演示）", ReviewSide::Science, "kewei"),
];

/// The store as it was at 10:00 Beijing time on `day`.
fn at(store: &Store, day: NaiveDate) -> Store {
    let t = Utc.from_utc_datetime(&day.and_hms_opt(2, 0, 0).unwrap_or_default());
    store.with_clock(Arc::new(FixedClock::new(t)))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_default()
}

fn acting(role: Role, scope: Scope) -> Caller {
    Caller { user_id: UserId(0), username: "demo".into(), role, scope, ip: None }
}

fn round(year: i32, name: &str, dates: RoundDates) -> NewRound {
    NewRound { is_demo: true, ..NewRound::standard(year, name, dates) }
}

/// A round whose filing opened on `opens`, with the usual spacing of its phases.
fn dates(opens: NaiveDate) -> RoundDates {
    RoundDates {
        filing_opens: opens,
        filing_closes: opens + Duration::days(30),
        recommend_closes: opens + Duration::days(45),
        review_closes: opens + Duration::days(75),
        publicity_closes: opens + Duration::days(85),
        objections_close: opens + Duration::days(92),
    }
}

/// The 14 projects the 新桥 equipment cluster filed in 2021: its members' lines of work as
/// the reports name them (deburring automation, a slim angle grinder, self-lubricating
/// bearings on excavators …), one project each, in the directions the cluster works in.
const XINQIAO_2021: [(&str, &str, &str); 14] = [
    ("sige-fluid", "阀体去毛刺自动化改造", "转型升级"),
    ("ruiqi", "细机身角磨机产品创新", "品牌塑造"),
    ("zirun-bearing", "大吨位挖机自润滑轴承配套", "成果转化"),
    ("longgong-excavator", "挖掘机动臂连接部件降本增效", "科技攻关"),
    ("kaile", "产业链上下游协同制造", "创新创业"),
    ("wanlai", "关键零部件国产化配套", "科技攻关"),
    ("juxiang", "精密加工工艺改进", "转型升级"),
    ("minolta-xq", "智能制造产线升级", "转型升级"),
    ("yuzhang-electric", "电气成套设备工匠培育", "人才培养"),
    ("longgong-excavator", "名师带徒技能人才培养", "人才培养"),
    ("sige-fluid", "流体控制阀门专利布局", "科技攻关"),
    ("ruiqi", "电动工具核心部件攻关", "科技攻关"),
    ("zirun-bearing", "自润滑材料成果转化", "成果转化"),
    ("kaile", "校企共建实训基地", "人才培养"),
];

pub async fn seed(
    store: &Store,
    units: &HashMap<String, UnitId>,
    cluster_ids: &HashMap<String, ClusterId>,
) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let Some(xq) = cluster_ids.get("xinqiao-equipment").copied() else { return Ok(()) };
    let Some(yuzhang) = units.get("yuzhang-electric").copied() else { return Ok(()) };
    let committee = store.registry().cluster(&sys, xq).await?.committee.map(|(id, _)| OrgId(id));
    let yz_org = store
        .registry()
        .org_tree(&sys, Some("昱章"), false)
        .await?
        .into_iter()
        .find(|o| o.unit_id == Some(yuzhang.0))
        .map(|o| o.id)
        .ok_or("demo: 昱章 has no Party branch")?;
    let branch = acting(Role::BranchSecretary, Scope::PartyOrg(yz_org));
    let cluster_sec = acting(Role::ClusterSecretary, Scope::Cluster(xq));

    // 2019: the relay project, led by the studio, decided 示范 and in implementation.
    let s19 = at(store, d("2019-03-05"));
    let r19 = s19
        .projects()
        .create_round(&sys, round(2019, "2019年度科技创新、党建创新深度融合项目", dates(d("2019-03-01"))))
        .await?;
    let relay = s19
        .projects()
        .create_application(
            &branch,
            ApplicationInput {
                round_id: r19,
                org_id: yz_org.0,
                title: "安全级超速继电器".into(),
                subject: projects::DEFAULT_SUBJECTS[0].into(),
                direction: "科技攻关".into(),
                new_carrier: Some(NewCarrier {
                    kind: "党员科技创新工作室".into(),
                    name: "崔建华党员创新研发工作室".into(),
                    lead_name: "崔建华".into(),
                }),
                summary: "由党员创新研发工作室牵头攻关安全级超速继电器，替代进口产品。".into(),
                support_asked: "首台套认定与市场推广".into(),
                lead_name: "崔建华".into(),
                participants: "崔建华".into(),
                units: vec![yuzhang.0],
                targets: vec![("市场占有率提升（%）".into(), 20.0)],
                is_demo: true,
                ..Default::default()
            },
        )
        .await?;
    s19.projects().act(&branch, relay, A::Submit, "", None).await?;
    s19.projects().act(&cluster_sec, relay, A::Recommend, "", Some(1)).await?;
    let review19 = at(store, d("2019-04-20"));
    review19.projects().act(&sys, relay, A::StartReview, "", None).await?;
    review19
        .projects()
        .act(&sys, relay, A::Decide(Decision::Award(Tier::Demonstration)), "打破国外厂商长期垄断", None)
        .await?;
    review19.projects().act(&sys, relay, A::StartImplementation, "", None).await?;
    // The patents' numbers and titles are invented for the demo (the reports name none).
    for (filed, year, share, patents, note) in [
        (
            "2020-03-20",
            "2019",
            "",
            "ZL201921234567.8 一种安全级超速继电器的检测装置 2019-11-26",
            "完成样机研制与型式试验。",
        ),
        (
            "2021-03-18",
            "2020",
            "20",
            "ZL202010456789.1 一种安全级超速继电器 2020-09-15\nZL202020987654.3 超速继电器散热外壳 2020-12-04",
            "2020年成果投产落地，相关产品市场占有率提升20%。",
        ),
    ] {
        let s = at(store, d(filed));
        let raw = RawOutcome {
            year: year.into(),
            patents: patents.into(),
            market_share: share.into(),
            members: "崔建华".into(),
            note: note.into(),
            ..Default::default()
        };
        let id = s.projects().file_outcome(&branch, relay, &raw, vec![], true).await?;
        at(store, d(filed) + Duration::days(10)).projects().check_outcome(&sys, id, true, "").await?;
    }
    at(store, d("2019-05-10"))
        .projects()
        .grant_support(&sys, relay, SupportKind::PartyResource, None, "集群党委搭桥对接上下游企业，推广攻关经验", true)
        .await?;

    // 2021: the cluster committee's 14 projects, decided.
    if let Some(committee) = committee {
        let s21 = at(store, d("2021-03-05"));
        let r21 = s21
            .projects()
            .create_round(&sys, round(2021, "2021年度长三角G60科创走廊产业集群深度融合项目", dates(d("2021-03-01"))))
            .await?;
        let mut ids = Vec::new();
        for (i, (unit, title, direction)) in XINQIAO_2021.iter().enumerate() {
            let Some(u) = units.get(*unit) else { continue };
            let id = s21
                .projects()
                .create_application(
                    &cluster_sec,
                    ApplicationInput {
                        round_id: r21,
                        org_id: committee.0,
                        title: (*title).into(),
                        subject: projects::DEFAULT_SUBJECTS[i % 3].into(),
                        direction: (*direction).into(),
                        summary: format!("新桥现代装备产业集群党委组织申报：{title}。"),
                        lead_name: "集群党委".into(),
                        // Invented names: the reports give the projects, not their people.
                        participants: PARTICIPANTS_2021[i % PARTICIPANTS_2021.len()].into(),
                        units: vec![u.0],
                        is_demo: true,
                        ..Default::default()
                    },
                )
                .await?;
            s21.projects().act(&cluster_sec, id, A::Submit, "", None).await?;
            s21.projects().act(&cluster_sec, id, A::Recommend, "", Some(i as i32 + 1)).await?;
            ids.push(id);
        }
        let review21 = at(store, d("2021-04-20"));
        for (i, id) in ids.iter().enumerate() {
            let tier = match i {
                0..=1 => Tier::Demonstration,
                2..=5 => Tier::Excellent,
                _ => Tier::Selected,
            };
            review21.projects().act(&sys, *id, A::StartReview, "", None).await?;
            review21.projects().act(&sys, *id, A::Decide(Decision::Award(tier)), "", None).await?;
            review21.projects().act(&sys, *id, A::StartImplementation, "", None).await?;
        }
        // The two demonstration projects' first yearly reports, with a patent each (invented).
        for (id, patent) in ids.iter().zip([
            "ZL202120345678.2 一种去毛刺自动化工装 2021-10-12",
            "ZL202120876543.5 一种轻型角磨机传动结构 2021-11-30",
        ]) {
            let raw = RawOutcome {
                year: "2021".into(),
                patents: patent.into(),
                members: PARTICIPANTS_2021[0].into(),
                note: "按计划推进，首件专利获授权。".into(),
                ..Default::default()
            };
            let report =
                at(store, d("2022-03-15")).projects().file_outcome(&cluster_sec, *id, &raw, vec![], true).await?;
            at(store, d("2022-03-25")).projects().check_outcome(&sys, report, true, "").await?;
        }
    }

    // This year: a round under review with reviewers of the three departments.
    let today = store.today();
    let opens = today - Duration::days(50);
    let now_round = at(store, opens + Duration::days(3));
    let rnow = now_round
        .projects()
        .create_round(&sys, round(today.year(), &format!("{}年度深度融合项目", today.year()), dates(opens)))
        .await?;
    let mut current = Vec::new();
    for (unit, title, direction) in [
        ("yuzhang-electric", "安全级继电器智能产线", "转型升级"),
        ("sige-fluid", "阀门数字孪生检测", "科技攻关"),
        ("ruiqi", "无刷电动工具攻关", "科技攻关"),
    ] {
        let (Some(u), Some(committee)) = (units.get(unit), committee) else { continue };
        let id = now_round
            .projects()
            .create_application(
                &cluster_sec,
                ApplicationInput {
                    round_id: rnow,
                    org_id: committee.0,
                    title: title.into(),
                    subject: projects::DEFAULT_SUBJECTS[0].into(),
                    direction: direction.into(),
                    summary: format!("{title}：党员先锋带头攻坚。"),
                    lead_name: "集群党委".into(),
                    units: vec![u.0],
                    is_demo: true,
                    ..Default::default()
                },
            )
            .await?;
        now_round.projects().act(&cluster_sec, id, A::Submit, "", None).await?;
        now_round.projects().act(&cluster_sec, id, A::Recommend, "", Some(current.len() as i32 + 1)).await?;
        current.push(id);
    }
    for id in &current {
        store.projects().act(&sys, *id, A::StartReview, "", None).await?;
    }
    let mut jingwei_reviewer = None;
    for (username, name, side, dept) in REVIEWERS {
        let user = crate::demo::demo_user(store, username, name, Role::Reviewer, Scope::Nothing).await?;
        let id = store.projects().add_reviewer(&sys, rnow, user.0, side, units.get(dept).map(|u| u.0)).await?;
        if side == ReviewSide::Economy {
            jingwei_reviewer = Some(id);
        }
    }
    // The conflict the platform's data shows: 区经委 is handling a live request of 昱章.
    if let (Some(reviewer), Some(first), Some(jw)) = (jingwei_reviewer, current.first(), units.get("jingwei"))
        && store.projects().conflicts(&sys, *first, reviewer).await?.is_empty()
        && let Some(item) = store.services().items(&sys).await?.into_iter().find(|i| i.department_id == jw.0)
    {
        let req = NewServiceRequest {
            item_id: item.id,
            unit: yuzhang,
            title: "安全级继电器智能产线技改备案".into(),
            detail: String::new(),
            is_demo: true,
        };
        store.services().file_request(&sys, req).await?;
    }
    store.projects().assign_automatically(&sys, rnow).await?;
    Ok(())
}
