//! The unit list's query (企业名录 and the other kinds): its filters, order and pages as the
//! list page and the API both read them, so neither imports the other.

use qunlian_domain::RegionCode;
use qunlian_domain::auth::ClusterId;
use qunlian_domain::registry::{EnterpriseSort, SrdiLevel, UnitKind};
use qunlian_store::registry::EnterpriseFilter;
use serde::Deserialize;

use crate::error::WebError;
use crate::support::forms::{coded, non_empty, parsed};

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub town: Option<String>,
    pub cluster: Option<i64>,
    /// A park (its sub-parks included).
    pub park: Option<i64>,
    /// 单位类型: enterprise (the default), cooperative, school …
    pub kind: Option<String>,
    pub industry: Option<String>,
    pub high_tech: Option<String>,
    pub above_scale: Option<String>,
    pub srdi: Option<String>,
    pub listed: Option<String>,
    pub key_project: Option<String>,
    pub has_org: Option<String>,
    /// Coverage drill-downs: a key-enterprise category, a status, organised or not.
    pub category: Option<i64>,
    pub coverage: Option<String>,
    pub org_covered: Option<String>,
    pub sort: Option<String>,
    pub desc: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

pub fn flag(v: &Option<String>) -> Option<bool> {
    match non_empty(v) {
        Some("1" | "true" | "on" | "是") => Some(true),
        Some("0" | "false" | "否") => Some(false),
        _ => None,
    }
}

impl ListQuery {
    pub fn filter(&self) -> Result<EnterpriseFilter, WebError> {
        let region = match non_empty(&self.town) {
            Some(code) => Some(RegionCode::parse(code).map_err(|e| WebError::Invalid(format!("街镇：{e}")))?),
            None => None,
        };
        let srdi = coded(&self.srdi, SrdiLevel::from_code)?;
        Ok(EnterpriseFilter {
            q: non_empty(&self.q).map(str::to_owned),
            region,
            cluster: self.cluster.map(ClusterId),
            park: self.park,
            kind: Some(self.unit_kind()?),
            industry: non_empty(&self.industry).map(str::to_owned),
            high_tech: flag(&self.high_tech),
            above_scale: flag(&self.above_scale),
            srdi_at_least: srdi,
            listed: flag(&self.listed),
            key_project: flag(&self.key_project),
            has_org: flag(&self.has_org),
            category: self.category.map(qunlian_domain::auth::CategoryId),
            coverage: coded(&self.coverage, qunlian_domain::coverage::CoverageStatus::parse)?,
            org_covered: flag(&self.org_covered),
            ..Default::default()
        })
    }

    /// The kind of unit listed; enterprises unless another kind is chosen.
    pub fn unit_kind(&self) -> Result<UnitKind, WebError> {
        match non_empty(&self.kind) {
            None => Ok(UnitKind::Enterprise),
            Some(code) => parsed(UnitKind::parse(code)),
        }
    }

    /// The order asked for (by name when none is) and whether it is descending; an unknown
    /// order is refused rather than read as by name.
    pub fn sort(&self) -> Result<(EnterpriseSort, bool), WebError> {
        let sort = coded(&self.sort, EnterpriseSort::from_code)?.unwrap_or_default();
        Ok((sort, flag(&self.desc).unwrap_or(false)))
    }

    /// The query string of this filter with one parameter replaced: for pager and sort links.
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: &Option<String>| {
            if let Some(v) = non_empty(v) {
                pairs.push((k.to_owned(), v.to_owned()));
            }
        };
        push("q", &self.q);
        push("town", &self.town);
        push("cluster", &self.cluster.map(|c| c.to_string()));
        push("park", &self.park.map(|p| p.to_string()));
        push("kind", &self.kind);
        push("industry", &self.industry);
        push("high_tech", &self.high_tech);
        push("above_scale", &self.above_scale);
        push("srdi", &self.srdi);
        push("listed", &self.listed);
        push("key_project", &self.key_project);
        push("has_org", &self.has_org);
        push("category", &self.category.map(|c| c.to_string()));
        push("coverage", &self.coverage);
        push("org_covered", &self.org_covered);
        push("sort", &self.sort);
        push("desc", &self.desc);
        push("per_page", &self.per_page.map(|p| p.to_string()));
        pairs.retain(|(k, _)| k != key);
        if !value.is_empty() {
            pairs.push((key.to_owned(), value.to_owned()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    pub fn checked(v: &Option<String>) -> bool {
        flag(v) == Some(true)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// An order or a 专精特新 level the list does not know is refused by its field's name;
    /// before, both were quietly read as "by name" and "any level".
    #[test]
    fn an_unknown_order_or_level_is_refused() {
        let q = |sort: &str, srdi: &str| ListQuery {
            sort: Some(sort.to_owned()),
            srdi: Some(srdi.to_owned()),
            ..ListQuery::default()
        };
        assert_eq!(q("employees", "").sort().unwrap(), (EnterpriseSort::Employees, false));
        assert_eq!(q("", "").sort().unwrap(), (EnterpriseSort::Name, false));
        assert!(q("salary", "").sort().unwrap_err().to_string().contains("排序"));
        assert_eq!(q("", "municipal").filter().unwrap().srdi_at_least, Some(SrdiLevel::Municipal));
        assert!(q("", "gold").filter().unwrap_err().to_string().contains("专精特新"));
    }
}
