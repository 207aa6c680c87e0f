//! The catalogue import: lines resolved to departments, bad ones named.

use qunlian_domain::auth::{Action, Caller};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, EntityTrait, TransactionTrait};
use serde::Serialize;

use super::*;
use crate::Result;
use crate::entity::service_item;

#[derive(Clone, Debug, Default, Serialize)]
pub struct CatalogueImport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// (line, reason) of each row not saved.
    pub rejects: Vec<(usize, String)>,
}

/// Short names departments are called by in catalogues, and the words of their full names.
const DEPARTMENT_ALIASES: [(&str, &str); 18] = [
    ("经委", "经济委员会"),
    ("科委", "科学技术委员会"),
    ("人社", "人力资源和社会保障"),
    ("市场监管", "市场监督管理"),
    ("规划资源", "规划和自然资源"),
    ("规土", "规划和自然资源"),
    ("建管", "建设和管理"),
    ("建委", "建设和管理"),
    ("消防", "消防救援"),
    ("发改", "发展和改革"),
    ("商务", "商务委员会"),
    ("金融办", "金融工作"),
    ("人才办", "人才工作"),
    ("知识产权", "知识产权"),
    ("行政服务中心", "行政服务中心"),
    ("生态环境", "生态环境"),
    ("税务", "税务局"),
    ("司法", "司法局"),
];

/// The department a catalogue names: the full name, or a name or alias found in exactly
/// one department's name.
pub fn resolve_department(text: &str, departments: &[(i64, String)]) -> std::result::Result<i64, String> {
    let t = qunlian_domain::text::compact(text);
    if let Some((id, _)) = departments.iter().find(|(_, n)| *n == t) {
        return Ok(*id);
    }
    let stripped = t.trim_start_matches("上海市").trim_start_matches("松江区").trim_start_matches('区');
    let mut words: Vec<String> = DEPARTMENT_ALIASES
        .iter()
        .filter(|(alias, _)| stripped.contains(alias))
        .map(|(_, full)| (*full).to_owned())
        .collect();
    if stripped.chars().count() >= 2 {
        words.push(stripped.to_owned());
    }
    for w in words.iter().filter(|w| !w.is_empty()) {
        let found: Vec<&(i64, String)> = departments.iter().filter(|(_, n)| n.contains(w.as_str())).collect();
        match found.len() {
            1 => return Ok(found[0].0),
            0 => continue,
            _ => {
                return Err(format!(
                    "责任部门“{text}”不明确，可能是：{}",
                    found.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join("、")
                ));
            }
        }
    }
    Err(format!("责任部门“{text}”不是已登记的政府部门"))
}

pub(super) fn same_bytes(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Services<'_> {
    /// Saves the good lines of a catalogue file and its audit line in one transaction; lines
    /// whose department is unknown are named. An item is matched by its code, so a re-run
    /// changes nothing.
    pub async fn import_items(self, caller: &Caller, lines: Vec<CatalogueLine>) -> Result<CatalogueImport> {
        self.store.require(caller, Action::ManageServices)?;
        let departments = self.departments().await?;
        let existing: std::collections::HashMap<String, service_item::Model> =
            service_item::Entity::find().all(self.store.db()).await?.into_iter().map(|i| (i.code.clone(), i)).collect();
        let mut out = CatalogueImport::default();
        let now = self.store.now();
        let txn = self.store.db().begin().await?;
        for l in lines {
            let department_id = match resolve_department(&l.department, &departments) {
                Ok(id) => id,
                Err(reason) => {
                    out.rejects.push((l.line, reason));
                    continue;
                }
            };
            let code = qunlian_domain::text::compact(&l.code).to_uppercase();
            let name = qunlian_domain::text::normalize(&l.name);
            let materials =
                l.materials.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n");
            let stages = l.stages.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("→");
            let (limit_unit, limit_n) = limit_columns(l.limit);
            match existing.get(&code) {
                Some(e)
                    if e.name == name
                        && e.department_id == department_id
                        && e.materials == materials
                        && e.limit_unit == limit_unit
                        && e.limit_n == limit_n
                        && e.stages == stages =>
                {
                    out.unchanged += 1;
                }
                Some(e) => {
                    let mut m: service_item::ActiveModel = e.clone().into();
                    m.name = Set(name);
                    m.department_id = Set(department_id);
                    m.materials = Set(materials);
                    m.limit_unit = Set(limit_unit.to_owned());
                    m.limit_n = Set(limit_n);
                    m.stages = Set(stages);
                    m.update(&txn).await?;
                    out.updated += 1;
                }
                None => {
                    service_item::ActiveModel {
                        code: Set(code),
                        name: Set(name),
                        department_id: Set(department_id),
                        materials: Set(materials),
                        limit_unit: Set(limit_unit.to_owned()),
                        limit_n: Set(limit_n),
                        stages: Set(stages),
                        is_demo: Set(false),
                        created_at: Set(now),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?;
                    out.added += 1;
                }
            }
        }
        if out.added + out.updated > 0 {
            self.store
                .audit()
                .record_on(
                    &txn,
                    caller,
                    "service.item.import",
                    "service_item",
                    None,
                    format!(
                        "导入服务事项：新增 {}，更新 {}，未变 {}，有误 {}",
                        out.added,
                        out.updated,
                        out.unchanged,
                        out.rejects.len()
                    ),
                )
                .await?;
        }
        txn.commit().await?;
        Ok(out)
    }
}
