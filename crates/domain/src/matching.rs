//! Supply–demand matchmaking (要素对接 / 牵红线): offers and needs, who may see them (reach),
//! how near two enterprises are, which industries supply which (产业链上下游), the ranking
//! that combines words, chain, distance, urgency and freshness, and the states of an
//! introduction (牵线) from suggestion to deal.
//!
//! Text search itself sits behind [`SearchIndex`] (tantivy + jieba in `qunlian-search`);
//! this module decides what a good counterpart is, and says why, so a broker can explain
//! a match to both firms.

use chrono::NaiveDate;
use serde::Serialize;

use crate::codes::labelled_enum;

use crate::industry::IndustryCode;
use crate::region::RegionCode;

mod chain;
mod fields;
mod introductions;
mod semantic;
pub use chain::{chain_codes, chain_neighbours, chain_relation};
pub use fields::{RawListing, industry_field, key as listing_key};
pub use introductions::{IntroductionError, IntroductionState};
pub use semantic::{
    Embedder, ListingVector, NEIGHBOURS, SEMANTIC_WEIGHT, dot_i8, embed_text, fuse, semantic_matches, text_hash,
};

labelled_enum!(
    /// 供给 or 需求.
    ListingKind: "类型" {
        Offer = "offer", "供给", ["供", "供应", "提供"];
        Need = "need", "需求", ["需", "求购", "需要"];
    }
);

impl ListingKind {
    /// For pages: a need is shown in blue and answered by offers.
    pub fn is_need(self) -> bool {
        self == ListingKind::Need
    }

    /// The kind a listing is matched against.
    pub fn counterpart(self) -> ListingKind {
        match self {
            ListingKind::Offer => ListingKind::Need,
            ListingKind::Need => ListingKind::Offer,
        }
    }
}

labelled_enum!(
    /// Whether a listing is still offered or sought. An open listing past its date counts as
    /// expired without its status changing.
    ListingStatus: "状态" {
        Open = "open", "有效", ["开放"];
        Closed = "closed", "已关闭", ["关闭"];
    }
);

labelled_enum!(
    /// What is offered or needed.
    ListingCategory: "类别" {
        Product = "product", "产品", ["商品", "零部件"];
        Material = "material", "原材料", ["材料", "原料", "物料"];
        Equipment = "equipment", "设备", ["机器", "装备"];
        Capacity = "capacity", "产能", ["加工", "代工", "富余产能"];
        Technology = "technology", "技术", ["科技", "技术合作"];
        Talent = "talent", "人才", ["用工", "人力", "人员", "招聘", "人才用工"];
        Space = "space", "场地", ["厂房", "仓库", "仓储", "场所"];
        Service = "service", "服务", ["配套服务"];
    }
);

labelled_enum!(
    /// 一般 / 紧急 / 应急. An emergency need (a supply cut off, as in a lockdown) tops every
    /// list and notifies the cluster secretary.
    Urgency: "紧急程度" {
        Normal = "normal", "一般", ["普通", "正常", "不急"];
        Urgent = "urgent", "紧急", ["急", "加急", "较急"];
        Emergency = "emergency", "应急", ["特急", "非常紧急", "十万火急"];
    }
);

impl Urgency {
    /// Urgent and emergency needs are flagged in red on every list.
    pub fn is_pressing(self) -> bool {
        self != Urgency::Normal
    }
}

labelled_enum!(
    /// How far a listing is published. Each reach includes the narrower ones: a town-wide
    /// listing is seen by the owner's town and by its clusters' members wherever they are.
    Reach: "发布范围" {
        Cluster = "cluster", "集群内", ["集群", "本集群"];
        Town = "town", "本镇", ["街镇", "镇", "本街镇"];
        District = "district", "本区", ["区", "全区", "区内"];
        Corridor = "corridor", "G60走廊", ["G60", "走廊", "G60科创走廊"];
    }
);

labelled_enum!(
    /// How near two enterprises are, nearest first.
    Distance: "距离" {
        SameCluster = "same_cluster", "同一集群";
        SameTown = "same_town", "同镇";
        SameDistrict = "same_district", "同区";
        SameCity = "same_city", "同城";
        Corridor = "corridor", "走廊城市";
    }
);

labelled_enum!(
    /// Where one enterprise's industry sits relative to the other's in the chain.
    ChainRelation: "产业链关系" {
        Same = "same", "同行业";
        Upstream = "upstream", "上游供应";
        Downstream = "downstream", "下游客户";
    }
);

/// Where an enterprise is: its unit, its town (street) code and the clusters it belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Place {
    pub unit_id: i64,
    pub town: Option<RegionCode>,
    pub clusters: Vec<i64>,
}

impl Place {
    fn area(&self, digits: usize) -> Option<String> {
        self.town.map(|t| t.to_string().chars().take(digits).collect())
    }

    pub fn district(&self) -> Option<String> {
        self.area(6)
    }

    pub fn city(&self) -> Option<String> {
        self.area(4)
    }

    pub fn distance_to(&self, other: &Place) -> Distance {
        let same = |a: Option<String>, b: Option<String>| a.is_some() && a == b;
        if self.clusters.iter().any(|c| other.clusters.contains(c)) {
            Distance::SameCluster
        } else if same(self.town.map(|t| t.to_string()), other.town.map(|t| t.to_string())) {
            Distance::SameTown
        } else if same(self.district(), other.district()) {
            Distance::SameDistrict
        } else if same(self.city(), other.city()) {
            Distance::SameCity
        } else {
            Distance::Corridor
        }
    }

    /// The keys an enterprise at this place holds: a listing is visible to it when the
    /// listing's [`audience`] shares one of them.
    pub fn viewer_keys(&self) -> Vec<String> {
        let mut keys = vec!["all".to_owned(), format!("u:{}", self.unit_id)];
        keys.extend(self.clusters.iter().map(|c| format!("c:{c}")));
        if let Some(town) = self.town {
            keys.push(format!("t:{town}"));
        }
        if let Some(d) = self.district() {
            keys.push(format!("d:{d}"));
        }
        keys
    }
}

/// The keys that may see a listing published by `owner` with `reach`, plus keys naming the
/// owner's own places (`o…`), which officials' scopes use: a district admin sees every
/// listing whose owner is in the district, whatever its reach.
pub fn audience(owner: &Place, reach: Reach) -> Vec<String> {
    let mut keys = vec![format!("u:{}", owner.unit_id), format!("ou:{}", owner.unit_id)];
    for c in &owner.clusters {
        keys.push(format!("c:{c}"));
        keys.push(format!("oc:{c}"));
    }
    if let Some(town) = owner.town {
        keys.push(format!("ot:{town}"));
        if reach >= Reach::Town {
            keys.push(format!("t:{town}"));
        }
    }
    if let Some(d) = owner.district() {
        keys.push(format!("od:{d}"));
        if reach >= Reach::District {
            keys.push(format!("d:{d}"));
        }
    }
    if let Some(city) = owner.city() {
        keys.push(format!("ocity:{city}"));
    }
    if reach == Reach::Corridor {
        keys.push("all".to_owned());
    }
    keys
}

/// Which listings a reader may see, as the search index applies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visibility {
    Everything,
    /// Visible when the listing's audience shares one of these keys.
    Keys(Vec<String>),
}

impl Visibility {
    pub fn admits(&self, audience: &[String]) -> bool {
        match self {
            Visibility::Everything => true,
            Visibility::Keys(keys) => audience.iter().any(|a| keys.contains(a)),
        }
    }
}

/// What the index holds of one listing, and what ranking needs to know of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ListingDoc {
    pub id: i64,
    pub kind: ListingKind,
    pub category: ListingCategory,
    pub title: String,
    pub description: String,
    pub industry: Option<IndustryCode>,
    pub urgency: Urgency,
    pub reach: Reach,
    pub owner: Place,
    pub published_on: NaiveDate,
    pub valid_until: NaiveDate,
}

impl ListingDoc {
    pub fn audience(&self) -> Vec<String> {
        audience(&self.owner, self.reach)
    }
}

/// What an enterprise publishes, as a form or an import row gives it: the store adds the
/// owner, who published it and when.
#[derive(Clone, Debug, PartialEq)]
pub struct ListingFields {
    pub kind: ListingKind,
    pub category: ListingCategory,
    pub title: String,
    pub description: String,
    /// What is offered or needed; the owner's own industry is used when absent.
    pub industry: Option<IndustryCode>,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    pub urgency: Urgency,
    pub reach: Reach,
    pub valid_until: NaiveDate,
}

// ---------------------------------------------------------------------------------------
// Ranking

/// A counterpart the text index found, with its relevance and the words both share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    pub doc: ListingDoc,
    /// The index's relevance (BM25 with jieba tokens), ≥ 0.
    pub text_score: f32,
    /// Words of the subject found in the candidate, as a broker would read them.
    pub matched_terms: Vec<String>,
    /// Found only by words the subject's nearest by meaning lent its query (the index's
    /// query expansion, docs/matching.md): it holds no word of the subject's. The semantic
    /// stage ranks it, its closeness in meaning the reason ([`fuse`]); words alone do not.
    #[serde(skip)]
    pub by_meaning: bool,
}

/// Why a counterpart was recommended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reasons {
    pub matched_terms: Vec<String>,
    pub chain: Option<ChainRelation>,
    pub distance: Distance,
    pub urgency: Urgency,
    /// Both listings are of the same category (a talent need is answered by talent).
    pub same_category: Option<ListingCategory>,
    /// Days since the counterpart was published.
    pub age_days: i64,
    /// The cosine of the two listings' embeddings when the counterpart is among the
    /// subject's nearest by meaning (the semantic stage's neighbours): “语义相近”.
    pub semantic: Option<f64>,
    /// The need's problem or use this offer is the remedy of, by the index's problem →
    /// remedy table (“可解决：返潮” for a dehumidifier): set by the store after ranking.
    pub remedy_for: Option<String>,
}

impl Reasons {
    /// One sentence for the page: "共同词：去毛刺、溶液；上游供应；同一集群；应急；3天前发布".
    pub fn sentence(&self) -> String {
        let mut parts = Vec::new();
        if !self.matched_terms.is_empty() {
            parts.push(format!("共同词：{}", self.matched_terms.join("、")));
        }
        if let Some(problem) = &self.remedy_for {
            parts.push(format!("可解决：{problem}"));
        }
        if self.semantic.is_some() {
            parts.push("语义相近".to_owned());
        }
        if let Some(c) = self.chain {
            parts.push(format!("产业链：{}", c.label()));
        }
        if let Some(c) = self.same_category {
            parts.push(format!("同为{}", c.label()));
        }
        parts.push(self.distance.label().to_owned());
        if self.urgency != Urgency::Normal {
            parts.push(self.urgency.label().to_owned());
        }
        parts.push(if self.age_days <= 0 {
            "今天发布".to_owned()
        } else {
            format!("{}天前发布", self.age_days)
        });
        parts.join("；")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    pub listing_id: i64,
    pub score: f64,
    pub reasons: Reasons,
}

/// Weights of the ranking, in one place so docs/matching.md can quote them.
pub mod weights {
    /// The text score counts relative to the best candidate's: `s / (best + TEXT_HALF)`.
    /// BM25 has no upper bound and grows with the number of words a subject has (a long
    /// description scores 30–70 where a short title scores 5), so an absolute squash left
    /// every good match near 1 and let distance and chain outvote the words; relative to the
    /// best, the listing that shares most is near 1 and a near miss well below it. TEXT_HALF
    /// keeps a pool of weak matches (best 3) from looking as good as a strong one (best 50).
    pub const TEXT_HALF: f64 = 8.0;
    pub const TEXT: f64 = 1.0;
    pub const CHAIN_SUPPLY: f64 = 0.25;
    pub const CHAIN_SAME: f64 = 0.15;
    /// Same category (设备 for 设备, 人才 for 人才): a need is rarely met by another kind of thing.
    pub const SAME_CATEGORY: f64 = 0.10;
    pub const DISTANCE: [f64; 5] = [0.20, 0.15, 0.10, 0.05, 0.0];
    pub const URGENCY: [f64; 3] = [0.0, 0.05, 0.10];
    /// Freshness decays linearly to nothing over this many days.
    pub const FRESH_DAYS: f64 = 90.0;
    pub const FRESH: f64 = 0.05;
}

/// Ranks the index's candidates for `subject` and keeps the best `top`. Candidates of the
/// same kind, the subject's own enterprise's listings, expired ones and those with no shared word and no chain
/// relation are dropped: a recommendation must have a reason a broker can say aloud.
pub fn rank(subject: &ListingDoc, candidates: Vec<Candidate>, today: NaiveDate, top: usize) -> Vec<Match> {
    let best = candidates.iter().map(|c| f64::from(c.text_score.max(0.0))).fold(0.0, f64::max);
    let mut out: Vec<Match> = candidates
        .into_iter()
        .filter(|c| {
            c.doc.id != subject.id
                && c.doc.owner.unit_id != subject.owner.unit_id
                && c.doc.kind == subject.kind.counterpart()
                && c.doc.valid_until >= today
        })
        .filter_map(|c| {
            let chain = match (subject.industry, c.doc.industry) {
                (Some(a), Some(b)) => chain_relation(a, b),
                _ => None,
            };
            if c.matched_terms.is_empty() && chain.is_none() {
                return None;
            }
            let distance = subject.owner.distance_to(&c.doc.owner);
            let age_days = (today - c.doc.published_on).num_days().max(0);
            let text = f64::from(c.text_score.max(0.0));
            let mut score = weights::TEXT * text / (best + weights::TEXT_HALF);
            score += match chain {
                Some(ChainRelation::Upstream | ChainRelation::Downstream) => weights::CHAIN_SUPPLY,
                Some(ChainRelation::Same) => weights::CHAIN_SAME,
                None => 0.0,
            };
            let same_category = (c.doc.category == subject.category).then_some(subject.category);
            if same_category.is_some() {
                score += weights::SAME_CATEGORY;
            }
            score += weights::DISTANCE[distance as usize];
            score += weights::URGENCY[c.doc.urgency.max(subject.urgency) as usize];
            score += weights::FRESH * (1.0 - (age_days as f64 / weights::FRESH_DAYS)).max(0.0);
            Some(Match {
                listing_id: c.doc.id,
                score,
                reasons: Reasons {
                    matched_terms: c.matched_terms,
                    chain,
                    distance,
                    urgency: c.doc.urgency,
                    same_category,
                    age_days,
                    semantic: None,
                    remedy_for: None,
                },
            })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.listing_id.cmp(&b.listing_id)));
    out.truncate(top);
    out
}

// ---------------------------------------------------------------------------------------
// The index

#[derive(Debug, thiserror::Error)]
#[error("搜索索引出错：{0}")]
pub struct SearchError(pub String);

/// A change to apply to the index, in the order the database recorded them.
#[derive(Clone, Debug, PartialEq)]
pub enum IndexChange {
    /// A listing (re)indexed, with its stored embedding when it has one.
    Upsert(ListingDoc, Option<ListingVector>),
    Remove(i64),
}

/// The derived Chinese text index over listings. The database is the source of truth:
/// the index records up to which change (`seq`) it has applied, and can be rebuilt.
pub trait SearchIndex: Send + Sync {
    /// Applies changes and makes them searchable, recording `up_to` as applied.
    fn apply(&self, changes: Vec<IndexChange>, up_to: i64) -> Result<(), SearchError>;
    /// The last change applied (0 for a new index).
    fn applied_up_to(&self) -> Result<i64, SearchError>;
    /// Empties the index (before a rebuild).
    fn clear(&self) -> Result<(), SearchError>;
    /// Open counterparts of `subject` (valid until `today` or later) that `visibility`
    /// admits, best text (and chain) relevance first, at most `pool` of them, each with the
    /// words it shares. `today` comes from the caller's clock so the index filters expired
    /// listings before they take places in the pool.
    fn candidates(
        &self,
        subject: &ListingDoc,
        visibility: &Visibility,
        today: NaiveDate,
        pool: usize,
    ) -> Result<Vec<Candidate>, SearchError>;
    /// Free-text search over open listings (valid until `today` or later) that
    /// `visibility` admits, optionally of one kind.
    fn search(
        &self,
        text: &str,
        kind: Option<ListingKind>,
        visibility: &Visibility,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<Candidate>, SearchError>;
    /// The semantic stage: the `k` open counterparts of `subject` (valid until `today` or
    /// later, not of its own enterprise) nearest to `vector` by cosine that `visibility`
    /// admits, nearest first — filtered exactly as [`SearchIndex::candidates`] is.
    fn neighbours(
        &self,
        subject: &ListingDoc,
        vector: &ListingVector,
        visibility: &Visibility,
        today: NaiveDate,
        k: usize,
    ) -> Result<Vec<(ListingDoc, f32)>, SearchError>;
    /// The cosine of `vector` with each listing of `ids` whose vector is held.
    fn similarities(&self, vector: &ListingVector, ids: &[i64]) -> Result<Vec<(i64, f32)>, SearchError>;
    /// Holds the vectors of listings already indexed, without re-indexing their text: an
    /// index opened from disk keeps its text, its vectors are read again from the database.
    fn hold_vectors(&self, items: Vec<(ListingDoc, ListingVector)>) -> Result<(), SearchError>;
    /// How many listings have a vector held.
    fn vectors_len(&self) -> Result<u64, SearchError>;
    /// How many listings the index holds.
    fn len(&self) -> Result<u64, SearchError>;
    fn is_empty(&self) -> Result<bool, SearchError> {
        Ok(self.len()? == 0)
    }
    /// For each offer's text of `offers`, the problem or use in a need's text (`need`) that
    /// the offer is a remedy of, when the index knows remedies (a broker's reason:
    /// “可解决：返潮”). None for each by default.
    fn remedies_answered(&self, need: &str, offers: &[&str]) -> Vec<Option<String>> {
        let _ = need;
        vec![None; offers.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> IndustryCode {
        IndustryCode::parse(s).unwrap()
    }

    fn place(unit_id: i64, town: &str, clusters: &[i64]) -> Place {
        Place { unit_id, town: Some(RegionCode::parse(town).unwrap()), clusters: clusters.to_vec() }
    }

    fn doc(id: i64, kind: ListingKind, industry: &str, owner: Place) -> ListingDoc {
        ListingDoc {
            id,
            kind,
            category: ListingCategory::Material,
            title: String::new(),
            description: String::new(),
            industry: Some(code(industry)),
            urgency: Urgency::Normal,
            reach: Reach::District,
            owner,
            published_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            valid_until: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        }
    }

    #[test]
    fn every_code_in_the_chain_file_is_a_gbt4754_code() {
        for c in chain_codes() {
            assert!(IndustryCode::parse(c).is_ok(), "{c} is not in GB/T 4754-2017");
        }
        assert!(chain_codes().len() > 30);
    }

    #[test]
    fn chain_relations_read_both_ways_and_through_levels() {
        // A deburring-liquid maker (专用化学品 2662) supplies a chip maker (半导体分立器件 3972).
        assert_eq!(chain_relation(code("3972"), code("2662")), Some(ChainRelation::Upstream));
        assert_eq!(chain_relation(code("2662"), code("3972")), Some(ChainRelation::Downstream));
        // Bearings (3451) supply excavators (3511).
        assert_eq!(chain_relation(code("3511"), code("3451")), Some(ChainRelation::Upstream));
        assert_eq!(chain_relation(code("3972"), code("3973")), Some(ChainRelation::Same));
        assert_eq!(chain_relation(code("3511"), code("3972")), None);
        // Written at division level (751 → 34): any class of 34 is a customer.
        assert_eq!(chain_relation(code("3451"), code("751")), Some(ChainRelation::Upstream));
        assert!(chain_neighbours(code("3972")).contains(&("266", ChainRelation::Upstream)));
    }

    #[test]
    fn distance_prefers_the_cluster_then_the_town() {
        let a = place(1, "310117001", &[7]);
        assert_eq!(a.distance_to(&place(2, "310116101", &[7])), Distance::SameCluster);
        assert_eq!(a.distance_to(&place(2, "310117001", &[])), Distance::SameTown);
        assert_eq!(a.distance_to(&place(2, "310117002", &[8])), Distance::SameDistrict);
        assert_eq!(a.distance_to(&place(2, "310116101", &[])), Distance::SameCity);
        assert_eq!(a.distance_to(&place(2, "330402007", &[])), Distance::Corridor);
    }

    #[test]
    fn reach_widens_and_the_owner_always_sees() {
        let owner = place(1, "310117001", &[7]);
        let member_elsewhere = Visibility::Keys(place(2, "310116101", &[7]).viewer_keys());
        let same_town = Visibility::Keys(place(3, "310117001", &[]).viewer_keys());
        let same_district = Visibility::Keys(place(4, "310117002", &[]).viewer_keys());
        let far = Visibility::Keys(place(5, "330402007", &[]).viewer_keys());
        let district_admin = Visibility::Keys(vec!["od:310117".to_owned()]);
        let cluster = audience(&owner, Reach::Cluster);
        assert!(member_elsewhere.admits(&cluster) && !same_town.admits(&cluster) && district_admin.admits(&cluster));
        let town = audience(&owner, Reach::Town);
        assert!(same_town.admits(&town) && member_elsewhere.admits(&town) && !same_district.admits(&town));
        let district = audience(&owner, Reach::District);
        assert!(same_district.admits(&district) && !far.admits(&district));
        assert!(far.admits(&audience(&owner, Reach::Corridor)));
        assert!(Visibility::Keys(owner.viewer_keys()).admits(&cluster));
    }

    #[test]
    fn ranking_needs_a_reason_and_prefers_near_chain_neighbours() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let need = doc(1, ListingKind::Need, "3972", place(1, "310117001", &[7]));
        let cand = |id, industry: &str, owner, score: f32, words: &[&str]| Candidate {
            doc: doc(id, ListingKind::Offer, industry, owner),
            text_score: score,
            matched_terms: words.iter().map(|w| (*w).to_owned()).collect(),
            by_meaning: false,
        };
        let ranked = rank(
            &need,
            vec![
                cand(2, "2662", place(2, "310117001", &[7]), 5.0, &["去毛刺"]),
                cand(3, "2662", place(3, "330402007", &[]), 5.0, &["去毛刺"]),
                cand(4, "3511", place(4, "310117001", &[7]), 0.0, &[]),
                cand(5, "3511", place(5, "310117001", &[7]), 9.0, &["溶液"]),
                Candidate {
                    doc: doc(6, ListingKind::Need, "2662", place(6, "310117001", &[7])),
                    ..cand(6, "2662", place(6, "310117001", &[7]), 9.0, &["去毛刺"])
                },
                cand(7, "2662", place(1, "310117001", &[7]), 9.0, &["去毛刺"]),
            ],
            today,
            10,
        );
        let ids: Vec<i64> = ranked.iter().map(|m| m.listing_id).collect();
        assert_eq!(ids, vec![2, 5, 3], "no reason (4), same kind (6) and the need's own enterprise (7) are dropped");
        assert_eq!(ranked[0].reasons.chain, Some(ChainRelation::Upstream));
        assert_eq!(ranked[0].reasons.distance, Distance::SameCluster);
        assert!(ranked[0].reasons.sentence().contains("共同词：去毛刺"));
        assert_eq!(ranked[0].reasons.same_category, Some(ListingCategory::Material), "both are materials");
    }

    #[test]
    fn introduction_states_need_their_facts() {
        use IntroductionState::*;
        assert!(Suggested.check(Introduced, None, None).is_ok());
        assert_eq!(Suggested.check(Won, Some(120.0), None), Err(IntroductionError::Transition(Suggested, Won)));
        assert_eq!(Negotiating.check(Won, None, None), Err(IntroductionError::DealValueRequired));
        assert_eq!(Negotiating.check(Lost, None, Some("  ")), Err(IntroductionError::ReasonRequired));
        assert!(Negotiating.check(Lost, None, Some("价格未谈拢")).is_ok());
        assert!(Introduced.check(Won, Some(120.0), None).is_ok());
        assert!(Won.next().is_empty() && Lost.is_final());
        assert_eq!(ListingKind::parse("需求"), Ok(ListingKind::Need));
        assert_eq!(Reach::parse("G60走廊"), Ok(Reach::Corridor));
    }
}
