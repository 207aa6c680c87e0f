//! Who sees a listing: a caller's scope as the index's keys and as SQL, and owners' places.

use std::collections::{HashMap, HashSet};

use qunlian_domain::RegionCode;
use qunlian_domain::auth::{Action, Caller, Scope};
use qunlian_domain::matching::{Place, Reach, Visibility};
use qunlian_domain::region::RegionLevel;
use sea_orm::sea_query::{Expr, Query, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect};

use super::*;
use crate::Result;
use crate::entity::{cluster_member, listing, unit};

/// `[prefix, prefix + 1)` on town codes: "310117" covers every town of 松江区.
fn prefix_range(prefix: &str) -> (String, String) {
    let upper = match prefix.parse::<u64>() {
        Ok(n) => format!("{:0width$}", n + 1, width = prefix.len()),
        Err(_) => format!("{prefix}~"),
    };
    (prefix.to_owned(), upper)
}

fn units_where(cond: Condition) -> SelectStatement {
    Query::select().column(unit::Column::Id).from(unit::Entity).cond_where(cond).to_owned()
}

fn in_prefix(prefix: &str) -> Condition {
    let (low, high) = prefix_range(prefix);
    Condition::all().add(unit::Column::TownCode.gte(low)).add(unit::Column::TownCode.lt(high))
}

/// The listing's owner is a unit meeting `cond`, asked per listing through the unit's
/// primary key. Not `unit_id IN (SELECT id FROM units WHERE …)`: SQLite builds that list
/// for every statement, 226,000 ids for a district (≈ 90 ms of one core each time, four
/// times per match), which is what made a district's matches time out under load.
fn owner_where(cond: Condition) -> SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(unit::Entity)
            .and_where(Expr::col((unit::Entity, unit::Column::Id)).equals((listing::Entity, listing::Column::UnitId)))
            .cond_where(cond)
            .to_owned(),
    )
}

fn reach_at_least(reach: Reach) -> Vec<&'static str> {
    Reach::ALL.iter().filter(|r| **r >= reach).map(|r| r.code()).collect()
}

/// The SQL equivalent of `Visibility::admits(audience(owner, reach))`, key by key, so lists
/// show exactly what the index would.
pub(super) fn visibility_condition(visibility: &Visibility) -> Condition {
    let keys = match visibility {
        Visibility::Everything => return Condition::all(),
        Visibility::Keys(keys) => keys,
    };
    let mut any = Condition::any();
    let mut units: Vec<i64> = Vec::new();
    for key in keys {
        let (kind, value) = key.split_once(':').unwrap_or((key.as_str(), ""));
        match kind {
            "all" => any = any.add(listing::Column::Reach.eq(Reach::Corridor.code())),
            "u" | "ou" => units.extend(value.parse::<i64>().ok()),
            "c" | "oc" => {
                if let Ok(c) = value.parse::<i64>() {
                    any = any.add(listing::Column::UnitId.in_subquery(crate::scope::cluster_units(c)));
                }
            }
            "t" => {
                any = any.add(
                    Condition::all()
                        .add(listing::Column::Reach.is_in(reach_at_least(Reach::Town)))
                        .add(owner_where(Condition::all().add(unit::Column::TownCode.eq(value)))),
                )
            }
            "ot" => any = any.add(owner_where(Condition::all().add(unit::Column::TownCode.eq(value)))),
            "d" => {
                any = any.add(
                    Condition::all()
                        .add(listing::Column::Reach.is_in(reach_at_least(Reach::District)))
                        .add(owner_where(in_prefix(value))),
                )
            }
            "od" | "ocity" => any = any.add(owner_where(in_prefix(value))),
            _ => {}
        }
    }
    if !units.is_empty() {
        any = any.add(listing::Column::UnitId.is_in(units));
    }
    if any.is_empty() { Condition::all().add(Expr::cust("1 = 0")) } else { any }
}

/// The keys an administrator of a region holds: listings owned in the region whatever their
/// reach, and what an enterprise there would see from elsewhere.
fn region_keys(region: &RegionCode) -> Vec<String> {
    let code = region.to_string();
    let take = |n: usize| code.chars().take(n).collect::<String>();
    let mut keys = vec!["all".to_owned()];
    match region.level() {
        RegionLevel::Town => {
            keys.push(format!("ot:{code}"));
            keys.push(format!("t:{code}"));
            keys.push(format!("d:{}", take(6)));
        }
        RegionLevel::District => {
            keys.push(format!("od:{}", take(6)));
            keys.push(format!("d:{}", take(6)));
        }
        RegionLevel::City => keys.push(format!("ocity:{}", take(4))),
        RegionLevel::Province => {
            for city in region.children() {
                keys.push(format!("ocity:{}", city.to_string().chars().take(4).collect::<String>()));
            }
        }
    }
    keys
}

fn dedup(mut keys: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    keys.retain(|k| seen.insert(k.clone()));
    keys
}

impl Matching<'_> {
    /// Where each unit is: its town and its current clusters.
    pub(crate) async fn places(self, db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, Place>> {
        let mut out: HashMap<i64, Place> = HashMap::new();
        for chunk in ids.chunks(BATCH as usize) {
            let towns: Vec<(i64, String)> = unit::Entity::find()
                .select_only()
                .column(unit::Column::Id)
                .column(unit::Column::TownCode)
                .filter(unit::Column::Id.is_in(chunk.to_vec()))
                .into_tuple()
                .all(db)
                .await?;
            for (id, town) in towns {
                out.insert(id, Place { unit_id: id, town: RegionCode::parse(&town).ok(), clusters: Vec::new() });
            }
            let memberships: Vec<(i64, i64)> = cluster_member::Entity::find()
                .select_only()
                .column(cluster_member::Column::UnitId)
                .column(cluster_member::Column::ClusterId)
                .filter(cluster_member::Column::UnitId.is_in(chunk.to_vec()))
                .filter(cluster_member::Column::LeftOn.is_null())
                .order_by_asc(cluster_member::Column::ClusterId)
                .into_tuple()
                .all(db)
                .await?;
            for (u, c) in memberships {
                if let Some(p) = out.get_mut(&u) {
                    p.clusters.push(c);
                }
            }
        }
        Ok(out)
    }

    pub(super) async fn place(self, unit_id: i64) -> Result<Place> {
        Ok(self.places(self.store.db(), &[unit_id]).await?.remove(&unit_id).unwrap_or(Place {
            unit_id,
            town: None,
            clusters: Vec::new(),
        }))
    }

    /// Which listings the caller may see, as keys for the index (and, through
    /// [`visibility_condition`], for SQL).
    pub async fn visibility(self, caller: &Caller) -> Result<Visibility> {
        self.store.require(caller, Action::ReadListings)?;
        Ok(match &caller.scope {
            Scope::All => Visibility::Everything,
            Scope::Nothing | Scope::Department(_) => Visibility::Keys(Vec::new()),
            Scope::Enterprise(u) => Visibility::Keys(self.place(u.0).await?.viewer_keys()),
            Scope::Region(region) => Visibility::Keys(region_keys(region)),
            Scope::Cluster(c) => {
                let members: Vec<i64> = cluster_member::Entity::find()
                    .select_only()
                    .column(cluster_member::Column::UnitId)
                    .filter(cluster_member::Column::ClusterId.eq(c.0))
                    .filter(cluster_member::Column::LeftOn.is_null())
                    .into_tuple()
                    .all(self.store.db())
                    .await?;
                let mut keys = vec![format!("oc:{}", c.0), format!("c:{}", c.0)];
                for p in self.places(self.store.db(), &members).await?.values() {
                    keys.extend(p.viewer_keys());
                }
                Visibility::Keys(dedup(keys))
            }
            Scope::PartyOrg(_) => {
                let cond = self.store.unit_scope(caller).await?;
                let units: Vec<i64> = unit::Entity::find()
                    .select_only()
                    .column(unit::Column::Id)
                    .filter(cond)
                    .limit(1000)
                    .into_tuple()
                    .all(self.store.db())
                    .await?;
                let mut keys = Vec::new();
                for p in self.places(self.store.db(), &units).await?.values() {
                    keys.extend(p.viewer_keys());
                }
                Visibility::Keys(dedup(keys))
            }
        })
    }

    /// Units the caller works for, as a subquery: an enterprise itself, a cluster's members,
    /// an area's units.
    pub(super) async fn my_units(self, caller: &Caller) -> Result<SelectStatement> {
        Ok(units_where(self.store.unit_scope(caller).await?))
    }
}
