//! Deterministic synthetic enterprises for benchmarks and trials: natural-looking Chinese
//! names, valid and unique USCCs, real town codes, plausible industries, sizes and flags.
//! The same seed always gives the same bytes.

use std::io::Write;

use qunlian_domain::industry::IndustryLevel;
use qunlian_domain::region::RegionLevel;
use qunlian_domain::{IndustryCode, RegionCode, Uscc};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::enterprises::Field;

const PLACES: [&str; 6] = ["上海", "上海", "上海", "松江", "沪", "申"];
const WORDS: [&str; 48] = [
    "恒通", "博远", "瑞丰", "华创", "鼎新", "启明", "安泰", "宏达", "精诚", "嘉禾", "远航", "协力", "新元", "润泽",
    "天衡", "中科", "汇智", "卓越", "信诚", "永盛", "凯越", "联创", "明德", "海纳", "东方", "金桥", "银河", "星辰",
    "云帆", "致远", "睿思", "优联", "泰和", "长江", "九州", "华夏", "新锐", "宏图", "晨光", "蓝海", "德胜", "正和",
    "立信", "同舟", "恒信", "辰星", "科瑞", "万达",
];
const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "沈",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "琳", "华",
    "斌",
];
const ROADS: [&str; 10] = ["新松", "玉树", "荣乐", "谷阳", "人民", "沪松", "九新", "莘砖", "泗陈", "佘天昆"];
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn trade(industry: &IndustryCode) -> &'static str {
    match industry.as_str().get(..2).and_then(|d| d.parse::<u32>().ok()).unwrap_or(0) {
        13..=15 => "食品",
        26 => "化工",
        27 => "生物医药",
        29..=30 => "新材料",
        33..=34 => "机械",
        35..=37 => "装备",
        38 => "电气",
        39 => "电子",
        40 => "仪器",
        63..=65 => "信息技术",
        _ => "科技",
    }
}

/// A synthetic member's name that differs for every `n` below 8,000: a surname and two
/// given characters, as the demo and tests fill rosters with.
pub fn person_name(n: u64) -> String {
    let s = SURNAMES[(n % 20) as usize];
    let a = GIVEN[((n / 20) % 20) as usize];
    let b = GIVEN[((n / 400) % 20) as usize];
    if n < 400 { format!("{s}{a}") } else { format!("{s}{a}{b}") }
}

/// A synthetic ID number (公民身份号码) with a valid check character that differs for every
/// `n`: area 310117 (松江区), born 1970-01-01 plus `n / 1000` days, sequence `n % 1000`. Not a
/// real person's; the demo marks its members as demo.
pub fn id_number(n: u64) -> qunlian_domain::IdNumber {
    let born = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + chrono::Days::new(n / 1000);
    let body = format!("310117{}{:03}", born.format("%Y%m%d"), n % 1000);
    #[allow(clippy::expect_used)] // 17 digits with a real date always make a number
    qunlian_domain::IdNumber::from_body(&body).expect("a synthetic ID number is valid")
}

/// Writes `n` enterprises as UTF-8 CSV with the canonical headers.
pub fn gen_enterprises<W: Write>(n: u64, seed: u64, district: RegionCode, out: W) -> std::io::Result<()> {
    let towns: Vec<RegionCode> = district.children().filter(|t| t.level() == RegionLevel::Town).collect();
    let industries: Vec<IndustryCode> = IndustryCode::all()
        .filter(|c| c.level() == IndustryLevel::Class)
        .filter(|c| {
            c.as_str()
                .get(..2)
                .and_then(|d| d.parse::<u32>().ok())
                .is_some_and(|d| (13..=43).contains(&d) || (63..=65).contains(&d) || (73..=75).contains(&d))
        })
        .collect();
    if towns.is_empty() || industries.is_empty() {
        return Err(std::io::Error::other(format!(
            "{} has no towns or the industry table is empty",
            district.full_name()
        )));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut w = csv::Writer::from_writer(out);
    w.write_record(Field::ALL.iter().map(|f| f.header()))?;
    for i in 0..n {
        let town = towns[rng.random_range(0..towns.len())];
        let industry = industries[rng.random_range(0..industries.len())];
        // The index encoded in base 31 makes every code unique; the seed varies the rest.
        let mut body = format!("91{}", district);
        let mut x = i + seed.wrapping_mul(1_000_003) % 31u64.pow(4) * 31u64.pow(5);
        for _ in 0..9 {
            body.push(ALPHABET[(x % 31) as usize] as char);
            x /= 31;
        }
        let uscc = Uscc::from_body(&body).map_err(|e| std::io::Error::other(e.to_string()))?;
        let name = format!(
            "{}{}{}{}有限公司",
            PLACES[rng.random_range(0..PLACES.len())],
            WORDS[rng.random_range(0..WORDS.len())],
            WORDS[(i as usize / WORDS.len()) % WORDS.len()],
            trade(&industry)
        );
        // Sizes are heavy-tailed: most firms are small, a few are large.
        let employees = (3.0 * (rng.random_range(0.0f64..1.0).powi(4) * 7.5).exp()).round() as u32;
        let p = |rng: &mut StdRng, rate: f64| if rng.random_range(0.0..1.0) < rate { "是" } else { "否" };
        let high_tech = p(&mut rng, 0.08);
        let above_scale = if employees > 100 { p(&mut rng, 0.5) } else { p(&mut rng, 0.02) };
        let srdi = match rng.random_range(0..1000) {
            0..3 => "小巨人",
            3..23 => "专精特新",
            23..60 => "创新型中小企业",
            _ => "",
        };
        let listed = p(&mut rng, 0.003);
        let key_project = p(&mut rng, 0.005);
        let founded =
            format!("{}-{:02}-{:02}", rng.random_range(1995..2026), rng.random_range(1..13), rng.random_range(1..29));
        let address = format!(
            "{}{}{}路{}号",
            district.full_name(),
            town.name(),
            ROADS[rng.random_range(0..ROADS.len())],
            rng.random_range(1..2000)
        );
        let contact =
            format!("{}{}", SURNAMES[rng.random_range(0..SURNAMES.len())], GIVEN[rng.random_range(0..GIVEN.len())]);
        let phone = format!("1{}{:09}", rng.random_range(3..10), rng.random_range(0..1_000_000_000u64));
        w.write_record([
            name.as_str(),
            uscc.as_str(),
            town.name(),
            "",
            industry.as_str(),
            &employees.max(1).to_string(),
            high_tech,
            above_scale,
            srdi,
            listed,
            key_project,
            &founded,
            &address,
            &contact,
            &phone,
        ])?;
    }
    w.flush()
}
