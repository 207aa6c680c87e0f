//! The rule language over enterprise attributes, shared by coverage categories (重点企业类别)
//! and, later, policy eligibility. A rule is written the way an organisation department
//! writes it in a notice — `高新技术企业 且 从业人数>=100`, `专精特新 或 (规上企业 且 园区=松江综合保税区)`
//! — parsed once into [`Rule`], shown back in one canonical spelling, evaluated here over
//! [`UnitFacts`] and compiled to SQL by the store. Both evaluations must agree; the store's
//! tests check that they do.

use std::fmt;

use crate::industry::{IndustryCode, IndustryLevel};
use crate::limits::{RULE_CHARS, RULE_DEPTH, over};
use crate::registry::SrdiLevel;
use crate::text::normalize;

/// A comparison of a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cmp {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
            Cmp::Le => "<=",
            Cmp::Lt => "<",
            Cmp::Eq => "=",
        }
    }

    pub fn holds(self, left: i64, right: i64) -> bool {
        match self {
            Cmp::Ge => left >= right,
            Cmp::Gt => left > right,
            Cmp::Le => left <= right,
            Cmp::Lt => left < right,
            Cmp::Eq => left == right,
        }
    }
}

/// One fact about an enterprise that a rule can ask for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Fact {
    /// 高新技术企业
    HighTech,
    /// 规上企业 (规模以上)
    AboveScale,
    /// 上市企业
    Listed,
    /// 重点项目企业
    KeyProject,
    /// At least this 专精特新 level (创新型中小企业 < 专精特新 < 小巨人).
    Srdi(SrdiLevel),
    /// 从业人数 compared with a number; an enterprise whose count is unknown never matches.
    Employees(Cmp, i64),
    /// In this GB/T 4754 code or below it; a section letter means all its divisions.
    Industry(IndustryCode),
    /// Located in the park of this name.
    Park(String),
    /// A current member of the cluster of this name, or of any cluster when `None`.
    Cluster(Option<String>),
}

/// A rule: facts combined with 且 (and), 或 (or) and 非 (not).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    Fact(Fact),
    All(Vec<Rule>),
    Any(Vec<Rule>),
    Not(Box<Rule>),
}

/// What a rule needs to know of one enterprise, for evaluating it outside the database.
#[derive(Clone, Debug, Default)]
pub struct UnitFacts {
    pub high_tech: bool,
    pub above_scale: bool,
    pub listed: bool,
    pub key_project: bool,
    pub srdi: SrdiLevel,
    pub employees: Option<i64>,
    /// The stored GB/T 4754 code (digits, e.g. "3821").
    pub industry: Option<String>,
    pub park: Option<String>,
    /// Names of the clusters it currently belongs to.
    pub clusters: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("规则不能为空")]
    Empty,
    #[error("规则第 {at} 个字处：{message}")]
    At { at: usize, message: String },
    #[error("规则过长：最多{max}个字，现有{found}个字")]
    TooLong { max: usize, found: usize },
    #[error("规则第 {at} 个字处：括号和“非”嵌套超过{max}层")]
    TooDeep { at: usize, max: usize },
}

/// The words the parser knows, for error messages and the help text of the form.
pub const VOCABULARY: &str = "高新技术企业、规上企业、上市企业、重点项目企业、创新型中小企业、专精特新、小巨人、集群成员、\
从业人数>=N、行业=代码、园区=名称、集群=名称；用“且”“或”“非”和括号组合";

impl Rule {
    /// Reads a rule of at most [`RULE_CHARS`] characters and [`RULE_DEPTH`] levels of
    /// brackets and 非, so that evaluating, printing, compiling to SQL and dropping the tree,
    /// all recursive, stay within any stack.
    pub fn parse(text: &str) -> Result<Rule, RuleError> {
        if let Some(found) = over(text, RULE_CHARS) {
            return Err(RuleError::TooLong { max: RULE_CHARS, found });
        }
        let tokens = lex(text)?;
        if tokens.is_empty() {
            return Err(RuleError::Empty);
        }
        let mut p = Parser { tokens, pos: 0, depth: 0 };
        let rule = p.or()?;
        if let Some((at, tok)) = p.tokens.get(p.pos) {
            return Err(RuleError::At { at: *at, message: format!("多余的“{tok}”") });
        }
        // The canonical spelling is what is stored and read again: it must fit too (short
        // forms and implicit 且 spell out longer, 高新 as 高新技术企业).
        if let Some(found) = over(&rule.to_string(), RULE_CHARS) {
            return Err(RuleError::TooLong { max: RULE_CHARS, found });
        }
        Ok(rule)
    }

    pub fn matches(&self, unit: &UnitFacts) -> bool {
        match self {
            Rule::Fact(f) => f.matches(unit),
            Rule::All(rules) => rules.iter().all(|r| r.matches(unit)),
            Rule::Any(rules) => rules.iter().any(|r| r.matches(unit)),
            Rule::Not(r) => !r.matches(unit),
        }
    }

    /// Every fact the rule mentions, for resolving park and cluster names once.
    pub fn facts(&self) -> Vec<&Fact> {
        let mut out = Vec::new();
        self.collect_facts(&mut out);
        out
    }

    fn collect_facts<'a>(&'a self, out: &mut Vec<&'a Fact>) {
        match self {
            Rule::Fact(f) => out.push(f),
            Rule::All(rules) | Rule::Any(rules) => rules.iter().for_each(|r| r.collect_facts(out)),
            Rule::Not(r) => r.collect_facts(out),
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            Rule::Any(_) => 1,
            Rule::All(_) => 2,
            Rule::Not(_) | Rule::Fact(_) => 3,
        }
    }

    fn write_child(&self, child: &Rule, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if child.precedence() <= self.precedence() && !matches!(child, Rule::Fact(_) | Rule::Not(_)) {
            write!(f, "({child})")
        } else {
            write!(f, "{child}")
        }
    }
}

impl Fact {
    pub fn matches(&self, u: &UnitFacts) -> bool {
        match self {
            Fact::HighTech => u.high_tech,
            Fact::AboveScale => u.above_scale,
            Fact::Listed => u.listed,
            Fact::KeyProject => u.key_project,
            Fact::Srdi(level) => u.srdi >= *level,
            Fact::Employees(cmp, n) => u.employees.is_some_and(|e| cmp.holds(e, *n)),
            Fact::Industry(code) => {
                u.industry.as_deref().is_some_and(|i| industry_prefixes(*code).iter().any(|p| i.starts_with(p)))
            }
            Fact::Park(name) => u.park.as_deref() == Some(name.as_str()),
            Fact::Cluster(None) => !u.clusters.is_empty(),
            Fact::Cluster(Some(name)) => u.clusters.iter().any(|c| c == name),
        }
    }
}

/// The stored-code prefixes a GB/T 4754 code stands for: itself, or for a section letter the
/// two-digit codes of its divisions (units store digits only).
pub fn industry_prefixes(code: IndustryCode) -> Vec<&'static str> {
    if code.level() == IndustryLevel::Section {
        IndustryCode::all()
            .filter(|c| c.level() == IndustryLevel::Division && c.section() == code)
            .map(|c| c.as_str())
            .collect()
    } else {
        vec![code.as_str()]
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::HighTech => f.write_str("高新技术企业"),
            Fact::AboveScale => f.write_str("规上企业"),
            Fact::Listed => f.write_str("上市企业"),
            Fact::KeyProject => f.write_str("重点项目企业"),
            Fact::Srdi(SrdiLevel::None) => f.write_str("专精特新>=无"),
            Fact::Srdi(SrdiLevel::Innovative) => f.write_str("创新型中小企业"),
            Fact::Srdi(SrdiLevel::Municipal) => f.write_str("专精特新"),
            Fact::Srdi(SrdiLevel::National) => f.write_str("小巨人"),
            Fact::Employees(cmp, n) => write!(f, "从业人数{}{n}", cmp.symbol()),
            Fact::Industry(code) => {
                let letter = code.section().as_str();
                if code.level() == IndustryLevel::Section {
                    write!(f, "行业={letter}")
                } else {
                    write!(f, "行业={letter}{}", code.as_str())
                }
            }
            Fact::Park(name) => write!(f, "园区={name}"),
            Fact::Cluster(None) => f.write_str("集群成员"),
            Fact::Cluster(Some(name)) => write!(f, "集群={name}"),
        }
    }
}

/// The canonical spelling: parsing it gives the same rule back.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Fact(fact) => write!(f, "{fact}"),
            Rule::Not(r) => {
                f.write_str("非")?;
                if matches!(**r, Rule::Fact(_) | Rule::Not(_)) { write!(f, "{r}") } else { write!(f, "({r})") }
            }
            Rule::All(rules) | Rule::Any(rules) => {
                let joiner = if matches!(self, Rule::All(_)) { " 且 " } else { " 或 " };
                for (i, r) in rules.iter().enumerate() {
                    if i > 0 {
                        f.write_str(joiner)?;
                    }
                    self.write_child(r, f)?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    And,
    Or,
    Not,
    Open,
    Close,
    Fact(Fact),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::And => f.write_str("且"),
            Tok::Or => f.write_str("或"),
            Tok::Not => f.write_str("非"),
            Tok::Open => f.write_str("("),
            Tok::Close => f.write_str(")"),
            Tok::Fact(x) => write!(f, "{x}"),
        }
    }
}

/// Words for the keyword facts, longest first so that 高新技术企业 wins over 高新.
const KEYWORDS: &[(&str, Fact)] = &[
    ("规模以上工业企业", Fact::AboveScale),
    ("专精特新小巨人企业", Fact::Srdi(SrdiLevel::National)),
    ("专精特新中小企业", Fact::Srdi(SrdiLevel::Municipal)),
    ("专精特新“小巨人”", Fact::Srdi(SrdiLevel::National)),
    ("专精特新小巨人", Fact::Srdi(SrdiLevel::National)),
    ("创新型中小企业", Fact::Srdi(SrdiLevel::Innovative)),
    ("规模以上企业", Fact::AboveScale),
    ("高新技术企业", Fact::HighTech),
    ("重点项目企业", Fact::KeyProject),
    ("专精特新企业", Fact::Srdi(SrdiLevel::Municipal)),
    ("集群成员企业", Fact::Cluster(None)),
    ("小巨人企业", Fact::Srdi(SrdiLevel::National)),
    ("规上企业", Fact::AboveScale),
    ("上市企业", Fact::Listed),
    ("重点项目", Fact::KeyProject),
    ("集群成员", Fact::Cluster(None)),
    ("专精特新", Fact::Srdi(SrdiLevel::Municipal)),
    ("集群企业", Fact::Cluster(None)),
    ("小巨人", Fact::Srdi(SrdiLevel::National)),
    ("高新", Fact::HighTech),
    ("规上", Fact::AboveScale),
    ("上市", Fact::Listed),
];

const OPERATORS: &[(&str, Tok)] = &[
    ("并且", Tok::And),
    ("而且", Tok::And),
    ("或者", Tok::Or),
    ("AND", Tok::And),
    ("NOT", Tok::Not),
    ("OR", Tok::Or),
    ("且", Tok::And),
    ("和", Tok::And),
    ("&", Tok::And),
    ("或", Tok::Or),
    ("|", Tok::Or),
    ("非", Tok::Not),
    ("不是", Tok::Not),
    ("!", Tok::Not),
    ("(", Tok::Open),
    (")", Tok::Close),
];

/// Fields compared with a value: `从业人数>=100`, `行业=C39`, `园区=名称`, `集群=名称`.
const FIELDS: &[(&str, &str)] = &[
    ("从业人数", "employees"),
    ("职工人数", "employees"),
    ("员工人数", "employees"),
    ("行业代码", "industry"),
    ("行业", "industry"),
    ("所在园区", "park"),
    ("园区", "park"),
    ("集群", "cluster"),
];

/// Characters that end a name value (`园区=…`): spaces, operators and brackets.
fn ends_value(rest: &str) -> bool {
    rest.starts_with(char::is_whitespace)
        || rest.starts_with('(')
        || rest.starts_with(')')
        || ["且", "或", "并且", "或者", "&", "|"].iter().any(|w| rest.starts_with(w))
}

fn lex(text: &str) -> Result<Vec<(usize, Tok)>, RuleError> {
    // Full-width brackets, digits and signs become half-width; ≥ and ≤ their ASCII pairs.
    let text = normalize(text).replace('≥', ">=").replace('≤', "<=").replace('＝', "=");
    let mut out = Vec::new();
    let mut rest = text.as_str();
    let at = |rest: &str| text[..text.len() - rest.len()].chars().count() + 1;
    'outer: while !rest.is_empty() {
        let trimmed = rest.trim_start();
        if trimmed.len() != rest.len() {
            rest = trimmed;
            continue;
        }
        let upper: String = rest.chars().take(3).collect::<String>().to_uppercase();
        for (word, tok) in OPERATORS {
            let hit = if word.is_ascii() { upper.starts_with(word) } else { rest.starts_with(word) };
            // ASCII words need a boundary: "ORACLE" is not "OR".
            let boundary = || {
                !word.chars().all(|c| c.is_ascii_alphabetic())
                    || !rest[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
            };
            if hit && boundary() {
                out.push((at(rest), tok.clone()));
                rest = &rest[word.len()..];
                continue 'outer;
            }
        }
        for (word, field) in FIELDS {
            if let Some(after) = rest.strip_prefix(word) {
                let start = at(rest);
                let after = after.trim_start();
                // 集群成员 starts like the field 集群: a field needs its comparison.
                let Some((cmp, after)) =
                    [(">=", Cmp::Ge), ("<=", Cmp::Le), (">", Cmp::Gt), ("<", Cmp::Lt), ("=", Cmp::Eq)]
                        .into_iter()
                        .find_map(|(sym, cmp)| after.strip_prefix(sym).map(|a| (cmp, a.trim_start())))
                else {
                    continue;
                };
                let len = after.char_indices().find(|(i, _)| ends_value(&after[*i..])).map_or(after.len(), |(i, _)| i);
                let value = after[..len].trim();
                if value.is_empty() {
                    return Err(RuleError::At { at: start, message: format!("“{word}”缺少比较的值") });
                }
                let fact = match *field {
                    "employees" => {
                        let n: i64 = value.parse().map_err(|_| RuleError::At {
                            at: start,
                            message: format!("{word}要和整数比较，“{value}”不是整数"),
                        })?;
                        Fact::Employees(cmp, n)
                    }
                    _ if cmp != Cmp::Eq => {
                        return Err(RuleError::At { at: start, message: format!("“{word}”只能用“=”") });
                    }
                    "industry" => Fact::Industry(
                        IndustryCode::parse(value).map_err(|e| RuleError::At { at: start, message: e.to_string() })?,
                    ),
                    "park" => Fact::Park(value.to_owned()),
                    _ => Fact::Cluster(Some(value.to_owned())),
                };
                out.push((start, Tok::Fact(fact)));
                rest = &after[len..];
                continue 'outer;
            }
        }
        for (word, fact) in KEYWORDS {
            if let Some(after) = rest.strip_prefix(word) {
                out.push((at(rest), Tok::Fact(fact.clone())));
                rest = after;
                continue 'outer;
            }
        }
        if let Some((word, field)) = FIELDS.iter().find(|(w, _)| rest.starts_with(w)) {
            let example = if *field == "employees" { format!("{word}>=100") } else { format!("{word}=…") };
            return Err(RuleError::At {
                at: at(rest), message: format!("“{word}”后面要写比较，如 {example}")
            });
        }
        let word: String = rest.chars().take_while(|c| !c.is_whitespace() && !"()".contains(*c)).take(12).collect();
        return Err(RuleError::At {
            at: at(rest), message: format!("不认识“{word}”。可用的条件：{VOCABULARY}")
        });
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<(usize, Tok)>,
    pos: usize,
    /// Brackets and 非 open around the token at `pos`.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn here(&self) -> usize {
        self.tokens.get(self.pos).or(self.tokens.last()).map_or(1, |(at, _)| *at)
    }

    fn or(&mut self) -> Result<Rule, RuleError> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(flatten(parts, false))
    }

    fn and(&mut self) -> Result<Rule, RuleError> {
        let mut parts = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.pos += 1;
                    parts.push(self.unary()?);
                }
                // Two facts side by side read as “and”, as in 高新技术企业 规上企业.
                Some(Tok::Fact(_) | Tok::Not | Tok::Open) => parts.push(self.unary()?),
                _ => break,
            }
        }
        Ok(flatten(parts, true))
    }

    /// One level deeper for what `read` parses; refused past [`RULE_DEPTH`].
    fn nested(
        &mut self,
        at: usize,
        read: impl FnOnce(&mut Self) -> Result<Rule, RuleError>,
    ) -> Result<Rule, RuleError> {
        if self.depth >= RULE_DEPTH {
            return Err(RuleError::TooDeep { at, max: RULE_DEPTH });
        }
        self.depth += 1;
        let r = read(self);
        self.depth -= 1;
        r
    }

    fn unary(&mut self) -> Result<Rule, RuleError> {
        let at = self.here();
        match self.tokens.get(self.pos).map(|(_, t)| t.clone()) {
            Some(Tok::Not) => {
                self.pos += 1;
                Ok(match self.nested(at, Self::unary)? {
                    Rule::Not(inner) => *inner,
                    r => Rule::Not(Box::new(r)),
                })
            }
            Some(Tok::Open) => {
                self.pos += 1;
                let inner = self.nested(at, Self::or)?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(RuleError::At { at: self.here(), message: "括号没有闭合".into() });
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(Tok::Fact(f)) => {
                self.pos += 1;
                Ok(Rule::Fact(f))
            }
            Some(t) => Err(RuleError::At { at, message: format!("“{t}”前面缺少条件") }),
            None => Err(RuleError::At { at, message: "规则不完整，结尾缺少条件".into() }),
        }
    }
}

/// One part stays itself; nested parts of the same kind are merged, so the canonical
/// spelling parses back to the same tree.
fn flatten(parts: Vec<Rule>, all: bool) -> Rule {
    if parts.len() == 1 {
        return parts.into_iter().next().unwrap_or(Rule::All(Vec::new()));
    }
    let mut out = Vec::new();
    for p in parts {
        match (p, all) {
            (Rule::All(inner), true) | (Rule::Any(inner), false) => out.extend(inner),
            (p, _) => out.push(p),
        }
    }
    if all { Rule::All(out) } else { Rule::Any(out) }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn parse(s: &str) -> Rule {
        Rule::parse(s).unwrap()
    }

    #[test]
    fn reads_the_words_of_a_notice() {
        assert_eq!(parse("高新技术企业"), Rule::Fact(Fact::HighTech));
        assert_eq!(parse("从业人数≥１００"), Rule::Fact(Fact::Employees(Cmp::Ge, 100)));
        assert_eq!(
            parse("高新 且 (规上企业 或 从业人数 >= 100)"),
            Rule::All(vec![
                Rule::Fact(Fact::HighTech),
                Rule::Any(vec![Rule::Fact(Fact::AboveScale), Rule::Fact(Fact::Employees(Cmp::Ge, 100))]),
            ])
        );
        assert_eq!(parse("非上市企业"), Rule::Not(Box::new(Rule::Fact(Fact::Listed))));
        assert_eq!(parse("园区=松江综合保税区 且 集群成员").to_string(), "园区=松江综合保税区 且 集群成员");
        assert_eq!(parse("行业=C39").to_string(), "行业=C39");
        assert_eq!(parse("行业=c").to_string(), "行业=C");
        assert_eq!(parse("集群=新桥现代装备产业集群").to_string(), "集群=新桥现代装备产业集群");
        assert_eq!(parse("高新技术企业 规上企业").to_string(), "高新技术企业 且 规上企业");
        assert_eq!(parse("小巨人 OR 上市").to_string(), "小巨人 或 上市企业");
    }

    #[test]
    fn says_where_a_rule_is_wrong() {
        assert_eq!(Rule::parse("  "), Err(RuleError::Empty));
        let err = Rule::parse("高新 且 独角兽").unwrap_err().to_string();
        assert!(err.contains("第 6 个字") && err.contains("独角兽"), "{err}");
        assert!(Rule::parse("(高新 或 规上").unwrap_err().to_string().contains("括号"));
        assert!(Rule::parse("高新 且").unwrap_err().to_string().contains("结尾缺少条件"));
        assert!(Rule::parse("从业人数>=很多").unwrap_err().to_string().contains("不是整数"));
        assert!(Rule::parse("行业=Z99").unwrap_err().to_string().contains("Z99"));
        assert!(Rule::parse("园区>=1").unwrap_err().to_string().contains("只能用"));
    }

    #[test]
    fn evaluates_over_an_enterprise() {
        let u = UnitFacts {
            high_tech: true,
            employees: Some(120),
            industry: Some("3821".into()),
            clusters: vec!["正泰启迪智慧能源产业集群".into()],
            srdi: SrdiLevel::Municipal,
            ..UnitFacts::default()
        };
        assert!(parse("高新 且 从业人数>=100").matches(&u));
        assert!(!parse("高新 且 从业人数>120").matches(&u));
        assert!(parse("行业=C").matches(&u) && parse("行业=38").matches(&u) && !parse("行业=39").matches(&u));
        assert!(parse("专精特新").matches(&u) && !parse("小巨人").matches(&u) && parse("创新型中小企业").matches(&u));
        assert!(parse("集群成员").matches(&u) && !parse("集群=新桥现代装备产业集群").matches(&u));
        let unknown = UnitFacts::default();
        assert!(!parse("从业人数<10").matches(&unknown), "an unknown count never matches");
        assert!(parse("非 从业人数<10").matches(&unknown));
    }

    #[test]
    fn refuses_what_would_exhaust_a_stack() {
        // Issue #11: 60,000 `!` overflowed a worker's stack and aborted the server.
        let bangs = "!".repeat(60_000);
        assert_eq!(Rule::parse(&bangs), Err(RuleError::TooLong { max: RULE_CHARS, found: 60_000 }));
        assert!(Rule::parse(&bangs).unwrap_err().to_string().starts_with("规则过长"));
        let deep = format!("{}高新", "!".repeat(RULE_DEPTH + 1));
        assert!(matches!(Rule::parse(&deep), Err(RuleError::TooDeep { .. })), "{:?}", Rule::parse(&deep));
        let brackets = format!("{}高新{}", "(".repeat(RULE_DEPTH + 1), ")".repeat(RULE_DEPTH + 1));
        assert!(Rule::parse(&brackets).unwrap_err().to_string().contains("嵌套超过32层"));
        // Just inside both limits still parses.
        let fine = format!("{}高新{}", "(".repeat(RULE_DEPTH), ")".repeat(RULE_DEPTH));
        assert_eq!(Rule::parse(&fine), Ok(Rule::Fact(Fact::HighTech)));
        let long = vec!["上市企业"; RULE_CHARS / 7].join(" 且 ");
        assert!(Rule::parse(&long).is_ok());
        // Found by `make fuzz`: short forms within the limit whose canonical spelling, the one
        // stored, is past it and would not be read back.
        let short = vec!["高新"; RULE_CHARS / 3].join(" ");
        assert!(matches!(Rule::parse(&short), Err(RuleError::TooLong { found, .. }) if found > RULE_CHARS));
    }

    pub(crate) fn arb_rule() -> impl Strategy<Value = Rule> {
        let fact = prop_oneof![
            Just(Fact::HighTech),
            Just(Fact::AboveScale),
            Just(Fact::Listed),
            Just(Fact::KeyProject),
            prop_oneof![Just(SrdiLevel::Innovative), Just(SrdiLevel::Municipal), Just(SrdiLevel::National)]
                .prop_map(Fact::Srdi),
            (prop_oneof![Just(Cmp::Ge), Just(Cmp::Gt), Just(Cmp::Le), Just(Cmp::Lt), Just(Cmp::Eq)], 0i64..1000)
                .prop_map(|(c, n)| Fact::Employees(c, n)),
            prop_oneof![Just("C"), Just("38"), Just("C39"), Just("3821"), Just("I65")]
                .prop_map(|c| Fact::Industry(IndustryCode::parse(c).unwrap())),
            prop_oneof![Just("松江综合保税区"), Just("G60脑智科创基地")].prop_map(|p| Fact::Park(p.into())),
            prop_oneof![Just(None), Just(Some("新桥现代装备产业集群".to_owned()))].prop_map(Fact::Cluster),
        ]
        .prop_map(Rule::Fact);
        fact.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(|v| flatten(v, true)),
                prop::collection::vec(inner.clone(), 2..4).prop_map(|v| flatten(v, false)),
                inner.prop_map(|r| match r {
                    Rule::Not(r) => *r,
                    r => Rule::Not(Box::new(r)),
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn the_canonical_spelling_parses_back(rule in arb_rule()) {
            let text = rule.to_string();
            prop_assert_eq!(Rule::parse(&text).unwrap(), rule, "{}", text);
        }

        /// Any text, of the rule language's own characters or not, gives a rule or a message.
        #[test]
        fn any_text_is_read_or_refused(text in "[高新规上非且或()!&| 0-9>=<从业人数行业园区集群CA-Z\\PC]{0,300}") {
            let _ = Rule::parse(&text);
        }
    }
}
