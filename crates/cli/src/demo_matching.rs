//! Demo matchmaking (要素对接): offers and needs of the demo clusters' enterprises and
//! introductions in every state, from the facts of the source reports — the semiconductor
//! maker cut off from its deburring liquid and supplied 1.25 t by its cluster's head
//! enterprise, the excavator maker and the bearing maker (1.2 M yuan a year; lubrication
//! every 500 hours instead of daily), the robot deburring technology (+70 % per shift, four
//! workers to one, first-pass yield 90 % → 99 %), the 300 mm crystal growth system, and the
//! 2021 pairs of the Xinqiao cluster (开勒–万籁, 钜祥–美能达). Deal values the reports do
//! not give are marked as demo figures. Every listing and introduction is marked as demo.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope, UnitId, UserId};
use qunlian_domain::matching::{IntroductionState, ListingCategory, ListingFields, ListingKind, Reach, Urgency};
use qunlian_store::Store;
use qunlian_store::matching::{IntroductionStep, NewFollowUp, NewIntroduction};

use crate::AnyResult;

struct Spec {
    key: &'static str,
    unit: &'static str,
    kind: ListingKind,
    category: ListingCategory,
    title: &'static str,
    description: &'static str,
    quantity: Option<(f64, &'static str)>,
    urgency: Urgency,
    reach: Reach,
    /// Days ago it was published, and days it stays valid from today.
    age: i64,
    valid: i64,
}

const fn spec(
    key: &'static str,
    unit: &'static str,
    kind: ListingKind,
    category: ListingCategory,
    title: &'static str,
    description: &'static str,
) -> Spec {
    Spec {
        key,
        unit,
        kind,
        category,
        title,
        description,
        quantity: None,
        urgency: Urgency::Normal,
        reach: Reach::District,
        age: 10,
        valid: 120,
    }
}

fn specs() -> Vec<Spec> {
    use ListingCategory::*;
    use ListingKind::*;
    vec![
        // 集成电路产业集群: the lockdown supply cut and the head enterprise's answer.
        Spec {
            quantity: Some((1.25, "吨")),
            urgency: Urgency::Emergency,
            reach: Reach::Cluster,
            age: 40,
            ..spec(
                "nisi-deburr",
                "nisi-semi",
                Need,
                Material,
                "急需封装用去毛刺液",
                "疫情期间原供应商物流中断，封装产线去毛刺工序用液仅够数日，需尽快补货，数量约1.25吨。",
            )
        },
        Spec {
            age: 60,
            valid: 240,
            ..spec(
                "xinyang-deburr",
                "xinyang-semi",
                Offer,
                Material,
                "半导体封装去毛刺溶液",
                "自产电子化学品，可调配生产人员加急排产，支持小批量快速交付，集群内企业优先。",
            )
        },
        Spec {
            reach: Reach::Corridor,
            age: 25,
            valid: 365,
            ..spec(
                "chaogui-crystal",
                "chaogui",
                Offer,
                Equipment,
                "300毫米集成电路用晶体生长系统",
                "集群党员科技攻关团队研制的12英寸单晶硅晶体生长设备，打破国外垄断，可提供设备与工艺支持；450毫米系统在研。",
            )
        },
        // 新桥现代装备产业集群: bearings for the excavator maker, robot deburring, the 2021 pairs.
        Spec {
            age: 90,
            valid: 200,
            ..spec(
                "longgong-bearing",
                "longgong-excavator",
                Need,
                Product,
                "大吨位挖掘机动臂用自润滑轴承",
                "用于48.5吨、55吨挖掘机动臂根部及动臂与斗杆连接处，要求免日常加油、延长维护周期。",
            )
        },
        Spec {
            reach: Reach::Corridor,
            age: 120,
            valid: 300,
            ..spec(
                "zirun-bearing",
                "zirun-bearing",
                Offer,
                Product,
                "工程机械自润滑轴承",
                "重载摆动部位用自润滑轴承，加油周期可由每天一次延长至每500小时一次，适用于挖掘机动臂、斗杆等部位。",
            )
        },
        Spec {
            age: 30,
            valid: 300,
            ..spec(
                "sige-robot",
                "sige-fluid",
                Offer,
                Technology,
                "机器人去毛刺自动化改造技术",
                "与职业学校党支部共建开发，机加工件单班产能提高70%，产线由4人减至1人，一次合格率由90%提高到99%，可为集群企业改造产线。",
            )
        },
        Spec {
            reach: Reach::Cluster,
            age: 8,
            valid: 90,
            ..spec(
                "ruiqi-deburr",
                "ruiqi",
                Need,
                Technology,
                "角磨机机加工件去毛刺自动化",
                "细机身角磨机零件去毛刺靠人工，用工多、合格率不稳定，寻求机器人自动化改造方案。",
            )
        },
        Spec {
            quantity: Some((5000.0, "件")),
            urgency: Urgency::Emergency,
            reach: Reach::Cluster,
            age: 2,
            valid: 30,
            ..spec(
                "ruiqi-casting",
                "ruiqi",
                Need,
                Product,
                "急需角磨机齿轮箱铝压铸件替代供应",
                "原压铸件供应商停产，角磨机齿轮箱壳体库存仅够两周，急需可快速打样的铝压铸及CNC精加工配套。",
            )
        },
        Spec {
            age: 50,
            valid: 200,
            ..spec(
                "minolta-parts",
                "minolta-xq",
                Offer,
                Capacity,
                "精密机械零部件加工产能（铝压铸、CNC）",
                "铝合金压铸件、壳体类零件CNC精加工，有富余产能，可快速打样。",
            )
        },
        Spec {
            age: 70,
            valid: 200,
            ..spec(
                "minolta-mould",
                "minolta-xq",
                Need,
                Product,
                "精密注塑模具",
                "精密机械外壳及结构件用注塑模具，多腔、长寿命。",
            )
        },
        Spec {
            age: 75,
            valid: 250,
            ..spec(
                "juxiang-mould",
                "juxiang",
                Offer,
                Service,
                "精密模具设计与制造",
                "精密注塑模具、冲压模具的设计制造与修模服务，可配合客户同步开发。",
            )
        },
        Spec {
            age: 45,
            valid: 180,
            ..spec(
                "kaile-motor",
                "kaile",
                Need,
                Product,
                "环境设备配套电机",
                "工业风扇、空气处理设备配套用中小型电机，要求高效节能。",
            )
        },
        Spec {
            age: 100,
            valid: 300,
            ..spec(
                "wanlai-motor",
                "wanlai",
                Offer,
                Product,
                "中小型电机及机电配套",
                "中小型交流电机、风机电机及机电一体化配套，可按设备定制。",
            )
        },
        Spec {
            reach: Reach::Town,
            age: 20,
            valid: 180,
            ..spec(
                "yuzhang-switchgear",
                "yuzhang-electric",
                Offer,
                Product,
                "低压成套开关设备",
                "低压配电柜、控制柜成套，可为集群企业新建厂房和产线改造配电。",
            )
        },
        Spec {
            quantity: Some((6.0, "人")),
            reach: Reach::Town,
            age: 15,
            valid: 150,
            ..spec(
                "yuzhang-talent",
                "yuzhang-electric",
                Need,
                Talent,
                "电气成套装配调试技工",
                "电气成套设备装配、调试技工，希望与职业院校联合培养。",
            )
        },
        // 小昆山新材料产业集群: a pair that did not close.
        Spec {
            age: 80,
            valid: 200,
            ..spec(
                "tianchen-glass",
                "tianchen",
                Need,
                Service,
                "特种玻璃深加工外协",
                "防伪材料配套玻璃件的钢化、镀膜等深加工外协。",
            )
        },
        Spec {
            age: 110,
            valid: 300,
            ..spec(
                "northglass-glass",
                "northglass",
                Offer,
                Service,
                "玻璃深加工（钢化、镀膜、夹层）",
                "建筑及工业玻璃钢化、镀膜、夹层深加工，可承接外协。",
            )
        },
        // 正泰启迪智慧能源产业集群.
        Spec {
            reach: Reach::Corridor,
            age: 35,
            valid: 365,
            ..spec(
                "chint-storage",
                "chint-electric",
                Offer,
                Product,
                "智能配电与储能系统集成",
                "输配电设备及工商业储能系统集成，可为园区企业提供能效改造方案。",
            )
        },
    ]
}

/// A cluster secretary of the demo cluster `key`, acting as broker.
fn secretary(key: &str, name: &str, clusters: &HashMap<String, ClusterId>) -> Result<Caller, String> {
    let id = clusters.get(key).copied().ok_or_else(|| format!("demo cluster {key} missing"))?;
    Ok(Caller {
        user_id: UserId(0),
        username: name.to_owned(),
        role: Role::ClusterSecretary,
        scope: Scope::Cluster(id),
        ip: None,
    })
}

/// The demo's steps: to 洽谈中, to 已成交 with its value in 万元, to 未成交 with its reason.
fn negotiating(note: &str) -> IntroductionStep<'_> {
    IntroductionStep { to: IntroductionState::Negotiating, deal_value_wan: None, reason: None, note }
}

fn won(deal_value_wan: f64, note: &str) -> IntroductionStep<'_> {
    IntroductionStep { to: IntroductionState::Won, deal_value_wan: Some(deal_value_wan), reason: None, note }
}

fn lost(reason: &str) -> IntroductionStep<'_> {
    IntroductionStep { to: IntroductionState::Lost, deal_value_wan: None, reason: Some(reason), note: "" }
}

pub async fn seed(
    store: &Store,
    units: &HashMap<String, UnitId>,
    clusters: &HashMap<String, ClusterId>,
) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let now = store.now();
    let today = store.today();
    let mut ids: HashMap<&'static str, i64> = HashMap::new();
    for s in specs() {
        let unit = units.get(s.unit).copied().ok_or_else(|| format!("demo enterprise {} missing", s.unit))?;
        let fields = ListingFields {
            kind: s.kind,
            category: s.category,
            title: s.title.to_owned(),
            description: s.description.to_owned(),
            industry: None,
            quantity: s.quantity.map(|q| q.0),
            quantity_unit: s.quantity.map(|q| q.1.to_owned()),
            urgency: s.urgency,
            reach: s.reach,
            valid_until: today + Duration::days(s.valid),
        };
        let id = store.matching().demo_publish_at(&sys, unit, fields, now - Duration::days(s.age)).await?;
        ids.insert(s.key, id);
    }
    let id = |k: &str| ids.get(k).copied().ok_or_else(|| format!("demo listing {k} missing"));
    let ic = secretary("integrated-circuit", "集成电路产业集群党委（演示）", clusters)?;
    let xq = secretary("xinqiao-equipment", "新桥现代装备产业集群党委（演示）", clusters)?;
    let xks = secretary("xiaokunshan-new-materials", "小昆山新材料产业集群党总支（演示）", clusters)?;
    let days_ago = |n: i64| now - Duration::days(n);
    let date_ago = |n: i64| -> NaiveDate { today - Duration::days(n) };
    let introduce = |broker: &Caller, need: i64, offer: i64, state, note: &str, at| {
        let new =
            NewIntroduction { need_listing: need, offer_listing: offer, state, note: note.to_owned(), is_demo: true };
        let broker = broker.clone();
        async move { store.matching().demo_introduce_at(&broker, new, at).await }
    };
    let step = |broker: &Caller, id: i64, step: IntroductionStep<'static>, at| {
        let broker = broker.clone();
        async move { store.matching().demo_introduction_step_at(&broker, id, step, at).await }
    };
    use IntroductionState::*;

    // The lockdown: brokered the day the need came in, delivered within days.
    let deburr = introduce(
        &ic,
        id("nisi-deburr")?,
        id("xinyang-deburr")?,
        Introduced,
        "集群党委得知断供后当天联系龙头企业调配生产",
        days_ago(39),
    )
    .await?;
    step(&ic, deburr, won(18.0, "1.25吨已送达（成交金额为演示数据）"), days_ago(35)).await?;
    store
        .matching()
        .add_followup(
            &ic,
            deburr,
            NewFollowUp {
                on: Some(date_ago(35)),
                annual_sales_wan: None,
                delivery_quantity: Some(1.25),
                delivery_note: "克服物流不畅，1.25吨去毛刺溶液送达封装产线".into(),
                note: String::new(),
            },
        )
        .await?;
    // The need was met: it no longer asks for offers.
    store.matching().set_listing_open(&sys, id("nisi-deburr")?, false).await?;

    // The excavator and the bearing: a partnership of 120 万元 a year.
    let bearing = introduce(
        &xq,
        id("longgong-bearing")?,
        id("zirun-bearing")?,
        Introduced,
        "党建联盟牵线，两家企业党支部对接",
        days_ago(88),
    )
    .await?;
    step(&xq, bearing, negotiating("样件装机试验"), days_ago(70)).await?;
    step(&xq, bearing, won(120.0, "批量用于48.5吨和55吨挖掘机"), days_ago(40)).await?;
    for (ago, sales, note) in
        [(30, 60.0, "首批批量供货，动臂根部加油频率由每天1次降至每500小时1次"), (5, 120.0, "全年口径约120万元")]
    {
        store
            .matching()
            .add_followup(
                &xq,
                bearing,
                NewFollowUp {
                    on: Some(date_ago(ago)),
                    annual_sales_wan: Some(sales),
                    delivery_quantity: None,
                    delivery_note: String::new(),
                    note: note.into(),
                },
            )
            .await?;
    }
    // The 2021 pairs of the cluster, still under way.
    let motors =
        introduce(&xq, id("kaile-motor")?, id("wanlai-motor")?, Introduced, "产业链上下游合作项目", days_ago(40))
            .await?;
    step(&xq, motors, negotiating("技术参数对接中"), days_ago(20)).await?;
    introduce(&xq, id("minolta-mould")?, id("juxiang-mould")?, Introduced, "产业链上下游合作项目", days_ago(12))
        .await?;
    introduce(&xq, id("ruiqi-deburr")?, id("sige-robot")?, Suggested, "拟在要素对接会上介绍", days_ago(3)).await?;
    // One that did not close, with its reason.
    let glass =
        introduce(&xks, id("tianchen-glass")?, id("northglass-glass")?, Introduced, "集群内上下游对接", days_ago(60))
            .await?;
    step(&xks, glass, lost("交期无法满足批量要求"), days_ago(45)).await?;
    Ok(())
}
