//! Synthetic requests for benchmarks and demos.

use chrono::Duration;
use qunlian_domain::registry::{EnterpriseInput, UnitKind};
use qunlian_domain::services::RequestState;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::*;
use crate::Result;
use crate::entity::{service_request, unit};

/// Departments and items of the synthetic catalogue: 16 × 3.
const DEPARTMENTS: usize = 16;

const ITEMS_PER_DEPARTMENT: usize = 3;

impl Services<'_> {
    /// Adds `n` requests over the first enterprises of the registry (which must have some).
    pub async fn seed_synthetic_requests(self, n: usize, seed: u64) -> Result<usize> {
        let sys = qunlian_domain::auth::Caller::system("synthetic");
        let district = qunlian_domain::RegionCode::parse("310117")
            .map_err(|e| crate::StoreError::invalid("区县", e.to_string()))?;
        let town = district.children().next().unwrap_or(district);
        let mut items = Vec::new();
        for d in 0..DEPARTMENTS {
            let name = format!("合成部门{d:02}");
            let existing = self.store.id_named::<unit::Entity>(unit::Column::Id, unit::Column::Name, &name).await?;
            let dept = match existing {
                Some(id) => id,
                None => {
                    let body = format!("1131011799{d:07}");
                    let uscc = qunlian_domain::Uscc::from_body(&body)
                        .map_err(|e| crate::StoreError::invalid("信用代码", e.to_string()))?;
                    let input = EnterpriseInput::new(name.clone(), uscc, town);
                    self.store.registry().create_unit(&sys, input, UnitKind::Government, true).await?.0
                }
            };
            for i in 0..ITEMS_PER_DEPARTMENT {
                let new = crate::services::NewServiceItem {
                    code: format!("SYN-{d:02}-{i}"),
                    name: format!("合成事项{d:02}-{i}"),
                    department_id: dept,
                    materials: vec![],
                    limit: qunlian_domain::services::TimeLimit::WorkingDays(5 + 5 * i as u32),
                    stages: vec![],
                    is_demo: true,
                };
                items.push((self.save_item(&sys, new).await?, dept, 5 + 5 * i as i64));
            }
        }
        let units: Vec<i64> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .filter(unit::Column::Kind.eq(UnitKind::Enterprise.code()))
            .limit(10_000)
            .into_tuple()
            .all(self.store.db())
            .await?;
        if units.is_empty() {
            return Ok(0);
        }
        let mut x = seed.max(1);
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let now = self.store.now();
        let mut batch = Vec::with_capacity(1000);
        for k in 0..n {
            let r = next();
            let (item, dept, limit_days) = items[(r % items.len() as u64) as usize];
            let filed = now - Duration::days((r >> 8) as i64 % 700 + 1);
            let done = (r >> 20) % 20 != 0;
            // Elapsed office minutes: mostly within the limit, a tail past it.
            let elapsed = ((r >> 24) % (limit_days as u64 * 420 * 3 / 2)) as i64;
            let rating = ((r >> 40) % 3 != 0).then(|| 3 + ((r >> 44) % 3) as i16);
            batch.push(service_request::ActiveModel {
                item_id: Set(item),
                unit_id: Set(units[k % units.len()]),
                department_id: Set(dept),
                officer: Set(None),
                title: Set(format!("合成工单{k}")),
                detail: Set(String::new()),
                state: Set(if done { RequestState::Done } else { RequestState::Open }),
                limit_unit: Set("working_days".to_owned()),
                limit_n: Set(limit_days as i32),
                filed_by: Set("synthetic".to_owned()),
                filed_at: Set(filed),
                done_at: Set(done.then(|| filed + Duration::days(elapsed / 420 * 7 / 5 + 1))),
                result: Set(done.then(|| "已办结".to_owned())),
                escalated_at: Set(None),
                rating: Set(if done { rating } else { None }),
                rating_comment: Set(None),
                rated_at: Set(None),
                is_demo: Set(true),
                elapsed_minutes: Set(done.then_some(elapsed)),
                on_time: Set(done.then_some(elapsed <= limit_days * 420)),
                ..Default::default()
            });
            if batch.len() == 1000 {
                service_request::Entity::insert_many(std::mem::take(&mut batch))
                    .exec_without_returning(self.store.db())
                    .await?;
            }
        }
        if !batch.is_empty() {
            service_request::Entity::insert_many(batch).exec_without_returning(self.store.db()).await?;
        }
        Ok(n)
    }
}
