//! How listing text becomes words: full-width to half-width and lower case, the synonym
//! table's rewrites (12寸 → 300mm, 溶液 → 液, 电镀线 → 电镀设备), jieba's search-mode
//! segmentation with the industry vocabulary added, then stop words and numbers dropped.
//! The same steps run when a listing is indexed and when a query is made, so a need and an
//! offer written differently meet on the same words.
//!
//! The three data files live in `reference/search/` and are compiled in: no file or network
//! is read at run time.

use std::collections::{HashMap, HashSet};
use std::io::BufReader;
use std::sync::LazyLock;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy_jieba::jieba_rs::Jieba;

const INDUSTRY_WORDS: &str = include_str!("../../../reference/search/industry_words.txt");
const SYNONYMS: &str = include_str!("../../../reference/search/synonyms.csv");
const STOP_WORDS: &str = include_str!("../../../reference/search/stopwords.txt");

/// Single characters worth showing a broker as a shared word: materials and parts named by
/// one character. Other single characters are indexed but never shown.
const KEPT_SINGLE: &str = "液钢铝铜锡镍锌钛硅泵阀膜胶漆";

fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

struct Rewrite {
    from: Vec<char>,
    to: &'static str,
}

pub(crate) struct Analyzer {
    jieba: Jieba,
    /// Rewrites by their first character, longest first.
    rewrites: HashMap<char, Vec<Rewrite>>,
    stop: HashSet<&'static str>,
}

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::build);

/// Loads jieba's dictionary and the data files now rather than on the first query.
pub fn warm_up() {
    LazyLock::force(&ANALYZER);
}

impl Analyzer {
    fn build() -> Analyzer {
        let mut jieba = Jieba::new();
        let mut words = String::new();
        for line in data_lines(INDUSTRY_WORDS) {
            let mut parts = line.split_whitespace();
            let Some(word) = parts.next() else { continue };
            match parts.next().and_then(|f| f.parse::<usize>().ok()) {
                Some(freq) => words.push_str(&format!("{word} {freq}\n")),
                None => {
                    jieba.add_word(word, None, None);
                }
            }
        }
        if !words.is_empty() {
            // Lines with an explicit frequency; the file is ours and parsed above, so a
            // failure here would only drop those words, which the tests would show.
            let _ = jieba.load_dict(&mut BufReader::new(words.as_bytes()));
        }

        let mut rewrites: HashMap<char, Vec<Rewrite>> = HashMap::new();
        for line in data_lines(SYNONYMS) {
            let mut cols = line.split(',').map(str::trim).filter(|c| !c.is_empty());
            let Some(to) = cols.next() else { continue };
            for from in std::iter::once(to).chain(cols) {
                let from: Vec<char> = from.chars().collect();
                if let Some(&first) = from.first() {
                    rewrites.entry(first).or_default().push(Rewrite { from, to });
                }
            }
        }
        for list in rewrites.values_mut() {
            list.sort_by_key(|r| std::cmp::Reverse(r.from.len()));
        }

        let stop = data_lines(STOP_WORDS).collect();
        Analyzer { jieba, rewrites, stop }
    }

    /// Full-width to half-width, lower case, then the synonym table's rewrites, longest
    /// first, after a number and its unit are joined. A written form that starts with a digit or letter is rewritten only where it
    /// does not continue a number or word ("8寸" is not rewritten inside "18寸", "sic" not
    /// inside "basic"), and one that ends with a digit only where no digit or decimal point
    /// follows ("q345" not inside "q3450").
    fn normalise(&self, text: &str) -> String {
        let spaced: Vec<char> = qunlian_domain::text::normalize(text).to_lowercase().chars().collect();
        // "300 mm", "12 英寸": a number and its unit are one word.
        let chars: Vec<char> = spaced
            .iter()
            .enumerate()
            .filter(|&(i, &c)| {
                !(c == ' '
                    && i > 0
                    && spaced[i - 1].is_ascii_digit()
                    && spaced.get(i + 1).is_some_and(|n| !n.is_ascii_digit() && !n.is_whitespace()))
            })
            .map(|(_, &c)| c)
            .collect();
        let mut out = String::with_capacity(text.len() + 8);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let found = self.rewrites.get(&c).and_then(|list| {
                list.iter().find(|r| {
                    let end = i + r.from.len();
                    end <= chars.len()
                        && chars[i..end] == r.from[..]
                        && !(c.is_ascii_alphanumeric()
                            && i > 0
                            && (chars[i - 1].is_ascii_alphanumeric() || chars[i - 1] == '.'))
                        && !(r.from.last().is_some_and(|l| l.is_ascii_alphabetic())
                            && chars.get(end).is_some_and(|n| n.is_ascii_alphabetic()))
                        && !(r.from.last().is_some_and(|l| l.is_ascii_digit())
                            && chars.get(end).is_some_and(|n| n.is_ascii_digit() || *n == '.'))
                })
            });
            match found {
                Some(r) => {
                    out.push_str(r.to);
                    i += r.from.len();
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out
    }

    fn keep(&self, word: &str) -> bool {
        word.chars().any(char::is_alphanumeric)
            && !word.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '%' || c == '-')
            && !self.stop.contains(word)
    }

    /// The words of `text` as indexed and queried, in order, repeats kept; a code written
    /// with a space ("iso 9001", "dn 50") also gives the word it is written without one.
    fn words(&self, text: &str) -> Vec<String> {
        let text = self.normalise(text);
        let mut words: Vec<String> = self
            .jieba
            .cut_for_search(&text, true)
            .into_iter()
            .map(|t| t.word.trim())
            .filter(|w| self.keep(w))
            .map(str::to_owned)
            .collect();
        words.extend(spaced_codes(&text).filter(|w| self.keep(w)));
        words.extend(temperatures(&text));
        words
    }
}

/// Temperatures as one word each, written one way: "2~8℃", "2-8度", "2至8°c" → `2-8℃`;
/// "零下18度", "负18℃", "-18℃" → `-18℃`; "85℃" → `85℃`. The segmenter splits a number from
/// its ℃ and a number alone is no word, so a cold store's or a test's temperature was lost.
/// 度 counts as ℃ only below zero or in a range (215度 is a kWh, 90度弯头 an angle).
fn temperatures(text: &str) -> Vec<String> {
    let c: Vec<char> = text.chars().collect();
    let number = |mut i: usize| -> Option<(usize, String)> {
        let start = i;
        while i < c.len() && (c[i].is_ascii_digit() || (c[i] == '.' && i > start)) {
            i += 1;
        }
        (i > start && c[start].is_ascii_digit()).then(|| (i, c[start..i].iter().collect::<String>()))
    };
    let below = |i: usize| -> Option<usize> {
        let rest: String = c[i..c.len().min(i + 2)].iter().collect();
        if rest == "零下" {
            Some(i + 2)
        } else if c.get(i).is_some_and(|&x| x == '负' || (x == '-' && (i == 0 || !c[i - 1].is_ascii_alphanumeric()))) {
            Some(i + 1)
        } else {
            None
        }
    };
    let signed = |i: usize| -> Option<(usize, String, bool)> {
        match below(i) {
            Some(j) => number(j).map(|(k, n)| (k, format!("-{n}"), true)),
            None => number(i).map(|(k, n)| (k, n, false)),
        }
    };
    let unit = |i: usize| -> Option<(usize, bool)> {
        let rest: String = c[i..c.len().min(i + 3)].iter().collect();
        if rest.starts_with('℃') {
            Some((i + 1, true))
        } else if rest.starts_with("°c") {
            Some((i + 2, true))
        } else if rest.starts_with("摄氏度") {
            Some((i + 3, true))
        } else if rest.starts_with('度') {
            Some((i + 1, false))
        } else {
            None
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let fresh = i == 0 || !(c[i - 1].is_ascii_alphanumeric() || c[i - 1] == '.');
        let Some((j, lo, lo_below)) = signed(i).filter(|_| fresh) else {
            i += 1;
            continue;
        };
        // A range: 2-8, 2~8, 2至8, -40~85.
        let range = c
            .get(j)
            .filter(|&&x| matches!(x, '-' | '~' | '至' | '到' | '—'))
            .and_then(|_| signed(j + 1).or_else(|| number(j + 1).map(|(k, n)| (k, n, false))));
        let (end, word, sure) = match range {
            Some((k, hi, _)) => (k, format!("{lo}-{hi}"), true),
            None => (j, lo, lo_below),
        };
        match unit(end) {
            Some((after, degrees)) if degrees || sure => {
                out.push(format!("{word}℃"));
                i = after;
            }
            _ => i = j,
        }
    }
    out
}

/// Measure words after a number: what follows is a count, not a code.
const COUNTED: &str = "台个件套只吨根条张箱批人名位家天年月日次万元";

/// Codes written with a space between their letters and their number — "iso 9001", "iatf
/// 16949", "dn 50", "pn 16" — joined as they are written without it ("iso9001"), which is
/// how the segmenter reads them then; the letters stay a word of their own as well, and a
/// number alone is no word (`keep`), so without this the two spellings shared nothing.
/// Only a whole run of two or more ASCII letters followed by a whole run of two or more digits
/// that is not a count ("agv 20台" is twenty AGVs, not a model).
fn spaced_codes(text: &str) -> impl Iterator<Item = String> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let start = i;
            if !b[i].is_ascii_lowercase() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            while i < b.len() && b[i].is_ascii_lowercase() {
                i += 1;
            }
            let letters = i;
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            let digits = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let joined = letters - start >= 2
                && digits > letters
                && i - digits >= 2
                && !b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.')
                && !text[i..].starts_with(|c| COUNTED.contains(c));
            if joined {
                return Some(format!("{}{}", &text[start..letters], &text[digits..i]));
            }
            i = letters.max(start + 1);
        }
        None
    })
}

/// The text as the index sees it before segmentation (for tests and the docs).
pub fn normalise(text: &str) -> String {
    ANALYZER.normalise(text)
}

/// The words of `text` as indexed and queried, in order, repeats kept.
pub fn words(text: &str) -> Vec<String> {
    ANALYZER.words(text)
}

/// The distinct words of `text`, in order of first appearance.
pub fn distinct_words(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    words(text).into_iter().filter(|w| seen.insert(w.clone())).collect()
}

/// Whether a word is worth showing a broker: not a lone character (unless a material or
/// part named by one, 液, 钢, 泵…).
pub fn is_readable(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => KEPT_SINGLE.contains(c),
        (Some(_), Some(_)) => true,
        _ => false,
    }
}

/// The words of `subject` (distinct, in order) that `other` also holds, as a broker reads
/// them: lone characters dropped, and a word dropped when a longer shared word contains it
/// (去毛刺, not also 毛刺 and 去毛).
pub fn shared_words(subject: &[String], other: &HashSet<String>) -> Vec<String> {
    let shared: Vec<&String> = subject.iter().filter(|w| other.contains(*w) && is_readable(w)).collect();
    shared
        .iter()
        .filter(|w| !shared.iter().any(|longer| longer.len() > w.len() && longer.contains(w.as_str())))
        .map(|w| (*w).clone())
        .collect()
}

/// The tantivy tokenizer: [`words`] with ordinal positions.
#[derive(Clone, Default)]
pub struct ZhTokenizer;

pub struct WordStream {
    tokens: Vec<Token>,
    /// One past the current token; 0 before the first `advance`.
    next: usize,
    none: Token,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens = words(text)
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token { offset_from: 0, offset_to: 0, position, text, position_length: 1 })
            .collect();
        WordStream { tokens, next: 0, none: Token::default() }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        self.next.checked_sub(1).and_then(|i| self.tokens.get(i)).unwrap_or(&self.none)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.none,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_units_and_liquids_are_written_one_way() {
        assert_eq!(normalise("１２寸晶圆电镀线"), "300mm晶圆电镀设备");
        assert_eq!(normalise("12 英寸 与 300 mm"), "300mm 与 300mm");
        assert_eq!(normalise("118寸"), "118寸");
        assert_eq!(normalise("去毛刺溶液"), "去毛刺液");
        assert_eq!(normalise("自动化生产线"), "自动化生产线");
        assert_eq!(normalise("生产线与产线"), "生产线与生产线");
        assert_eq!(normalise("BASIC SiC衬底"), "basic 碳化硅衬底");
        assert_eq!(normalise("SUS304"), "sus304不锈钢");
        assert_eq!(normalise("SUS 420"), "不锈钢 420");
    }

    #[test]
    fn grades_names_and_standards_are_written_one_way() {
        // Old and new GB, JIS and AISI names of one grade; the grade stays a word.
        for written in ["06Cr19Ni10", "0Cr18Ni9", "S30408", "304不锈钢", "不锈钢304"] {
            assert_eq!(normalise(written), "sus304不锈钢", "{written}");
        }
        assert_eq!(normalise("0Cr18Ni9Ti"), "sus321不锈钢");
        assert_eq!(normalise("LY12棒"), "2a12棒");
        let w = words("06Cr19Ni10板材");
        assert!(w.contains(&"sus304".to_owned()) && w.contains(&"不锈钢".to_owned()), "{w:?}");
        // Chinese names of polymers meet the abbreviations offers use, and the guard rows keep
        // longer names whole (聚丙烯腈 is not 聚丙烯, 多聚甲醛 not 聚甲醛).
        assert_eq!(normalise("聚丙烯颗粒与亚克力板"), "pp颗粒与pmma板");
        assert_eq!(normalise("聚丙烯腈、聚丙烯酰胺、多聚甲醛"), "pan、pam、多聚甲醛");
        assert_eq!(normalise("尼龙66与尼龙6"), "pa66与pa6");
        // A standard under its old and new names, with or without a space.
        assert_eq!(normalise("ISO/TS 16949与IATF16949"), "iatf16949与iatf16949");
        assert_eq!(normalise("OHSAS18001"), "iso45001");
        // ASCII forms only as words of their own.
        assert_eq!(normalise("ipad与IPA"), "ipad与异丙醇");
    }

    #[test]
    fn industry_words_stay_whole_and_noise_goes() {
        let w = words("求购12寸晶圆电镀线一条，有限公司，1.25吨");
        assert!(w.contains(&"300mm".to_owned()), "{w:?}");
        assert!(w.contains(&"晶圆".to_owned()) && w.contains(&"电镀".to_owned()), "{w:?}");
        assert!(!w.iter().any(|x| x == "有限公司" || x == "1.25" || x == "求购" || x == "，"), "{w:?}");
        let w = words("交流伺服驱动器");
        assert!(w.contains(&"伺服".to_owned()) && w.contains(&"伺服驱动器".to_owned()), "{w:?}");
        let w = words("去毛刺液");
        assert!(w.contains(&"去毛刺".to_owned()), "{w:?}");
    }

    #[test]
    fn shared_words_read_well() {
        let subject = distinct_words("急需去毛刺液和电镀液");
        let other: HashSet<String> = words("去毛刺溶液，电镀").into_iter().collect();
        let shared = shared_words(&subject, &other);
        assert!(shared.contains(&"去毛刺液".to_owned()) || shared.contains(&"去毛刺".to_owned()), "{shared:?}");
        assert!(!shared.contains(&"毛刺".to_owned()), "{shared:?}");
        assert!(!shared.iter().any(|w| w == "和" || w == "急需"), "{shared:?}");
    }

    #[test]
    fn a_code_written_with_a_space_is_the_code_written_without() {
        for (spaced, joined) in [("ISO 9001认证", "iso9001"), ("IATF 16949体系", "iatf16949"), ("DN 50 截止阀", "dn50")]
        {
            assert!(words(spaced).contains(&joined.to_owned()), "{spaced}: {:?}", words(spaced));
        }
        assert!(words("ISO9001认证").contains(&"iso9001".to_owned()));
        // Not a part of a longer code or number, not a decimal.
        for (text, not) in [
            ("abs 3.5mm", "abs3"),
            ("采购agv 20台", "agv20"),
            ("m 10", "m10"),
            ("x1 200", "x1200"),
            ("iso 9001.5", "iso9001"),
        ] {
            assert!(!words(text).contains(&not.to_owned()), "{text}: {:?}", words(text));
        }
        assert!(spaced_codes("x1 200 abc").next().is_none());
        // A written form ending in a digit is not rewritten inside a longer number.
        assert_eq!(normalise("q355钢板"), "q345钢板");
        assert_eq!(normalise("q3550"), "q3550");
    }

    #[test]
    fn a_temperature_is_one_word_written_one_way() {
        for (text, word) in [
            ("样本要保持2-8度", "2-8℃"),
            ("2~8℃医用保温箱", "2-8℃"),
            ("2至8°C冷藏", "2-8℃"),
            ("零下18度冷库", "-18℃"),
            ("-18℃冷库", "-18℃"),
            ("负25度", "-25℃"),
            ("双85：85℃/85%RH", "85℃"),
            ("-40~85℃循环", "-40-85℃"),
        ] {
            assert!(words(text).contains(&word.to_owned()), "{text}: {:?}", words(text));
        }
        for text in ["储能215度", "90度弯头", "sus304-20", "调试30度角"] {
            assert!(!words(text).iter().any(|w| w.ends_with('℃')), "{text}: {:?}", words(text));
        }
    }

    #[test]
    fn the_tokenizer_streams_the_words() {
        let mut t = ZhTokenizer;
        let mut stream = t.token_stream("伺服电机");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, words("伺服电机"));
        assert!(!stream.advance());
    }
}
