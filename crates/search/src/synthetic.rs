//! Synthetic listings, the same for a given seed on every machine: the distractors of the
//! matching evaluation and the million listings of the benchmark.
//!
//! Titles and descriptions are drawn from per-cluster vocabularies of ordinary products,
//! materials, equipment and services of Shanghai/G60 industrial clusters, with the generic
//! words every listing uses (设备, 材料, 加工, 检测, 维修, 服务), so that many synthetic
//! listings are near misses of a real need: they share its general words but not the thing.
//! The vocabularies name none of the evaluation's offers on purpose.

use chrono::{Days, NaiveDate};
use qunlian_domain::matching::{ListingCategory, ListingDoc, ListingKind, Place, Reach, Urgency};
use qunlian_domain::{IndustryCode, RegionCode};

/// A small deterministic generator (SplitMix64): the same numbers for the same seed
/// everywhere, with no dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next_u64() % n as u64) as usize }
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let i = self.below(items.len());
        items.get(i)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

struct Cluster {
    id: i64,
    industries: &'static [&'static str],
    things: &'static [(&'static str, ListingCategory)],
}

use ListingCategory::{Capacity, Equipment, Material, Product, Service, Space, Talent};

const CLUSTERS: &[Cluster] = &[
    Cluster {
        id: 1,
        industries: &["3972", "3973", "3985", "3562", "2662", "6520"],
        things: &[
            ("晶圆搬运机械手", Equipment),
            ("晶圆盒", Product),
            ("晶圆载具清洗", Service),
            ("石英舟", Product),
            ("石英管", Product),
            ("真空泵维修", Service),
            ("去毛刺机", Equipment),
            ("电镀挂具", Product),
            ("五金电镀加工", Capacity),
            ("光刻机零部件", Product),
            ("硅片包装盒", Product),
            ("特气管道安装", Service),
            ("洁净服", Product),
            ("防静电周转箱", Product),
            ("芯片编带", Capacity),
            ("老化测试板", Product),
            ("封装模具", Product),
            ("环氧塑封料", Material),
            ("导电银胶", Material),
            ("SMT贴片加工", Capacity),
            ("陶瓷劈刀", Product),
            ("化学品输送系统", Equipment),
            ("废液回收处理", Service),
            ("晶圆清洗机", Equipment),
            ("芯片设计服务", Service),
            ("电子元器件", Product),
        ],
    },
    Cluster {
        id: 2,
        industries: &["3670", "3612", "3841", "3812", "3831", "33"],
        things: &[
            ("汽车低压线束", Product),
            ("座椅面套", Product),
            ("内饰件注塑", Capacity),
            ("门板总成", Product),
            ("车灯支架", Product),
            ("工业铝型材", Material),
            ("电池托盘", Product),
            ("电池箱体", Product),
            ("交流充电枪", Product),
            ("充电模块", Product),
            ("电机轴", Product),
            ("齿轮轴", Product),
            ("差速器壳体", Product),
            ("橡胶减震件", Product),
            ("车门密封条", Product),
            ("汽车玻璃", Product),
            ("制动软管", Product),
            ("转向节", Product),
            ("控制臂", Product),
            ("车载显示屏", Product),
            ("车载摄像头", Product),
            ("动力电池回收", Service),
            ("电池梯次利用", Service),
            ("铸铝件", Product),
            ("汽车冲压件", Capacity),
            ("螺栓紧固件", Product),
        ],
    },
    Cluster {
        id: 3,
        industries: &["3484", "3491", "3453", "3446", "3439", "3525", "4011", "34"],
        things: &[
            ("数控车床", Equipment),
            ("二手立式加工中心", Equipment),
            ("平面磨床", Equipment),
            ("线切割机床", Equipment),
            ("电火花加工", Capacity),
            ("机械手夹爪", Product),
            ("机器人底座", Product),
            ("皮带输送机", Equipment),
            ("立体仓库货架", Equipment),
            ("叉车租赁", Service),
            ("液压站", Equipment),
            ("液压油缸", Product),
            ("导轨滑块", Product),
            ("联轴器", Product),
            ("同步带轮", Product),
            ("减速电机", Product),
            ("步进电机", Product),
            ("变频器", Product),
            ("工控机", Product),
            ("光电开关", Product),
            ("视觉光源", Product),
            ("注塑机", Equipment),
            ("数控折弯机", Equipment),
            ("冲床", Equipment),
            ("喷涂线", Equipment),
            ("喷砂加工", Capacity),
            ("阳极氧化加工", Capacity),
            ("镀锌加工", Capacity),
            ("除尘设备", Equipment),
            ("废气处理设备", Equipment),
            ("超声波清洗机", Equipment),
            ("包装机", Equipment),
            ("贴标机", Equipment),
            ("检测治具", Product),
            ("焊接夹具", Product),
            ("设备维修", Service),
            ("非标自动化设备", Equipment),
        ],
    },
    Cluster {
        id: 4,
        industries: &["2921", "2651", "3062", "3985", "29", "26"],
        things: &[
            ("铝板", Material),
            ("不锈钢管", Material),
            ("铜排", Material),
            ("钛棒", Material),
            ("PP粒子", Material),
            ("ABS粒子", Material),
            ("PC板", Material),
            ("亚克力板", Material),
            ("玻纤布", Material),
            ("碳纤维布", Material),
            ("环氧树脂", Material),
            ("结构胶粘剂", Material),
            ("双面胶带", Material),
            ("泡棉", Material),
            ("硅胶垫片", Material),
            ("导热硅脂", Material),
            ("陶瓷球", Material),
            ("氧化铝粉", Material),
            ("稀土抛光粉", Material),
            ("橡胶件", Product),
            ("防锈油", Material),
            ("切削液", Material),
            ("润滑油", Material),
            ("纸箱包装材料", Material),
            ("木托盘", Product),
            ("PE保护膜", Material),
            ("新材料检测", Service),
        ],
    },
    Cluster {
        id: 5,
        industries: &["2761", "2720", "2770", "3584", "7340", "35"],
        things: &[
            ("医用口罩", Product),
            ("防护服", Product),
            ("消毒液", Material),
            ("实验耗材", Material),
            ("移液器吸头", Material),
            ("离心管", Material),
            ("细胞培养皿", Material),
            ("试剂瓶", Material),
            ("生化试剂", Material),
            ("诊断试剂盒", Product),
            ("医疗器械注册代理", Service),
            ("辐照灭菌服务", Service),
            ("药用铝箔", Material),
            ("空心胶囊", Material),
            ("医药中间体", Material),
            ("洁净工作台", Equipment),
            ("生物安全柜", Equipment),
            ("超低温冰箱", Equipment),
            ("纯化水设备", Equipment),
            ("实验动物", Product),
            ("临床试验受试者招募", Service),
        ],
    },
    Cluster {
        id: 6,
        industries: &["7452", "7520", "7221", "7263", "59", "6513", "54", "7453"],
        things: &[
            ("代理记账", Service),
            ("工商注册", Service),
            ("法律顾问", Service),
            ("管理咨询", Service),
            ("员工培训", Service),
            ("叉车操作培训", Service),
            ("员工宿舍", Space),
            ("食堂承包", Service),
            ("保洁服务", Service),
            ("安保服务", Service),
            ("物流运输", Service),
            ("货运代理", Service),
            ("报关服务", Service),
            ("仓库出租", Space),
            ("办公室出租", Space),
            ("展会搭建", Service),
            ("网站建设", Service),
            ("ERP实施", Service),
            ("网络安全等级保护", Service),
            ("机房运维", Service),
            ("环评服务", Service),
            ("职业卫生检测", Service),
            ("能源审计", Service),
            ("碳排放核查", Service),
            ("设备融资租赁", Service),
            ("普工", Talent),
            ("质检员", Talent),
        ],
    },
];

const TITLE_PREFIX: &[&str] = &["", "", "供应", "批量供应", "专业", "出售闲置", "提供", "长期承接", "求购", "寻找"];
const SPECS: &[&str] = &[
    "规格齐全",
    "可按图定制",
    "支持小批量试产",
    "月产能充足",
    "交期两周",
    "通过ISO9001认证",
    "有现货",
    "可提供样品",
    "长三角当日达",
    "十年行业经验",
    "国产替代",
    "可开增值税专用发票",
];
const GENERIC: &[&str] = &[
    "设备齐全，可来料加工",
    "材料质量稳定",
    "专业团队，服务周到",
    "价格优惠",
    "欢迎来厂考察",
    "闲置设备转让",
    "产能富余，承接外协加工",
    "检测报告齐全",
    "提供上门维修服务",
    "适用于汽车、电子、机械等行业",
    "新材料研发配套",
    "可配合客户技术改造",
];
const TOWNS: &[&str] = &[
    "310117001",
    "310117002",
    "310117003",
    "310117102",
    "310117103",
    "310117104",
    "310117105",
    "310117106",
    "310117107",
    "310117121",
    "310117501",
    "310117507",
    "330402007",
    "330402008",
    "330108001",
    "320505001",
    "320506001",
    "340111001",
    "340207001",
    "341802001",
];

/// How the synthetic listings are drawn.
#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    /// The first id; ids then count up.
    pub first_id: i64,
    /// Percentage of offers (the rest are needs).
    pub offer_percent: usize,
    /// Listings are published up to 150 days before this day, valid for 30 days to a year.
    pub today: NaiveDate,
}

/// Draws `count` listings.
pub fn listings(count: usize, options: &Options) -> impl Iterator<Item = ListingDoc> + use<> {
    let mut rng = Rng::new(options.seed);
    let o = options.clone();
    (0..count).filter_map(move |i| draw(&mut rng, o.first_id + i as i64, &o))
}

fn draw(rng: &mut Rng, id: i64, o: &Options) -> Option<ListingDoc> {
    let cluster = rng.pick(CLUSTERS)?;
    let (thing, category) = *rng.pick(cluster.things)?;
    let (other, _) = *rng.pick(cluster.things)?;
    let kind = if rng.chance(o.offer_percent) { ListingKind::Offer } else { ListingKind::Need };
    let prefix = rng.pick(TITLE_PREFIX)?;
    let title = format!("{prefix}{thing}");
    let description = match rng.below(3) {
        0 => format!("{thing}，{}，{}", rng.pick(SPECS)?, rng.pick(GENERIC)?),
        1 => format!("{thing}及{other}，{}", rng.pick(GENERIC)?),
        _ => format!("{}。{}，{}", rng.pick(SPECS)?, rng.pick(GENERIC)?, rng.pick(SPECS)?),
    };
    let town = RegionCode::parse(rng.pick(TOWNS)?).ok()?;
    let songjiang = town.as_str().starts_with("310117");
    let clusters = if songjiang && rng.chance(50) { vec![cluster.id] } else { Vec::new() };
    let urgency = match rng.below(100) {
        0..2 => Urgency::Emergency,
        2..10 => Urgency::Urgent,
        _ => Urgency::Normal,
    };
    let reach = match rng.below(10) {
        0 => Reach::Cluster,
        1 | 2 => Reach::Town,
        3..=6 => Reach::District,
        _ => Reach::Corridor,
    };
    let published_on = o.today.checked_sub_days(Days::new(rng.below(150) as u64))?;
    let valid_until = published_on.checked_add_days(Days::new(30 + rng.below(335) as u64))?;
    Some(ListingDoc {
        id,
        kind,
        category,
        title,
        description,
        industry: IndustryCode::parse(rng.pick(cluster.industries)?).ok(),
        urgency,
        reach,
        owner: Place { unit_id: 100_000 + rng.below(200_000) as i64, town: Some(town), clusters },
        published_on,
        valid_until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_listings() {
        let o = Options {
            seed: 7,
            first_id: 1,
            offer_percent: 50,
            today: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
        };
        let a: Vec<ListingDoc> = listings(200, &o).collect();
        let b: Vec<ListingDoc> = listings(200, &o).collect();
        assert_eq!(a.len(), 200, "every drawn code and town is valid");
        assert_eq!(a, b);
        assert!(a.iter().any(|l| l.kind == ListingKind::Need) && a.iter().any(|l| l.kind == ListingKind::Offer));
        assert!(a.iter().all(|l| l.valid_until > l.published_on));
    }
}
