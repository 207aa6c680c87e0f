//! The words of a 工作简报, written from its scorecards: 一、总体情况 (the headline figures
//! and two charts), 二、各集群工作成效 (each scorecard section in a sentence, with the year
//! before and the change as the scorecard states them), 三、典型案例 (the deals and projects).

use qunlian_domain::briefing::{Block, Briefing};

use super::briefing::{BriefingCluster, BriefingData, MAX_CASES, figure_chart};
use super::{ScoreFigure, Value};

/// 一, 二 … 九十九, for the numbering of official documents.
pub fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n % 10] }),
        20..=99 => format!("{}十{}", D[n / 10], if n.is_multiple_of(10) { "" } else { D[n % 10] }),
        _ => n.to_string(),
    }
}

/// The unit a bare count is read with.
fn count_unit(key: &str) -> &'static str {
    match key {
        "members" | "covered" => "家",
        "orgs" | "projects" | "tier:demonstration" | "tier:excellent" | "tier:selected" => "个",
        "introductions" => "次",
        "requests" | "done" => "件",
        _ => "项",
    }
}

/// A value in words: "12家", "5.1158亿元", "暂无数据".
fn worded(key: &str, v: Value) -> String {
    match v {
        Value::Count(n) => format!("{n}{}", count_unit(key)),
        Value::Missing => "暂无数据".to_owned(),
        v => v.text(),
    }
}

/// A scorecard figure in words, with the year before and the change when it has them.
fn figure_sentence(f: &ScoreFigure, previous_label: &str) -> String {
    let mut s = format!("{}{}", f.label, worded(&f.key, f.current));
    if let Some(p) = f.previous
        && f.change != "—"
    {
        let change = if f.current.text().ends_with('%') || matches!(f.current, Value::Money(_)) {
            format!("同比{}", f.change)
        } else {
            format!("变化{}", f.change)
        };
        s.push_str(&format!("（{previous_label}{}，{change}）", worded(&f.key, p)));
    }
    s
}

fn cluster_blocks(n: usize, c: &BriefingCluster, previous_label: &str) -> Vec<Block> {
    let mut out = vec![Block::Subheading(format!("（{}）{}", chinese_number(n), c.card.cluster_name))];
    for s in &c.card.sections {
        if s.figures.is_empty() {
            continue;
        }
        let parts: Vec<String> = s.figures.iter().map(|f| figure_sentence(f, previous_label)).collect();
        let as_of = s.figures.iter().map(|f| f.as_of.as_str()).find(|a| a.starts_with("截至")).unwrap_or("");
        let as_of = if as_of.is_empty() { String::new() } else { format!("（{as_of}）") };
        out.push(Block::Paragraph(format!("{}：{}{as_of}。", s.title, parts.join("；"))));
    }
    out
}

/// The cases of a cluster past the ones listed, counted.
fn rest(c: &BriefingCluster, total: usize, what: &str) -> Option<Block> {
    (total > MAX_CASES)
        .then(|| Block::Paragraph(format!("{}另有{}{what}，详见平台记录。", c.short_name, total - MAX_CASES)))
}

fn cases(data: &BriefingData) -> Vec<Block> {
    let mut out = vec![Block::Heading("三、典型案例".to_owned()), Block::Subheading("（一）达成合作".to_owned())];
    let mut i = 0;
    for c in &data.clusters {
        for d in c.deals.iter().take(MAX_CASES) {
            i += 1;
            let value = d.deal_value_wan.map(|v| format!("，合作金额{}万元", trim_number(v))).unwrap_or_default();
            out.push(Block::Paragraph(format!(
                "{i}.{}的“{}”与{}的“{}”达成合作{value}（{}）。",
                d.need_unit, d.need_title, d.offer_unit, d.offer_title, c.short_name
            )));
        }
        out.extend(rest(c, c.deals.len(), "项合作"));
    }
    if i == 0 {
        out.push(Block::Paragraph(format!("{}暂无经牵线达成的合作。", data.period.label())));
    }
    out.push(Block::Subheading("（二）深度融合项目".to_owned()));
    let mut i = 0;
    for c in &data.clusters {
        for p in c.projects.iter().take(MAX_CASES) {
            i += 1;
            let tier = p.tier.map(|t| t.label().to_owned()).unwrap_or_else(|| p.row.state.label().to_owned());
            let closed =
                if p.row.state == qunlian_domain::projects::ApplicationState::Closed { "，已结项" } else { "" };
            let patents = if p.patents > 0 { format!("，成果专利{}项", p.patents) } else { String::new() };
            out.push(Block::Paragraph(format!(
                "{i}.“{}”（{}，{}年度{tier}{closed}{patents}；{}）。",
                p.row.title, p.row.org_name, p.year, c.short_name
            )));
        }
        out.extend(rest(c, c.projects.len(), "个项目"));
    }
    if i == 0 {
        out.push(Block::Paragraph(format!("{}年度暂无获评的深度融合项目。", data.period.year)));
    }
    out
}

/// 1200 → "1200", 12.5 → "12.5".
fn trim_number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The briefing's document.
pub fn document(data: &BriefingData) -> Briefing {
    let period = data.period.label();
    let previous_label = format!("{}为", data.period.previous_year().label());
    let names: Vec<&str> = data.clusters.iter().map(|c| c.card.cluster_name.as_str()).collect();
    let mut blocks = vec![Block::Heading("一、总体情况".to_owned())];
    let single = data.clusters.len() == 1;
    let parts: Vec<String> = data
        .headline
        .iter()
        .map(|h| match data.clusters.first().and_then(|c| c.card.figure(h.key)).filter(|_| single) {
            // One cluster: its scorecard's figure with its year-on-year, word for word.
            Some(f) => figure_sentence(f, &previous_label),
            None => format!("{}{}", h.label, worded(h.key, h.value)),
        })
        .collect();
    let mut overview =
        format!("{period}，{}纳入统计的产业集群{}个：{}。", data.scope_label, names.len(), names.join("、"));
    overview.push_str(if single { "主要指标：" } else { "各集群合计：" });
    overview.push_str(&parts.join("，"));
    overview.push('。');
    if !single {
        overview.push_str("同一企业属于多个集群的，在各集群分别计入；同比变化见各集群情况。");
    }
    blocks.push(Block::Paragraph(overview));
    for (i, key) in ["tax", "deals"].iter().enumerate() {
        if let Some(chart) = figure_chart(data, key, i + 1) {
            blocks.push(Block::Chart(chart));
        }
    }
    blocks.push(Block::Heading("二、各集群工作成效".to_owned()));
    for (i, c) in data.clusters.iter().enumerate() {
        blocks.extend(cluster_blocks(i + 1, c, &previous_label));
    }
    blocks.extend(cases(data));
    Briefing {
        title: "集群党建工作简报".to_owned(),
        subtitle: format!("（{period} · {}）", data.scope_label),
        signature: format!("区委组织部　{}", data.document.signature),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_read_as_in_official_documents() {
        let n: Vec<String> = [1, 9, 10, 11, 20, 21].into_iter().map(super::chinese_number).collect();
        assert_eq!(n, ["一", "九", "十", "十一", "二十", "二十一"]);
        assert_eq!(super::trim_number(1200.0), "1200");
        assert_eq!(super::trim_number(12.5), "12.5");
    }
}
