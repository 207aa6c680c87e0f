//! Making and moving introductions: suggesting, steps of their state machine, follow-ups.

use chrono::{DateTime, NaiveDate, Utc};
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::matching::{IntroductionState, ListingDoc, ListingKind, ListingStatus, Reasons, Visibility};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::*;
use crate::audit::Change;
use crate::entity::{introduction, introduction_event, introduction_followup, listing, unit};
use crate::{Result, StoreError};

#[derive(Clone, Debug)]
pub struct NewIntroduction {
    pub need_listing: i64,
    pub offer_listing: i64,
    /// 建议 (a suggestion still to be made) or 已牵线 (the two have been put in touch).
    pub state: IntroductionState,
    pub note: String,
    pub is_demo: bool,
}

/// One step of an introduction's state machine: the state it moves to, the deal value in 万元
/// that 已成交 needs, the reason that 未成交 needs, and a note.
#[derive(Clone, Copy, Debug)]
pub struct IntroductionStep<'a> {
    pub to: IntroductionState,
    pub deal_value_wan: Option<f64>,
    pub reason: Option<&'a str>,
    pub note: &'a str,
}

#[derive(Clone, Debug, Default)]
pub struct NewFollowUp {
    pub on: Option<NaiveDate>,
    pub annual_sales_wan: Option<f64>,
    pub delivery_quantity: Option<f64>,
    pub delivery_note: String,
    pub note: String,
}

/// The reasons one listing would be recommended for another, in one sentence.
fn explain(subject: &ListingDoc, other: &ListingDoc, today: NaiveDate) -> String {
    let chain = match (subject.industry, other.industry) {
        (Some(a), Some(b)) => qunlian_domain::matching::chain_relation(a, b),
        _ => None,
    };
    Reasons {
        matched_terms: Vec::new(),
        chain,
        distance: subject.owner.distance_to(&other.owner),
        urgency: other.urgency.max(subject.urgency),
        same_category: (other.category == subject.category).then_some(other.category),
        age_days: (today - other.published_on).num_days().max(0),
        semantic: None,
        remedy_for: None,
    }
    .sentence()
}

async fn intro_event(
    txn: &DatabaseTransaction,
    id: i64,
    at: DateTime<Utc>,
    actor: &str,
    from: Option<IntroductionState>,
    to: IntroductionState,
    detail: &str,
) -> Result<()> {
    introduction_event::ActiveModel {
        introduction_id: Set(id),
        at: Set(at),
        actor: Set(actor.to_owned()),
        from_state: Set(from),
        to_state: Set(to),
        detail: Set(detail.to_owned()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

impl Matching<'_> {
    /// Records that a broker put a need and an offer together. The caller must see the need
    /// and broker for one of the two enterprises (or their cluster); the offer must be one
    /// the need's owner may see, as a match is.
    pub async fn introduce(self, caller: &Caller, new: NewIntroduction) -> Result<i64> {
        self.introduce_at(caller, new, self.store.now()).await
    }

    /// [`Matching::introduce`] as if at `at`: for the demo only, which shows introductions of
    /// past months.
    pub async fn demo_introduce_at(self, caller: &Caller, new: NewIntroduction, at: DateTime<Utc>) -> Result<i64> {
        self.introduce_at(caller, new, at).await
    }

    async fn introduce_at(self, caller: &Caller, new: NewIntroduction, at: DateTime<Utc>) -> Result<i64> {
        self.store.require(caller, Action::BrokerIntroductions)?;
        qunlian_domain::free_text::introduction(&new.note)?;
        if !matches!(new.state, IntroductionState::Suggested | IntroductionState::Introduced) {
            return Err(StoreError::invalid("状态", "新的牵线只能是“建议”或“已牵线”"));
        }
        let need = self.visible_row(caller, new.need_listing).await?;
        if need.kind != ListingKind::Need {
            return Err(StoreError::invalid("需求", format!("编号 {} 不是需求", need.id)));
        }
        let offer = listing::Entity::find_by_id(new.offer_listing)
            .one(self.store.db())
            .await?
            .ok_or_else(|| StoreError::invalid("供给", format!("编号 {} 不存在", new.offer_listing)))?;
        if offer.kind != ListingKind::Offer {
            return Err(StoreError::invalid("供给", format!("编号 {} 不是供给", offer.id)));
        }
        if offer.unit_id == need.unit_id {
            return Err(StoreError::invalid("供给", "供需双方是同一家企业"));
        }
        // The offer must reach the need's owner (as a match does) or the caller.
        let owner_view = Visibility::Keys(self.place(need.unit_id).await?.viewer_keys());
        let reaches =
            |v: &Visibility| Condition::all().add(visibility_condition(v)).add(listing::Column::Id.eq(offer.id));
        let caller_view = self.visibility(caller).await?;
        let visible = listing::Entity::find().filter(reaches(&owner_view)).count(self.store.db()).await? > 0
            || listing::Entity::find().filter(reaches(&caller_view)).count(self.store.db()).await? > 0;
        if !visible {
            return Err(StoreError::NotFound);
        }
        // The broker works for one of the two enterprises.
        let mine = Condition::all()
            .add(self.store.unit_scope(caller).await?)
            .add(unit::Column::Id.is_in([need.unit_id, offer.unit_id]));
        if unit::Entity::find().filter(mine).count(self.store.db()).await? == 0 {
            return Err(StoreError::Forbidden);
        }
        let open_twin = introduction::Entity::find()
            .filter(introduction::Column::NeedListingId.eq(need.id))
            .filter(introduction::Column::OfferListingId.eq(offer.id))
            .filter(introduction::Column::State.is_not_in([IntroductionState::Won, IntroductionState::Lost]))
            .one(self.store.db())
            .await?;
        if let Some(t) = open_twin {
            return Err(StoreError::invalid("牵线", format!("这对供需已有进行中的牵线（编号 {}）", t.id)));
        }
        let cluster_id = self.introduction_cluster(caller, need.unit_id, offer.unit_id).await?;
        let subject = {
            let mut row = need.clone();
            row.status = ListingStatus::Open;
            row.valid_until = row.valid_until.max(self.store.today());
            self.docs(vec![row]).await?.pop().and_then(|(_, d)| d)
        };
        let reasons = match subject {
            Some(s) => {
                let offer_doc = {
                    let mut row = offer.clone();
                    row.status = ListingStatus::Open;
                    row.valid_until = row.valid_until.max(self.store.today());
                    self.docs(vec![row]).await?.pop().and_then(|(_, d)| d)
                };
                offer_doc.map(|o| explain(&s, &o, self.store.today())).unwrap_or_default()
            }
            None => String::new(),
        };
        let row = introduction::ActiveModel {
            need_listing_id: Set(need.id),
            offer_listing_id: Set(offer.id),
            need_unit_id: Set(need.unit_id),
            offer_unit_id: Set(offer.unit_id),
            cluster_id: Set(cluster_id),
            broker: Set(caller.username.clone()),
            broker_user_id: Set((caller.user_id.0 != 0).then_some(caller.user_id.0)),
            assisting_department_id: Set(None),
            state: Set(new.state),
            reason: Set(None),
            deal_value_wan: Set(None),
            match_reasons: Set(reasons),
            note: Set(new.note.trim().to_owned()),
            created_at: Set(at),
            updated_at: Set(at),
            is_demo: Set(new.is_demo),
            ..Default::default()
        };
        let state = new.state;
        let note = new.note.trim();
        let saved = self
            .store
            .insert_recorded_with(
                caller,
                row,
                async |txn, saved| intro_event(txn, saved.id, at, &caller.username, None, state, note).await,
                |saved| {
                    let detail = format!("牵线：需求“{}”× 供给“{}”（{}）", need.title, offer.title, state.label());
                    Change::new("introduction.create", "introduction", saved.id, detail)
                },
            )
            .await?;
        Ok(saved.id)
    }

    /// The cluster an introduction counts for: the secretary's own; else one both
    /// enterprises belong to; else the need's owner's first.
    async fn introduction_cluster(self, caller: &Caller, need_unit: i64, offer_unit: i64) -> Result<Option<i64>> {
        if let Scope::Cluster(c) = &caller.scope {
            return Ok(Some(c.0));
        }
        let places = self.places(self.store.db(), &[need_unit, offer_unit]).await?;
        let need = places.get(&need_unit).map(|p| p.clusters.clone()).unwrap_or_default();
        let offer = places.get(&offer_unit).map(|p| p.clusters.clone()).unwrap_or_default();
        Ok(need.iter().find(|c| offer.contains(c)).or(need.first()).or(offer.first()).copied())
    }

    /// Moves an introduction to its next state: 未成交 needs a reason, 已成交 a deal value in
    /// 万元 (IntroductionState::check).
    pub async fn introduction_step(
        self,
        caller: &Caller,
        id: i64,
        to: IntroductionState,
        deal_value_wan: Option<f64>,
        reason: Option<&str>,
        note: &str,
    ) -> Result<()> {
        let step = IntroductionStep { to, deal_value_wan, reason, note };
        self.introduction_step_at(caller, id, step, self.store.now()).await
    }

    /// [`Matching::introduction_step`] as if at `at`: for the demo only.
    pub async fn demo_introduction_step_at(
        self,
        caller: &Caller,
        id: i64,
        step: IntroductionStep<'_>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.introduction_step_at(caller, id, step, at).await
    }

    async fn introduction_step_at(
        self,
        caller: &Caller,
        id: i64,
        step: IntroductionStep<'_>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let IntroductionStep { to, deal_value_wan, reason, note } = step;
        self.store.require(caller, Action::BrokerIntroductions)?;
        qunlian_domain::free_text::introduction_step(reason.unwrap_or(""), note)?;
        let row = self.introduction_row(caller, id).await?;
        let from = row.state;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        from.check(to, deal_value_wan, reason).map_err(|e| {
            let field = match e {
                qunlian_domain::matching::IntroductionError::Transition(..) => "状态",
                qunlian_domain::matching::IntroductionError::ReasonRequired => "未成交原因",
                qunlian_domain::matching::IntroductionError::DealValueRequired => "成交金额",
            };
            let text = e.to_string();
            let message = text.split_once('：').map(|(_, m)| m.to_owned()).unwrap_or(text);
            StoreError::invalid(field, message)
        })?;
        let mut detail = Vec::new();
        if let Some(v) = deal_value_wan.filter(|_| to == IntroductionState::Won) {
            detail.push(format!("成交金额 {} 万元", format_number(v)));
        }
        if let Some(r) = reason.filter(|_| to == IntroductionState::Lost) {
            detail.push(format!("原因：{r}"));
        }
        if !note.trim().is_empty() {
            detail.push(note.trim().to_owned());
        }
        let detail = detail.join("；");
        let mut m: introduction::ActiveModel = row.clone().into();
        m.state = Set(to);
        m.updated_at = Set(at);
        if to == IntroductionState::Won {
            m.deal_value_wan = Set(deal_value_wan);
        }
        if to == IntroductionState::Lost {
            m.reason = Set(reason.map(str::to_owned));
        }
        let line = format!(
            "{} → {}{}",
            from.label(),
            to.label(),
            if detail.is_empty() { String::new() } else { format!("（{detail}）") }
        );
        self.store
            .recorded(
                caller,
                async |txn| {
                    m.update(txn).await?;
                    intro_event(txn, id, at, &caller.username, Some(from), to, &detail).await
                },
                |()| Change::new("introduction.step", "introduction", id, line),
            )
            .await
    }

    /// Names the department helping to broker a live introduction (协办部门), or none. A
    /// department so named has a live introduction for both enterprises: an integration
    /// project's reviewer from it is in conflict with them (issue #12). Audited with before
    /// and after.
    pub async fn set_assisting_department(self, caller: &Caller, id: i64, department: Option<i64>) -> Result<()> {
        self.store.require(caller, Action::BrokerIntroductions)?;
        let row = self.introduction_row(caller, id).await?;
        if matches!(row.state, IntroductionState::Won | IntroductionState::Lost) {
            return Err(StoreError::invalid("协办部门", "牵线已结束，不能再修改协办部门"));
        }
        let names: std::collections::HashMap<i64, String> =
            self.store.services().departments().await?.into_iter().collect();
        let name = |d: Option<i64>| d.and_then(|d| names.get(&d).cloned()).unwrap_or_else(|| "无".into());
        if let Some(d) = department.filter(|d| !names.contains_key(d)) {
            return Err(StoreError::invalid("协办部门", format!("编号 {d} 不是政府部门")));
        }
        if row.assisting_department_id == department {
            return Ok(());
        }
        let before = name(row.assisting_department_id);
        let mut m: introduction::ActiveModel = row.into();
        m.assisting_department_id = Set(department);
        let detail = format!("协办部门：{before} → {}", name(department));
        self.store.update_recorded(caller, m, "introduction.department", ("introduction", id), detail).await?;
        Ok(())
    }

    /// Records what a deal brought on a date: annual sales, a delivery.
    pub async fn add_followup(self, caller: &Caller, id: i64, f: NewFollowUp) -> Result<()> {
        self.store.require(caller, Action::BrokerIntroductions)?;
        qunlian_domain::free_text::followup(&f.delivery_note, &f.note)?;
        let row = self.introduction_row(caller, id).await?;
        if !row.state.is_won() {
            return Err(StoreError::invalid("跟踪记录", "只有“已成交”的牵线才能记录成交后的跟踪结果"));
        }
        for (field, v) in [("年销售额", f.annual_sales_wan), ("交付数量", f.delivery_quantity)] {
            if v.is_some_and(|v| !v.is_finite() || v < 0.0) {
                return Err(StoreError::invalid(field, "应为不小于0的数"));
            }
        }
        if f.annual_sales_wan.is_none()
            && f.delivery_quantity.is_none()
            && f.delivery_note.trim().is_empty()
            && f.note.trim().is_empty()
        {
            return Err(StoreError::invalid("跟踪记录", "请至少填写年销售额、交付情况或说明中的一项"));
        }
        let on = f.on.unwrap_or_else(|| self.store.today());
        if on > self.store.today() {
            return Err(StoreError::invalid("日期", "不能晚于今天"));
        }
        let row = introduction_followup::ActiveModel {
            introduction_id: Set(id),
            on_date: Set(on),
            annual_sales_wan: Set(f.annual_sales_wan),
            delivery_quantity: Set(f.delivery_quantity),
            delivery_note: Set(f.delivery_note.trim().to_owned()),
            note: Set(f.note.trim().to_owned()),
            recorded_by: Set(caller.username.clone()),
            recorded_at: Set(self.store.now()),
            ..Default::default()
        };
        let sales = f.annual_sales_wan.map(|v| format!("年销售额 {} 万元", format_number(v))).unwrap_or_default();
        let detail = format!("{on} 跟踪：{sales}");
        self.store
            .insert_recorded(caller, row, |_| Change::new("introduction.followup", "introduction", id, detail))
            .await?;
        Ok(())
    }
}
