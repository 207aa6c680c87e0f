//! Party members (党员) counted for results: the members of a set of organisations, and the
//! new members (入党日期 in a period) among them. Counted from the member records; the list
//! behind a count needs the power to read members and shows no ID number or phone.

use chrono::NaiveDate;
use qunlian_domain::auth::{Action, Caller, ClusterId};
use qunlian_domain::people::Standing;
use qunlian_domain::results::Period;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::*;
use crate::entity::{member, party_org, party_org_unit};
use crate::scope::cluster_units;

/// A member as a results list shows one: no ID number, no phone.
#[derive(Clone, Debug, Serialize)]
pub struct PartyMemberRow {
    pub id: i64,
    pub name: String,
    pub org_name: String,
    pub standing: Standing,
    pub joined_on: NaiveDate,
}

/// Members of the organisations `orgs` selects, and of them those who joined in a period.
fn member_condition(orgs: Condition, joined_in: Option<Period>) -> Condition {
    let ids = Query::select().column(party_org::Column::Id).from(party_org::Entity).cond_where(orgs).to_owned();
    let mut cond = Condition::all().add(member::Column::PartyOrgId.in_subquery(ids));
    if let Some(p) = joined_in {
        let (from, before) = p.dates();
        cond = cond.add(member::Column::JoinedOn.gte(from)).add(member::Column::JoinedOn.lt(before));
    }
    cond
}

impl Results<'_> {
    /// The active organisations of a cluster's member enterprises that the caller may see.
    pub(super) async fn cluster_org_condition(self, caller: &Caller, cluster: ClusterId) -> Result<Condition> {
        let linked = Query::select()
            .column(party_org_unit::Column::PartyOrgId)
            .from(party_org_unit::Entity)
            .and_where(party_org_unit::Column::UnitId.in_subquery(cluster_units(cluster.0)))
            .to_owned();
        Ok(Condition::all()
            .add(self.store.org_scope(caller).await?)
            .add(party_org::Column::DissolvedOn.is_null())
            .add(party_org::Column::Id.in_subquery(linked)))
    }

    /// How many members the organisations `orgs` selects hold (`joined_in` None), or how many
    /// of them joined in the period.
    pub(super) async fn member_count(self, orgs: Condition, joined_in: Option<Period>) -> Result<u64> {
        Ok(member::Entity::find().filter(member_condition(orgs, joined_in)).count(self.store.db()).await?)
    }

    /// The members of the organisations `orgs` selects (today) and the new members of
    /// `period` beside those of the year before: the two member figures of a scorecard and of
    /// a district's or town's headline.
    pub(super) async fn member_figures(
        self,
        orgs: Condition,
        period: Period,
        label: &str,
        today_text: &str,
        now_text: &str,
    ) -> Result<(ScoreFigure, ScoreFigure)> {
        let members = self.member_count(orgs.clone(), None).await?;
        let new_now = self.member_count(orgs.clone(), Some(period)).await?;
        let new_before = self.member_count(orgs, Some(period.previous_year())).await?;
        let mut party =
            figure("party_members", label, Value::Count(members), Drill::PartyMembers { joined_in: None }, today_text);
        party.note = Some("党组织名册中的党员（正式与预备）".into());
        let mut new_members = compared(
            "new_party_members",
            "新发展党员",
            Value::Count(new_now),
            Value::Count(new_before),
            Drill::PartyMembers { joined_in: Some(period) },
            now_text,
        );
        new_members.note = Some(format!("入党日期在{}内", period.label()));
        Ok((party, new_members))
    }

    /// The members of a cluster's member enterprises' organisations (as the scorecard counts
    /// them), or those who joined in `joined_in`: the list behind the scorecard's figures. Only
    /// for a role that may read members.
    pub async fn cluster_party_members(
        self,
        caller: &Caller,
        cluster: ClusterId,
        joined_in: Option<Period>,
    ) -> Result<Vec<PartyMemberRow>> {
        self.store.require(caller, Action::ReadResults)?;
        self.store.require(caller, Action::ReadMembers)?;
        self.store.registry().cluster(caller, cluster).await?;
        let orgs = self.cluster_org_condition(caller, cluster).await?;
        let rows = member::Entity::find()
            .filter(member_condition(orgs, joined_in))
            .order_by_asc(member::Column::PartyOrgId)
            .order_by_asc(member::Column::Name)
            .limit(super::FIGURES_SHOWN)
            .all(self.store.db())
            .await?;
        let names = self.store.org_names(rows.iter().map(|r| r.party_org_id).collect()).await?;
        Ok(rows
            .into_iter()
            .map(|m| PartyMemberRow {
                id: m.id,
                org_name: names.get(&m.party_org_id).cloned().unwrap_or_default(),
                name: m.name,
                standing: m.standing,
                joined_on: m.joined_on,
            })
            .collect())
    }
}
