//! Members counted by organisation. `party_org_member_counts` is derived from the records by
//! the triggers of migration 17; the direct count here is the check that it agrees
//! (docs/decisions/0009-member-counts-from-the-roster.md).

use std::collections::HashMap;

use qunlian_domain::auth::Caller;
use qunlian_domain::people::Standing;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use super::People;
use crate::entity::{member, party_org_member_count};
use crate::{Result, Store};

/// An organisation's members by standing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MemberCounts {
    pub full: i64,
    pub probationary: i64,
}

impl MemberCounts {
    pub fn total(self) -> i64 {
        self.full + self.probationary
    }
}

impl Store {
    /// The derived counts of these organisations, for those with a roster (at least one
    /// member). Not a scope check: the organisations were read through one.
    pub(crate) async fn roster_counts(&self, ids: Vec<i64>) -> Result<HashMap<i64, MemberCounts>> {
        let rows: Vec<(i64, i64, i64)> = party_org_member_count::Entity::find()
            .select_only()
            .column(party_org_member_count::Column::PartyOrgId)
            .column(party_org_member_count::Column::FullMembers)
            .column(party_org_member_count::Column::ProbationaryMembers)
            .filter(party_org_member_count::Column::PartyOrgId.is_in(ids))
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, full, probationary)| (id, MemberCounts { full, probationary }))
            .filter(|(_, c)| c.total() > 0)
            .collect())
    }
}

impl People<'_> {
    /// The derived counts of the organisations in the caller's scope that have members.
    pub async fn derived_counts(&self, caller: &Caller) -> Result<HashMap<i64, MemberCounts>> {
        self.store.require(caller, qunlian_domain::auth::Action::ReadMembers)?;
        let ids: Vec<i64> = crate::entity::party_org::Entity::find()
            .select_only()
            .column(crate::entity::party_org::Column::Id)
            .filter(self.store.org_scope(caller).await?)
            .into_tuple()
            .all(self.store.db())
            .await?;
        self.store.roster_counts(ids).await
    }

    /// The same counted directly from the records, one GROUP BY: what the derived table
    /// must always equal.
    pub async fn direct_counts(&self, caller: &Caller) -> Result<HashMap<i64, MemberCounts>> {
        let rows: Vec<(i64, Standing, i64)> = member::Entity::find()
            .select_only()
            .column(member::Column::PartyOrgId)
            .column(member::Column::Standing)
            .column_as(member::Column::Id.count(), "n")
            .filter(self.member_scope(caller).await?)
            .group_by(member::Column::PartyOrgId)
            .group_by(member::Column::Standing)
            .into_tuple()
            .all(self.store.db())
            .await?;
        let mut out: HashMap<i64, MemberCounts> = HashMap::new();
        for (org, standing, n) in rows {
            let c = out.entry(org).or_default();
            match standing {
                Standing::Full => c.full += n,
                Standing::Probationary => c.probationary += n,
            }
        }
        Ok(out)
    }
}
