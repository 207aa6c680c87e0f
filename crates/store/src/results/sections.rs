//! The sections a scorecard and a district's or town's figures share: work (activities),
//! chain, services and projects (of one cluster, or of everything the caller's scope reaches), and the economy
//! from the sums of `totals.rs`.

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, ClusterId};
use qunlian_domain::projects::Tier;
use qunlian_domain::results::Period;

use super::*;
use crate::activities::GroupBy;
use crate::matching::{IntroductionFigures, IntroductionFilter};
use crate::projects::{ProjectFilter, ProjectRecord};
use crate::services::{ReportRow, ServiceFilter};

/// The economy figures of a scope from its indicator totals.
pub(super) fn economy_figures(totals: Vec<IndicatorTotal>) -> Vec<ScoreFigure> {
    let mut economy = Vec::new();
    for t in totals {
        let value = |v: Option<i64>| match v {
            None => Value::Missing,
            Some(v) if t.indicator.is_money() => Value::Money(v),
            Some(v) => Value::People(v),
        };
        let as_of = t.as_of.map_or_else(|| "本期无数据".to_owned(), |d| format!("截至 {d}"));
        let mut f =
            figure(t.indicator.code(), t.indicator.label(), value(t.current), Drill::Figures(t.indicator), &as_of);
        f.previous = Some(value(t.previous));
        f.change = t.yoy.text();
        f.why_no_change = t.yoy.why_none().map(str::to_owned);
        let mut notes = vec![format!("{}家企业填报", t.reporting)];
        if t.comparable > 0 && (t.comparable != t.reporting || t.comparable != t.previous_reporting) {
            notes.push(format!("同比按两期均有数据的{}家企业计算", t.comparable));
        }
        f.note = Some(notes.join("；"));
        economy.push(f);
    }
    economy
}

/// What a section of a scorecard or a headline counts: the records of the cluster, or of the
/// towns of `region` (neither: everything the caller sees). Of a town means, per capability:
/// activities held there (`town_code`), introductions with either side's enterprise there,
/// service requests of an enterprise there, projects of a Party organisation of the town.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionScope {
    pub cluster: Option<ClusterId>,
    pub region: Option<RegionCode>,
}

impl Results<'_> {
    /// Activities held in `period` and their participant-times (参与人次), by the activities
    /// capability's own counting (`Activities::figures`, by cluster or by town), over what the
    /// caller sees.
    pub async fn activity_counts(self, caller: &Caller, of: SectionScope, period: Period) -> Result<(u64, u64)> {
        let (from, after) = period.dates();
        let to = after.pred_opt().unwrap_or(after);
        let by = if of.cluster.is_some() { GroupBy::Cluster } else { GroupBy::Town };
        let rows = self.store.activities().figures(caller, by, from, to).await?;
        let counted = |key: &str| match (of.cluster, &of.region) {
            (Some(c), _) => key == c.0.to_string(),
            (None, Some(r)) => RegionCode::parse(key).is_ok_and(|t| t == *r || t.is_within(r)),
            (None, None) => true,
        };
        Ok(rows.iter().filter(|r| counted(&r.key)).fold((0, 0), |(n, p), r| (n + r.activities, p + r.participants)))
    }

    /// The sections of a cluster's scorecard and of a district's or town's figures, in the
    /// order both show them: 组织建设 (`organisation`, counted by the caller, since a cluster's
    /// and a region's differ), 工作开展 (for a caller who may read activities), 经济指标
    /// (`economy`), then 链上对接, 企业服务 and 深度融合项目.
    pub(super) async fn sections(
        self,
        caller: &Caller,
        of: SectionScope,
        period: Period,
        now_text: &str,
        organisation: ScoreSection,
        economy: Vec<ScoreFigure>,
    ) -> Result<Vec<ScoreSection>> {
        let mut sections = vec![organisation];
        sections.extend(self.work_section(caller, of, period, now_text).await?);
        sections.push(ScoreSection { title: "经济指标", figures: economy });
        sections.push(self.chain_section(caller, of, period, now_text).await?);
        sections.push(self.service_section(caller, of, period, now_text).await?);
        sections.push(self.project_section(caller, of, period, now_text).await?);
        Ok(sections)
    }

    /// 工作开展: activities and participant-times in the period beside the year before; None
    /// for a caller who may not read activities.
    async fn work_section(
        self,
        caller: &Caller,
        of: SectionScope,
        period: Period,
        now_text: &str,
    ) -> Result<Option<ScoreSection>> {
        if !caller.may(Action::ReadActivities) {
            return Ok(None);
        }
        let now = self.activity_counts(caller, of, period).await?;
        let before = self.activity_counts(caller, of, period.previous_year()).await?;
        let drill = |p: Period| Drill::Activities { period: p };
        Ok(Some(section(
            "工作开展",
            (&now, &before),
            now_text,
            vec![
                row("activities", "开展活动", drill(period), |c: &(u64, u64)| Value::Count(c.0)),
                row("participants", "参与人次", drill(period), |c: &(u64, u64)| Value::Count(c.1)),
            ],
        )))
    }

    /// Introductions made in the period, the deals among them and their value.
    async fn chain_section(
        self,
        caller: &Caller,
        of: SectionScope,
        period: Period,
        now_text: &str,
    ) -> Result<ScoreSection> {
        let matching = self.store.matching();
        let made_in = |p: Period| IntroductionFilter { town: of.region, ..introduction_filter(of.cluster, p, false) };
        let chain_now = matching.introduction_figures(caller, &made_in(period)).await?;
        let chain_before = matching.introduction_figures(caller, &made_in(period.previous_year())).await?;
        Ok(section(
            "链上对接",
            (&chain_now, &chain_before),
            now_text,
            vec![
                row("introductions", "牵线对接", Drill::Introductions { won: false }, |f: &IntroductionFigures| {
                    Value::Count(f.total)
                }),
                row("deals", "达成合作", Drill::Introductions { won: true }, |f: &IntroductionFigures| {
                    Value::Count(f.won)
                }),
                row("deal_value", "合作金额", Drill::Introductions { won: true }, |f: &IntroductionFigures| {
                    Value::Money((f.deal_value_wan * 10_000.0).round() as i64)
                }),
            ],
        ))
    }

    /// Service requests filed in the period: finished, on time, the median lead time.
    async fn service_section(
        self,
        caller: &Caller,
        of: SectionScope,
        period: Period,
        now_text: &str,
    ) -> Result<ScoreSection> {
        let services = self.store.services();
        let filed_in = |p: Period| ServiceFilter { town: of.region, ..service_filter(of.cluster, p) };
        let s_now = services.total_filtered(caller, &filed_in(period)).await?;
        let s_before = services.total_filtered(caller, &filed_in(period.previous_year())).await?;
        Ok(section(
            "企业服务",
            (&s_now, &s_before),
            now_text,
            vec![
                row("requests", "服务诉求", Drill::Requests, |r: &ReportRow| Value::Count(r.count as u64)),
                row("done", "已办结", Drill::Requests, |r: &ReportRow| Value::Count(r.done as u64)),
                row("on_time_rate", "按时办结率", Drill::Requests, |r: &ReportRow| {
                    Value::Percent(r.on_time_rate())
                }),
                row("median_days", "办结用时中位数", Drill::Requests, |r: &ReportRow| {
                    Value::Days(r.median_days)
                }),
            ],
        ))
    }

    /// Awarded projects of the period's year by tier, and their patents.
    async fn project_section(
        self,
        caller: &Caller,
        of: SectionScope,
        period: Period,
        now_text: &str,
    ) -> Result<ScoreSection> {
        let projects = self.store.projects();
        let of_year = |year: i32| ProjectFilter {
            year: Some(year),
            cluster: of.cluster.map(|c| c.0),
            town: of.region,
            ..ProjectFilter::default()
        };
        let p_now = projects.figure_list(caller, &of_year(period.year)).await?;
        let p_before = projects.figure_list(caller, &of_year(period.previous_year().year)).await?;
        let all = Drill::Projects { year: period.year, tier: None };
        let mut rows: Vec<Row<'_, [ProjectRecord]>> =
            vec![row("projects", "获评项目", all.clone(), |l: &[ProjectRecord]| Value::Count(l.len() as u64))];
        for tier in Tier::ALL {
            rows.push(row(
                format!("tier:{}", tier.code()),
                format!("其中{}", tier.label()),
                Drill::Projects { year: period.year, tier: Some(tier) },
                move |l: &[ProjectRecord]| Value::Count(l.iter().filter(|p| p.tier == Some(tier)).count() as u64),
            ));
        }
        rows.push(row("patents", "成果专利", all, |l: &[ProjectRecord]| {
            Value::Count(l.iter().map(|p| p.patents as u64).sum())
        }));
        let mut out = section("深度融合项目", (&p_now[..], &p_before[..]), now_text, rows);
        if period.span == qunlian_domain::results::Span::FirstHalf {
            for f in &mut out.figures {
                f.note = Some(format!("项目按申报年度统计：{}年全年", period.year));
            }
        }
        Ok(out)
    }
}
