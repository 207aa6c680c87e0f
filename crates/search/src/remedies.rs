//! The problem → remedy table (`reference/search/remedies.csv`; docs/matching.md, “Remedies
//! for a need's problem”): a need that names its problem or use (仓库返潮, 注塑模具控温)
//! while the offer that answers it names the remedy (工业除湿机, 油温机) shares no word with
//! it. A row's triggers are problem or use phrases; a need whose text holds one lends its
//! remedies' words to the lexical query, as the nearest by meaning lend theirs: at a
//! description word's weight, after the need's own words, and never shown as a shared word.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::analysis;

const TABLE: &str = include_str!("../../../reference/search/remedies.csv");

/// A need's remedy words weigh as much as a word of its description (chosen on the two
/// tuning sets: 0.25, 0.5, 1, 1.5, 2 tried; docs/matching.md)…
pub const REMEDY_WEIGHT: f32 = 1.0;
/// …at most this many of them (the rarest) are asked.
pub const REMEDY_WORDS: usize = 6;

struct Row {
    /// The triggers as the analyser normalises text (full-width folded, synonyms applied).
    triggers: Vec<String>,
    /// The triggers as written in the table, for a reason shown to a broker.
    written: Vec<String>,
    /// The remedies' words as indexed.
    words: Vec<String>,
    /// The remedies whole, normalised: an offer is named as a row's remedy only when it
    /// holds one of them (除湿机), not merely one of their words (工业 of 工业除湿).
    remedies: Vec<String>,
}

static ROWS: LazyLock<Vec<Row>> = LazyLock::new(|| {
    TABLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|line| {
            let (triggers, remedies) = line.split_once(',')?;
            let written: Vec<String> =
                triggers.split('|').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
            let triggers: Vec<String> = written.iter().map(|t| analysis::normalise(t)).collect();
            let whole: Vec<String> =
                remedies.split('|').map(str::trim).filter(|r| !r.is_empty()).map(analysis::normalise).collect();
            let mut seen = HashSet::new();
            let words: Vec<String> = remedies
                .split('|')
                .flat_map(analysis::distinct_words)
                .filter(|w| analysis::is_readable(w) && seen.insert(w.clone()))
                .collect();
            (!triggers.is_empty() && !words.is_empty()).then_some(Row { triggers, written, words, remedies: whole })
        })
        .collect()
});

/// Loads the table now rather than on the first query.
pub fn warm_up() {
    LazyLock::force(&ROWS);
}

/// The words the remedies of `text`'s problems lend it: of every row one of whose triggers
/// the normalised text holds, the remedies' words that `own` does not hold, in the table's
/// order, each once.
pub fn lent_words(text: &str, own: &[String]) -> Vec<String> {
    let text = analysis::normalise(text);
    let mut out: Vec<String> = Vec::new();
    for row in ROWS.iter().filter(|r| r.triggers.iter().any(|t| text.contains(t.as_str()))) {
        for w in &row.words {
            if !own.contains(w) && !out.contains(w) {
                out.push(w.clone());
            }
        }
    }
    out
}

/// For each of `offers`, the problem or use written in `need` (a trigger, as the table writes
/// it) one of whose remedies the offer names whole: why the offer answers the need, for a
/// broker (“可解决：返潮”); the first such row in the table's order. The need's rows are found
/// once for all the offers.
pub fn answered(need: &str, offers: &[&str]) -> Vec<Option<String>> {
    let need = analysis::normalise(need);
    // Each row the need holds a trigger of, with that trigger as written.
    let rows: Vec<(&Row, &String)> = ROWS
        .iter()
        .filter_map(|r| r.triggers.iter().zip(&r.written).find(|(t, _)| need.contains(t.as_str())).map(|(_, w)| (r, w)))
        .collect();
    offers
        .iter()
        .map(|offer| {
            if rows.is_empty() {
                return None;
            }
            let offer = analysis::normalise(offer);
            rows.iter()
                .find(|(r, _)| r.remedies.iter().any(|remedy| offer.contains(remedy.as_str())))
                .map(|(_, written)| (*written).clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_lends_its_remedies_words_and_nothing_else_does() {
        let own = analysis::distinct_words("仓库返潮");
        let lent = lent_words("仓库返潮严重", &own);
        assert!(lent.iter().any(|w| w.contains("除湿")), "{lent:?}");
        assert!(lent.iter().all(|w| !own.contains(w)));
        assert!(lent_words("采购不锈钢板材", &analysis::distinct_words("采购不锈钢板材")).is_empty());
    }

    #[test]
    fn the_problem_an_offer_answers_is_named_as_written() {
        let named = answered("仓库返潮严重", &["工业除湿机出售", "仓库货架", "工业铝型材"]);
        assert_eq!(named[0].as_deref(), Some("返潮"));
        assert_eq!(named[1], None, "an offer naming no remedy answers nothing");
        assert_eq!(named[2], None, "a remedy's word alone (工业 of 工业除湿) is no remedy");
        assert_eq!(answered("采购不锈钢板材", &["工业除湿机出售"]), [None], "a need naming no problem of the table");
    }

    #[test]
    fn every_row_of_the_table_reads() {
        let rows = TABLE.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).count();
        assert_eq!(ROWS.len(), rows, "a row without a trigger, or whose remedies hold no word the index keeps");
    }
}
