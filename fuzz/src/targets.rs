//! The targets: each takes raw bytes as an attacker would send them and may refuse them, but
//! must not panic, abort or loop. Where a parser promises more than not crashing (a value it
//! accepts reads back the same), the target checks that too, by panicking.

use chrono::NaiveDate;
use qunlian_domain::codes::{Labelled, parse_bool};
use qunlian_domain::fields::{amount_field, count_field, parse_date};
use qunlian_domain::matching::{ListingKind, Reach, SearchIndex, Visibility};
use qunlian_domain::rules::{Rule, UnitFacts};
use qunlian_domain::{IdNumber, IndustryCode, Phone, RegionCode, Uscc};
use qunlian_io::enterprises::EnterpriseReader;
use qunlian_search::TantivyIndex;

/// A target: its name, what it reads, its seed corpus's folder under `fuzz/corpus/`, and the
/// words its mutations splice in.
pub struct Target {
    pub name: &'static str,
    pub about: &'static str,
    pub run: fn(&[u8]),
    pub dictionary: &'static [&'static str],
}

pub const TARGETS: &[Target] = &[
    Target {
        name: "rule",
        about: "the rule language of coverage categories and policy eligibility",
        run: rule,
        dictionary: &["!", "非", "(", ")", "且", "或", " ", "高新", "从业人数>=", "行业=", "园区=", "集群=", "（", "≥"],
    },
    Target {
        name: "codes",
        about: "USCC, ID number, phone, region, industry, dates, numbers, yes/no and coded values",
        run: codes,
        dictionary: &["9131", "0117", "X", "-", "+86", "０", "年", "月", "日", "C", "38", "310117", "是", " "],
    },
    Target {
        name: "enterprises",
        about: "the enterprise register reader over raw .csv/.xlsx bytes",
        run: enterprises,
        dictionary: &[",", "\n", "\"", "企业名称", "统一社会信用代码", "所属街镇", "PK\u{3}\u{4}", "\r\n"],
    },
    Target {
        name: "listings",
        about: "the listings reader over raw .csv/.xlsx bytes",
        run: listings,
        dictionary: &[",", "\n", "\"", "统一社会信用代码", "标题", "类型", "有效期至", "PK\u{3}\u{4}"],
    },
    Target {
        name: "search",
        about: "free-text search through the limit and the Chinese index",
        run: search,
        dictionary: &["轴承", " ", "OR", "AND", "\"", "*", "~", ":", "(", "自润滑", "title:"],
    },
    Target {
        name: "activity",
        about: "an activity's form (its ticked units and members) and an issue raised at it",
        run: crate::forms::activity,
        dictionary: &[
            "\n",
            ",",
            "org:",
            "cluster:",
            "alliance:",
            "1",
            "9223372036854775807",
            "-",
            "座谈会",
            "2026-11-22",
            "人",
        ],
    },
    Target {
        name: "development",
        about: "a development step (发展党员) and an applicant, a transfer's return reason",
        run: crate::forms::development,
        dictionary: &["\n", "1", "7", "26", "2026-03-01", "2026年3月1日", "委〔2026〕1号", "industrial_worker", " "],
    },
    Target {
        name: "villages",
        about: "the village-head and talent forms (nomination, check, appointment, actions, apartments, selections)",
        run: crate::forms::villages,
        dictionary: &["\n", "1", "2026-11-22", "是", "党组织", "企业", "年", "monthly", "nominated", " "],
    },
    Target {
        name: "figures",
        about: "the economic figures file (经济指标) over raw .csv/.xlsx bytes",
        run: crate::forms::figures,
        dictionary: &[
            ",",
            "\n",
            "\"",
            "统一社会信用代码",
            "税收（万元）",
            "期间",
            "2021年上半年",
            "亿元",
            "PK\u{3}\u{4}",
        ],
    },
    Target {
        name: "period",
        about: "a figures period and scope, a briefing scope, money as offices write it",
        run: crate::forms::period,
        dictionary: &[
            "2021",
            "H1",
            "年",
            "上半年",
            "全年",
            "town:",
            "cluster:",
            "district",
            "310117105",
            "亿元",
            "万",
            ".",
        ],
    },
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn rule(data: &[u8]) {
    let s = text(data);
    if let Ok(r) = Rule::parse(&s) {
        let spelled = r.to_string();
        let again = Rule::parse(&spelled).unwrap_or_else(|e| panic!("{spelled:?} does not parse back: {e}"));
        assert_eq!(again, r, "{spelled:?}");
        let _ = r.matches(&UnitFacts::default());
        let _ = r.facts();
    }
}

fn codes(data: &[u8]) {
    let s = text(data);
    if let Ok(u) = Uscc::parse(&s) {
        assert_eq!(Uscc::parse(u.as_str()).ok(), Some(u));
    }
    if let Ok(id) = IdNumber::parse(&s) {
        let _ = id.masked();
        assert_eq!(IdNumber::parse(id.as_str()).ok(), Some(id));
    }
    if let Ok(p) = Phone::parse(&s) {
        let _ = p.masked();
        assert_eq!(Phone::parse(p.as_str()).ok(), Some(p));
    }
    if let Ok(r) = RegionCode::parse(&s) {
        let _ = (r.name(), r.level(), r.parent());
        assert_eq!(RegionCode::parse(r.as_str()).ok(), Some(r));
    }
    if let Ok(i) = IndustryCode::parse(&s) {
        let _ = (i.name(), i.level(), i.section());
        assert_eq!(IndustryCode::parse(&i.to_string()).ok(), Some(i));
    }
    let _ = IndustryCode::find_by_name(&s);
    let _ = parse_date(&s);
    let _ = count_field("从业人数", &s, &["人"]);
    let _ = amount_field("数量", &s, &["万元"]);
    let _ = parse_bool("是否高新技术企业", &s);
    let _ = Reach::parse(&s).map(Labelled::code);
    let _ = ListingKind::parse(&s);
}

fn district() -> RegionCode {
    RegionCode::parse("310117").unwrap_or_else(|e| panic!("松江区 is in the table: {e}"))
}

fn enterprises(data: &[u8]) {
    for name in ["register.csv", "register.xlsx"] {
        if let Ok(reader) = EnterpriseReader::from_bytes(name, data.to_vec(), district()) {
            // A reader yields a row or a reason per line; bounded so a huge input ends.
            for _ in reader.take(100_000) {}
        }
    }
}

fn listings(data: &[u8]) {
    let _ = qunlian_io::listings::read_listings(data.to_vec());
}

thread_local! {
    static INDEX: Option<TantivyIndex> = TantivyIndex::in_memory().ok();
}

fn search(data: &[u8]) {
    let s = text(data);
    let Ok(Some(q)) = qunlian_domain::limits::search_text(Some(&s)) else { return };
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    INDEX.with(|index| {
        if let Some(index) = index {
            let _ = index.search(q, None, &Visibility::Everything, today, 10);
        }
    });
    let _ = qunlian_search::analysis::distinct_words(q);
}
