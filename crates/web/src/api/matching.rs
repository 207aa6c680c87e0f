//! `/api/v1/listings`: offers and needs, and a listing's ranked matches with their reasons —
//! the same JSON `qunlian match ID --json` prints.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use qunlian_domain::auth::{Caller, ClusterId};
use qunlian_domain::codes::CodeError;
use qunlian_domain::matching::{ListingCategory, ListingFields, ListingKind, RawListing, SearchIndex, Urgency};
use qunlian_store::Store;
use qunlian_store::matching::{Listing, ListingFilter, ListingMatch};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{ApiCaller, ApiError, ApiResult, Json, Path, Query};
use crate::error::WebError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/listings", get(listings).post(create))
        .route("/listings/{id}", get(listing))
        .route("/listings/{id}/matches", get(matches))
}

#[derive(Serialize, ToSchema)]
pub struct ListingJson {
    pub id: i64,
    /// offer (供给) | need (需求)
    pub kind: String,
    pub kind_label: String,
    /// product | material | equipment | capacity | technology | talent | space | service
    pub category: String,
    pub category_label: String,
    pub title: String,
    pub description: String,
    pub enterprise_id: i64,
    pub enterprise: String,
    pub town: String,
    /// GB/T 4754 code given with the listing (the enterprise's own is used when absent)
    pub industry_code: Option<String>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    /// normal (一般) | urgent (紧急) | emergency (应急)
    pub urgency: String,
    /// cluster | town | district | corridor
    pub reach: String,
    pub valid_until: String,
    /// open | closed | expired
    pub status: String,
    /// Beijing time
    pub published_at: String,
    pub is_demo: bool,
}

impl From<Listing> for ListingJson {
    fn from(l: Listing) -> Self {
        let status = if !l.open {
            "closed"
        } else if l.expired {
            "expired"
        } else {
            "open"
        };
        ListingJson {
            id: l.id,
            kind: l.kind.code().to_owned(),
            kind_label: l.kind.label().to_owned(),
            category: l.category.code().to_owned(),
            category_label: l.category.label().to_owned(),
            enterprise_id: l.unit_id,
            enterprise: l.unit_name,
            town: l.town_name,
            industry_code: l.industry_code,
            quantity: l.quantity,
            unit: l.quantity_unit,
            urgency: l.urgency.code().to_owned(),
            reach: l.reach.code().to_owned(),
            valid_until: l.valid_until.to_string(),
            status: status.to_owned(),
            published_at: l.created_at.format("%Y-%m-%d %H:%M").to_string(),
            is_demo: l.is_demo,
            title: l.title,
            description: l.description,
        }
    }
}

/// Why a counterpart was recommended, as a broker explains it to both firms.
#[derive(Serialize, ToSchema)]
pub struct ReasonsJson {
    /// Words of the listing found in the counterpart
    pub matched_terms: Vec<String>,
    /// upstream (对方是上游供应) | downstream (对方是下游客户) | same (同行业) | null
    pub chain: Option<String>,
    pub chain_label: Option<String>,
    /// same_cluster | same_town | same_district | same_city | corridor
    pub distance: String,
    pub distance_label: String,
    /// The counterpart's urgency
    pub urgency: String,
    /// The category both listings share (product, material, equipment, …), or null
    pub same_category: Option<String>,
    /// Days since the counterpart was published
    pub age_days: i64,
    /// 语义相近: the cosine of the two listings' embeddings when the counterpart is among the
    /// listing's nearest by meaning (the semantic stage), else null
    pub semantic: Option<f64>,
    /// 可解决：the need's problem or use (as the problem → remedy table writes it) that this
    /// offer is a remedy of, else null
    pub remedy_for: Option<String>,
    /// All of it in one Chinese sentence
    pub sentence: String,
}

#[derive(Serialize, ToSchema)]
pub struct MatchJson {
    pub rank: usize,
    /// Higher is better; text relevance squashed to 0..1 plus chain, distance, urgency and
    /// freshness (docs/matching.md)
    pub score: f64,
    pub listing: ListingJson,
    pub reasons: ReasonsJson,
}

#[derive(Serialize, ToSchema)]
pub struct MatchesJson {
    pub listing: ListingJson,
    pub top: usize,
    pub matches: Vec<MatchJson>,
}

fn match_json(rank: usize, m: ListingMatch) -> MatchJson {
    MatchJson {
        rank,
        score: (m.score * 10_000.0).round() / 10_000.0,
        listing: m.listing.into(),
        reasons: ReasonsJson {
            matched_terms: m.reasons.matched_terms,
            chain: m.reasons.chain.map(|c| c.code().to_owned()),
            chain_label: m.reasons.chain.map(|c| c.label().to_owned()),
            distance: m.reasons.distance.code().to_owned(),
            distance_label: m.reasons.distance.label().to_owned(),
            urgency: m.reasons.urgency.code().to_owned(),
            same_category: m.reasons.same_category.map(|c| c.code().to_owned()),
            age_days: m.reasons.age_days,
            semantic: m.reasons.semantic,
            remedy_for: m.reasons.remedy_for,
            sentence: m.sentence,
        },
    }
}

/// The most counterparts one request may ask for.
pub const MAX_TOP: usize = 100;

/// A listing and its best `top` counterparts the caller may see, as the API returns them
/// and `qunlian match --json` prints them.
pub async fn matches_json(
    store: &Store,
    caller: &Caller,
    index: &dyn SearchIndex,
    id: i64,
    top: usize,
) -> Result<MatchesJson, WebError> {
    let top = top.clamp(1, MAX_TOP);
    let listing = store.matching().listing(caller, id).await?;
    let found = store.matching().matches(caller, index, id, top).await?;
    Ok(MatchesJson {
        listing: listing.into(),
        top,
        matches: found.into_iter().enumerate().map(|(i, m)| match_json(i + 1, m)).collect(),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopParams {
    /// How many counterparts, 1 to 100 (default 10)
    #[param(minimum = 1, maximum = 100)]
    top: Option<usize>,
}

/// Ranked counterparts of a listing (offers for a need, needs for an offer) that the
/// listing's enterprise may see by their reach, each with its score and reasons.
#[utoipa::path(get, path = "/api/v1/listings/{id}/matches", params(("id" = i64, Path), TopParams), responses((status = 200, body = MatchesJson), (status = 404)), security(("bearer" = [])))]
async fn matches(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
    Query(p): Query<TopParams>,
) -> ApiResult<MatchesJson> {
    let top = p.top.unwrap_or(10);
    if top == 0 || top > MAX_TOP {
        return Err(WebError::Invalid(format!("top：应为 1 到 {MAX_TOP} 之间的整数")).into());
    }
    Ok(Json(matches_json(&state.store, &caller, state.index()?, id, top).await?))
}

#[utoipa::path(get, path = "/api/v1/listings/{id}", params(("id" = i64, Path)), responses((status = 200, body = ListingJson), (status = 404)), security(("bearer" = [])))]
async fn listing(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<i64>,
) -> ApiResult<ListingJson> {
    Ok(Json(state.store.matching().listing(&caller, id).await?.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListingParams {
    /// offer | need
    #[param(pattern = "^(offer|need)$")]
    kind: Option<String>,
    /// product | material | equipment | capacity | technology | talent | space | service
    #[param(pattern = "^(product|material|equipment|capacity|technology|talent|space|service)$")]
    category: Option<String>,
    /// normal | urgent | emergency
    #[param(pattern = "^(normal|urgent|emergency)$")]
    urgency: Option<String>,
    /// 1 = only the enterprises the token's user works for
    #[param(inline)]
    mine: Option<super::params::Flag>,
    /// Only this cluster's members
    cluster: Option<i64>,
    /// 1 = closed and expired ones too
    #[param(inline)]
    closed: Option<super::params::Flag>,
}

/// A filter takes the exact code the document lists (the forms and imports take labels too).
fn parsed<T>(
    name: &str,
    v: &Option<String>,
    code: impl Fn(&str) -> Result<T, CodeError>,
) -> Result<Option<T>, WebError> {
    match v.as_deref() {
        None => Ok(None),
        Some(s) => code(s).map(Some).map_err(|e| WebError::Invalid(format!("参数 {name}：{e}"))),
    }
}

/// Offers and needs the token's user may see, emergency needs first, then the newest (at
/// most 500).
#[utoipa::path(get, path = "/api/v1/listings", params(ListingParams), responses((status = 200, body = Vec<ListingJson>)), security(("bearer" = [])))]
async fn listings(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(p): Query<ListingParams>,
) -> ApiResult<Vec<ListingJson>> {
    let filter = ListingFilter {
        kind: parsed("kind", &p.kind, ListingKind::from_code)?,
        category: parsed("category", &p.category, ListingCategory::from_code)?,
        urgency: parsed("urgency", &p.urgency, Urgency::from_code)?,
        mine: super::params::Flag::get(p.mine).unwrap_or(false),
        cluster: p.cluster.map(ClusterId),
        unit: None,
        include_closed: super::params::Flag::get(p.closed).unwrap_or(false),
    };
    let (rows, _) = state.store.matching().listings(&caller, &filter, 500).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewListingJson {
    /// The enterprise's 统一社会信用代码; one in no enterprise the token's user works for
    /// (or whose check character is wrong) answers 404
    #[schema(pattern = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")]
    uscc: String,
    /// offer | need (or 供给 | 需求)
    #[schema(pattern = "^(offer|need|供给|需求)$")]
    kind: String,
    /// product | material | equipment | capacity | technology | talent | space | service (or 产品, 原材料 …)
    #[schema(
        pattern = "^(product|material|equipment|capacity|technology|talent|space|service|产品|原材料|设备|产能|技术|人才|场地|服务)$"
    )]
    category: String,
    /// At most 100 characters, not blank
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    title: String,
    #[schema(max_length = 20000)]
    description: Option<String>,
    /// A GB/T 4754 code (C3421, 3421) or its name (金属切削机床制造); one of that form in no
    /// table answers 404
    #[schema(max_length = 100, pattern = r"^([A-T]|[A-T]?[0-9]{2,4}|[^ \t\r\n]*[\u4e00-\u9fff][^ \t\r\n]*)?$")]
    industry_code: Option<String>,
    /// At most a trillion (`qunlian_domain::limits::AMOUNT_MAX`, the parser's limit)
    #[schema(minimum = 0, maximum = 1e12)]
    quantity: Option<f64>,
    #[schema(max_length = 20)]
    unit: Option<String>,
    /// normal (default) | urgent | emergency
    #[schema(pattern = "^(normal|urgent|emergency|一般|紧急|应急)$")]
    urgency: Option<String>,
    /// cluster (default) | town | district | corridor (or 集群内/集群, 本镇/街镇, 本区/区, G60走廊/G60)
    #[schema(pattern = "^(cluster|town|district|corridor|集群内|集群|本镇|街镇|本区|区|G60走廊|G60)$")]
    reach: Option<String>,
    /// 2027-06-30; not before today (Beijing time)
    #[schema(value_type = String, format = Date)]
    valid_until: String,
}

/// Publishes an offer or need for an enterprise the token's user works for.
#[utoipa::path(post, path = "/api/v1/listings", request_body = NewListingJson, responses((status = 200, body = ListingJson), (status = 422)), security(("bearer" = [])))]
async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    body: crate::support::forms::Unread,
) -> ApiResult<ListingJson> {
    if !caller.may(qunlian_domain::auth::Action::PublishListings) {
        return Err(ApiError(WebError::Forbidden));
    }
    let Json(b) = body.read::<Json<NewListingJson>>().await?;
    let uscc = super::params::uscc("uscc", &b.uscc)?;
    // The description's limit is the listing parser's (qunlian_domain::limits::TEXT_CHARS), the
    // same for the page, the API and the import; its refusal names the field as 描述.
    super::params::text("unit", b.unit.as_deref(), 20)?;
    super::params::text("industry_code", b.industry_code.as_deref(), 100)?;
    if let Some(v) = b.industry_code.as_deref().filter(|v| !super::params::industry_well_formed(v)) {
        return Err(WebError::Invalid(format!(
            "industry_code：“{}”应为国民经济行业分类代码（如 C3421、3421）或其名称",
            qunlian_domain::limits::echo(v)
        ))
        .into());
    }
    // Which enterprise first: one the caller does not work for is 404 whatever the fields.
    let e = state.store.registry().enterprise_by_uscc(&caller, uscc.as_str()).await?;
    // The parser the publishing form and the import use: the same values are accepted.
    let raw = RawListing {
        kind: b.kind,
        category: b.category,
        title: b.title,
        description: b.description.unwrap_or_default(),
        industry_code: b.industry_code.unwrap_or_default(),
        // In exponent form: 5e-324 as decimals is longer than a number field reads.
        quantity: b.quantity.map(|q| format!("{q:e}")).unwrap_or_default(),
        unit: b.unit.unwrap_or_default(),
        urgency: b.urgency.unwrap_or_default(),
        reach: b.reach.unwrap_or_default(),
        valid_until: b.valid_until,
    };
    let fields = ListingFields::parse(&raw).map_err(|e| match e.keys().as_slice() {
        // A code or name of the right form that no table has: nothing is called that.
        [qunlian_domain::matching::listing_key::INDUSTRY] => WebError::NotFoundWhat(e.to_string()),
        _ => WebError::Invalid(e.to_string()),
    })?;
    let id = state.store.matching().publish(&caller, e.id, fields, false).await.map_err(|err| match err {
        // The same enterprise's open listing of that title: a conflict with a record, not a bad field.
        qunlian_store::StoreError::Invalid { message, .. } if message.contains("已有同名") => {
            WebError::Conflict(message)
        }
        other => other.into(),
    })?;
    state.sync_index().await;
    Ok(Json(state.store.matching().listing(&caller, id).await?.into()))
}

#[derive(OpenApi)]
#[openapi(paths(listings, listing, create, matches))]
pub struct Doc;
