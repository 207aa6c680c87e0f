//! The rubric as the 组织部 officer types it on the round's rubric page: one row a criterion
//! (name, department, weight, highest score, one level a line as "6：党组织牵头组织", veto
//! flag), read into a [`Rubric`] with each wrong row named; the rubric's own check (weights
//! summing to 100, every department with a criterion) runs after.

use super::{Criterion, Level, ReviewSide, Rubric, RubricError};
use crate::fields::FieldErrors;

/// One row of the form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawCriterion {
    /// The criterion's stable key (kept from the rubric it edits; empty for a new row).
    pub key: String,
    pub name: String,
    /// A department by code or name (组织部, 经委, 科委).
    pub side: String,
    pub weight: String,
    pub max: String,
    pub levels: String,
    pub veto: bool,
}

impl RawCriterion {
    /// A criterion as a form row shows it.
    pub fn of(c: &Criterion) -> RawCriterion {
        RawCriterion {
            key: c.key.clone(),
            name: c.name.clone(),
            side: c.side.code().to_owned(),
            weight: c.weight.to_string(),
            max: c.max.to_string(),
            levels: c.levels.iter().map(|l| format!("{}：{}", l.score, l.text)).collect::<Vec<_>>().join("\n"),
            veto: c.veto,
        }
    }

    fn is_blank(&self) -> bool {
        self.name.trim().is_empty() && self.weight.trim().is_empty() && self.levels.trim().is_empty() && !self.veto
    }
}

/// "6：党组织牵头组织", "6 党组织牵头组织" or "6分：…": a level.
fn level(line: &str) -> Option<Level> {
    let line = line.trim();
    let digits: String = line.chars().take_while(char::is_ascii_digit).collect();
    let score = digits.parse::<u8>().ok()?;
    let rest = line[digits.len()..].trim_start_matches('分').trim_start_matches([':', '：', ' ', '、', '.', '．']);
    Some(Level { score, text: rest.trim().to_owned() })
}

impl Rubric {
    /// Reads the form's rows (blank rows skipped), naming the row of each mistake, then
    /// checks the whole (weights, departments, levels).
    pub fn from_rows(rows: &[RawCriterion]) -> Result<Rubric, RubricError> {
        let mut e = FieldErrors::new();
        let mut criteria = Vec::new();
        for (i, raw) in rows.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
            let row = i + 1;
            let name = raw.name.trim();
            let who = if name.is_empty() { format!("第 {row} 行") } else { format!("第 {row} 行“{name}”") };
            let side = ReviewSide::parse(raw.side.trim()).map_err(|_| ());
            if side.is_err() {
                e.push("criteria", format!("{who}：请选择评分部门（组织部、经委或科委）"));
            }
            let weight =
                if raw.veto && raw.weight.trim().is_empty() { Ok(0) } else { raw.weight.trim().parse::<u32>() };
            if weight.is_err() {
                e.push("criteria", format!("{who}：权重“{}”不是整数", raw.weight.trim()));
            }
            let max = if raw.veto { Ok(1) } else { raw.max.trim().parse::<u8>() };
            if max.is_err() {
                e.push("criteria", format!("{who}：满分“{}”应为 1–100 的整数", raw.max.trim()));
            }
            let mut levels = Vec::new();
            for line in raw.levels.lines().filter(|l| !l.trim().is_empty()) {
                match level(line) {
                    Some(l) => levels.push(l),
                    None => e.push("criteria", format!("{who}：档次“{}”应写成“分值：说明”", line.trim())),
                }
            }
            if raw.veto {
                levels.clear();
            }
            if let (Ok(side), Ok(weight), Ok(max)) = (side, weight, max) {
                criteria.push(Criterion {
                    key: raw.key.trim().to_owned(),
                    name: name.to_owned(),
                    side,
                    weight,
                    max,
                    levels,
                    veto: raw.veto,
                });
            }
        }
        // New rows get a key no other criterion has.
        let mut n = 1;
        for i in 0..criteria.len() {
            if criteria[i].key.is_empty() {
                while criteria.iter().any(|c| c.key == format!("c{n}")) {
                    n += 1;
                }
                criteria[i].key = format!("c{n}");
            }
        }
        let rubric = Rubric { criteria };
        if let Err(RubricError(more)) = rubric.check() {
            for m in more.messages() {
                e.push("criteria", m);
            }
        }
        e.into_result().map(|()| rubric).map_err(RubricError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projects::default_rubric;

    #[test]
    fn the_default_rubric_reads_back_from_its_rows() {
        let rubric = default_rubric();
        let mut rows: Vec<RawCriterion> = rubric.criteria.iter().map(RawCriterion::of).collect();
        rows.push(RawCriterion::default());
        assert_eq!(Rubric::from_rows(&rows).unwrap(), rubric);
    }

    #[test]
    fn a_new_row_gets_a_key_and_mistakes_name_their_row() {
        let mut rows: Vec<RawCriterion> = default_rubric().criteria.iter().map(RawCriterion::of).collect();
        rows[3].weight = "20".into();
        rows.push(RawCriterion {
            name: "成果转化".into(),
            side: "科委".into(),
            weight: "10".into(),
            max: "5".into(),
            levels: "2分：有转化计划\n5 已形成产品".into(),
            ..Default::default()
        });
        let r = Rubric::from_rows(&rows).unwrap();
        let added = r.criteria.last().unwrap();
        assert_eq!(
            (added.key.as_str(), added.side, added.levels[1].text.as_str()),
            ("c1", ReviewSide::Science, "已形成产品")
        );
        rows[0].weight = "二十".into();
        rows[1].side = "财政局".into();
        rows[2].levels = "很好".into();
        let e = Rubric::from_rows(&rows).unwrap_err().to_string();
        for want in
            ["第 1 行“党建引领”：权重“二十”不是整数", "第 2 行“党员作用发挥”：请选择评分部门", "档次“很好”应写成"]
        {
            assert!(e.contains(want), "{e} lacks {want}");
        }
        rows.truncate(3);
        rows[0].weight = "20".into();
        rows[1].side = "组织部".into();
        rows[2].levels.clear();
        let e = Rubric::from_rows(&rows).unwrap_err().to_string();
        assert!(e.contains("权重之和应为 100，现为 70") && e.contains("区科委没有评分项"), "{e}");
    }
}
