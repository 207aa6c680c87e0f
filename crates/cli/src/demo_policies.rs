//! Demo policies (惠企政策): fifteen enterprise policies of the kind Songjiang's departments
//! issue, each with an eligibility rule over the registry's attributes, and one package pushed
//! to the 新桥现代装备产业集群 with some enterprises having read it. Every record is marked
//! demo; titles and 文号 are illustrative, not quotations of real documents.

use std::collections::HashMap;

use chrono::NaiveDate;
use qunlian_domain::auth::{Caller, ClusterId, Role, Scope, UnitId, UserId};
use qunlian_store::Store;
use qunlian_store::policies::{NewPolicy, PushTarget};

use crate::AnyResult;

struct Spec {
    title: &'static str,
    department: &'static str,
    doc_number: &'static str,
    from: &'static str,
    until: Option<&'static str>,
    rule: &'static str,
    content: &'static str,
}

const POLICIES: &[Spec] = &[
    Spec {
        title: "高新技术企业认定奖励",
        department: "kewei",
        doc_number: "松科规〔2024〕2号",
        from: "2024-03-01",
        until: Some("2027-02-28"),
        rule: "高新技术企业",
        content: "对首次通过高新技术企业认定的企业给予一次性奖励 20 万元；重新认定的给予 10 万元。\n申请材料：高新技术企业证书、上一年度审计报告。\n咨询：区科委高新技术科。",
    },
    Spec {
        title: "专精特新中小企业培育扶持",
        department: "jingwei",
        doc_number: "松经规〔2024〕5号",
        from: "2024-06-01",
        until: Some("2027-05-31"),
        rule: "专精特新",
        content: "对新认定的上海市专精特新中小企业给予一次性奖励 10 万元，用于研发投入、数字化改造和人才引进。\n咨询：区经委中小企业服务科。",
    },
    Spec {
        title: "专精特新“小巨人”企业奖励",
        department: "jingwei",
        doc_number: "松经规〔2024〕6号",
        from: "2024-06-01",
        until: Some("2027-05-31"),
        rule: "小巨人",
        content: "对新认定的国家级专精特新“小巨人”企业给予一次性奖励 50 万元，并优先推荐重点项目和产业基金。",
    },
    Spec {
        title: "规上工业企业稳增长奖励",
        department: "jingwei",
        doc_number: "松经〔2026〕12号",
        from: "2026-01-01",
        until: Some("2026-12-31"),
        rule: "规上企业 且 行业=C",
        content: "对本年度工业产值同比增长 10% 以上的规模以上工业企业，按增量部分给予最高 100 万元奖励。\n按季度由统计部门提供产值数据，企业免于申报。",
    },
    Spec {
        title: "企业研发费用加计扣除政策指引",
        department: "shuiwu",
        doc_number: "松税发〔2025〕8号",
        from: "2025-01-01",
        until: None,
        rule: "高新技术企业 或 创新型中小企业",
        content: "企业开展研发活动实际发生的研发费用，未形成无形资产计入当期损益的，在按规定据实扣除的基础上，再按实际发生额的 100% 在税前加计扣除。\n本指引说明归集口径、辅助账设置和预缴申报时享受的办法。",
    },
    Spec {
        title: "重点企业人才安居（人才公寓租金补贴）",
        department: "renshe",
        doc_number: "松人社规〔2025〕3号",
        from: "2025-04-01",
        until: Some("2028-03-31"),
        rule: "规上企业 且 从业人数>=100",
        content: "重点企业引进的本科及以上人才入住区人才公寓的，前三年按租金的 50% 给予补贴；企业集中申请，区人社局按月拨付。",
    },
    Spec {
        title: "稳岗扩岗补贴",
        department: "renshe",
        doc_number: "松人社〔2026〕4号",
        from: "2026-01-01",
        until: Some("2026-12-31"),
        rule: "从业人数>=50",
        content: "对上年度未裁员或裁员率低于规定标准的参保企业，按上年度实际缴纳失业保险费的一定比例返还，符合条件的企业免申即享。",
    },
    Spec {
        title: "智能制造与数字化转型项目支持",
        department: "jingwei",
        doc_number: "松经规〔2025〕2号",
        from: "2025-03-01",
        until: Some("2027-12-31"),
        rule: "规上企业 且 (行业=C34 或 行业=C35 或 行业=C38 或 行业=C39)",
        content: "对实施智能工厂、数字化车间建设的装备制造企业，按项目设备和软件投入的 10% 给予最高 300 万元支持。",
    },
    Spec {
        title: "集成电路与生物医药首台（套）支持",
        department: "kewei",
        doc_number: "松科规〔2025〕4号",
        from: "2025-05-01",
        until: Some("2027-04-30"),
        rule: "行业=C39 或 行业=C27",
        content: "对研制首台（套）装备、首批次材料的集成电路和生物医药企业，按合同金额的 20% 给予最高 500 万元支持。",
    },
    Spec {
        title: "企业上市挂牌扶持",
        department: "jingwei",
        doc_number: "松府办〔2024〕18号",
        from: "2024-01-01",
        until: Some("2026-12-31"),
        rule: "规上企业 且 非上市企业 且 从业人数>=300",
        content: "对完成股份制改造并向证监会报送上市申请材料的企业，分阶段给予累计最高 500 万元扶持。",
    },
    Spec {
        title: "G60科创走廊产业集群协同创新支持",
        department: "kewei",
        doc_number: "松科〔2026〕3号",
        from: "2026-02-01",
        until: Some("2027-01-31"),
        rule: "集群成员 且 (高新技术企业 或 专精特新)",
        content: "对集群内上下游企业联合开展关键核心技术攻关的项目，按研发投入的 30% 给予最高 200 万元支持；集群党委推荐优先。",
    },
    Spec {
        title: "小微企业知识产权质押融资贴息",
        department: "scjg",
        doc_number: "松市监〔2025〕9号",
        from: "2025-07-01",
        until: Some("2027-06-30"),
        rule: "从业人数<300 且 非上市企业",
        content: "对以专利、商标质押获得银行贷款的小微企业，按贷款实际利息的 50% 给予贴息，每家企业每年最高 30 万元。",
    },
    Spec {
        title: "企业合规体系建设法律服务",
        department: "sifa",
        doc_number: "松司〔2026〕2号",
        from: "2026-03-01",
        until: None,
        rule: "规上企业",
        content: "区司法局组织律师服务团为企业免费开展合规体检，提供劳动用工、知识产权、涉外经营等专项法律服务。",
    },
    Spec {
        title: "工业用地提容增效支持",
        department: "guihua",
        doc_number: "松规划资源〔2025〕6号",
        from: "2025-01-01",
        until: Some("2025-12-31"),
        rule: "规上企业 且 行业=C",
        content: "对在存量工业用地上增加容积率的项目，不再增收土地价款。（本政策已到期，新政策另行发布。）",
    },
    Spec {
        title: "疫情期间中小企业房租减免（已到期）",
        department: "jingwei",
        doc_number: "松府〔2022〕20号",
        from: "2022-04-01",
        until: Some("2022-12-31"),
        rule: "从业人数<300",
        content: "对承租区属国有企业经营用房的中小企业减免房租。本政策已到期，仅供查阅。",
    },
];

/// The package pushed in the demo and the cluster it went to.
const PACKAGE: &[&str] = &[
    "高新技术企业认定奖励",
    "专精特新中小企业培育扶持",
    "规上工业企业稳增长奖励",
    "企业研发费用加计扣除政策指引",
    "重点企业人才安居（人才公寓租金补贴）",
    "稳岗扩岗补贴",
    "智能制造与数字化转型项目支持",
    "G60科创走廊产业集群协同创新支持",
];
const CLUSTER: &str = "xinqiao-equipment";
/// Members whose contacts have opened the package (the demo contact's own enterprise is
/// left unread, so its list shows what a new push looks like).
const READERS: &[&str] = &["longgong-excavator", "ruiqi", "sige-fluid", "kaile", "zirun-bearing"];

fn date(s: &str) -> AnyResult<NaiveDate> {
    Ok(NaiveDate::parse_from_str(s, "%Y-%m-%d")?)
}

pub async fn seed(
    store: &Store,
    units: &HashMap<String, UnitId>,
    clusters: &HashMap<String, ClusterId>,
) -> AnyResult<()> {
    let sys = Caller::system("demo");
    let mut ids: HashMap<&str, i64> = HashMap::new();
    for p in POLICIES {
        let Some(dept) = units.get(p.department) else { continue };
        let id = store
            .policies()
            .save(
                &sys,
                None,
                NewPolicy {
                    title: p.title.into(),
                    department_id: dept.0,
                    doc_number: p.doc_number.into(),
                    valid_from: date(p.from)?,
                    valid_until: p.until.map(date).transpose()?,
                    content: p.content.into(),
                    rule: p.rule.into(),
                    is_demo: true,
                },
            )
            .await?;
        ids.insert(p.title, id);
    }
    let Some(cluster) = clusters.get(CLUSTER).copied() else { return Ok(()) };
    let package: Vec<i64> = PACKAGE.iter().filter_map(|t| ids.get(t)).copied().collect();
    store
        .policies()
        .push_policies(&sys, "2026 年新桥装备集群惠企政策包", &package, &PushTarget::Cluster(cluster), true)
        .await?;
    for key in READERS {
        let Some(unit) = units.get(*key).copied() else { continue };
        let contact = Caller {
            user_id: UserId(0),
            username: "企业联络员（演示）".into(),
            role: Role::EnterpriseContact,
            scope: Scope::Enterprise(unit),
            ip: None,
        };
        // Each opens the first policies of its list, as a contact reading from the top would.
        for m in store.policies().my_policies(&contact).await?.into_iter().filter(|m| m.pushed_at.is_some()).take(3) {
            store.policies().open_my_policy(&contact, m.policy.id).await?;
        }
    }
    Ok(())
}
