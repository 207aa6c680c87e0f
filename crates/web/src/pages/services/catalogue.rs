//! The catalogue of service items with its import, and the working-day calendar.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use qunlian_domain::auth::Action;
use qunlian_domain::services::TimeLimit;
use qunlian_store::services::{CalendarYear, CatalogueImport, NewServiceItem, ServiceItem};
use serde::Deserialize;

use super::*;
use crate::auth::{Auth, Layout};
use crate::error::{PageResult, WebError};
use crate::state::AppState;
use crate::support::forms::{Pairs, Refusal, non_empty, required_id};
use crate::support::{render, render_form, saved_or_again};

// ---------- catalogue ----------

pub struct DeptItems {
    pub department: String,
    pub items: Vec<ServiceItem>,
}

#[derive(Template)]
#[template(path = "services/catalogue.html")]
struct CataloguePage {
    may_file: bool,
    layout: Layout,
    groups: Vec<DeptItems>,
    count: usize,
    may_manage: bool,
    departments: Vec<(i64, String)>,
    edit: Option<ServiceItem>,
    import: Option<CatalogueImport>,
    error: Option<String>,
    /// A refused item form ("item"), shown again as it was typed.
    refused: Refusal,
}

impl CataloguePage {
    /// A field of the item form: as typed when it was refused, else the edited item's.
    fn item_value(&self, field: &str) -> String {
        let Some(e) = self.edit.as_ref().filter(|_| !self.refused.is_some()) else {
            return self.refused.typed("item", field, "").to_owned();
        };
        match field {
            "code" => e.code.clone(),
            "name" => e.name.clone(),
            "department_id" => e.department_id.to_string(),
            "materials" => e.materials.join("\n"),
            "limit" => e.limit_label.clone(),
            "stages" => e.stages.join("→"),
            _ => String::new(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct CatalogueQuery {
    edit: Option<String>,
}

async fn catalogue_page(
    state: &AppState,
    auth: &Auth,
    edit: Option<i64>,
    import: Option<CatalogueImport>,
    error: Option<String>,
    refused: Refusal,
) -> PageResult {
    may_read(auth)?;
    let items = state.store.services().items(&auth.caller).await?;
    let count = items.len();
    let mut groups: Vec<DeptItems> = Vec::new();
    let mut sorted = items;
    sorted.sort_by(|a, b| (&a.department, &a.code).cmp(&(&b.department, &b.code)));
    for i in sorted {
        match groups.last_mut() {
            Some(g) if g.department == i.department => g.items.push(i),
            _ => groups.push(DeptItems { department: i.department.clone(), items: vec![i] }),
        }
    }
    let may_manage = auth.caller.may(Action::ManageServices);
    let edit = match edit {
        Some(id) if may_manage => Some(state.store.services().item(&auth.caller, id).await?),
        _ => None,
    };
    let was_refused = refused.is_some();
    let page = CataloguePage {
        may_file: auth.caller.may(Action::FileServiceRequest),
        layout: Layout::new(auth, state, "/services"),
        groups,
        count,
        departments: if may_manage { state.store.services().departments().await? } else { Vec::new() },
        may_manage,
        edit,
        import,
        error,
        refused,
    };
    render_form(&page, was_refused)
}

pub async fn catalogue(State(state): State<AppState>, auth: Auth, Query(q): Query<CatalogueQuery>) -> PageResult {
    catalogue_page(&state, &auth, id_param("事项", &q.edit)?, None, None, Refusal::default()).await
}

#[derive(Deserialize)]
pub struct ItemForm {
    code: Option<String>,
    name: Option<String>,
    department_id: Option<String>,
    materials: Option<String>,
    limit: Option<String>,
    stages: Option<String>,
}

/// Adds or updates an item (by its code); a refusal is the catalogue again with the reason
/// and what was typed by the item form.
pub async fn save_item(State(state): State<AppState>, auth: Auth, typed: Pairs) -> PageResult {
    auth.require(Action::ManageServices)?;
    let saved = async {
        let f: ItemForm = typed.parse()?;
        let limit_text = non_empty(&f.limit).unwrap_or("");
        let limit = TimeLimit::parse(limit_text).ok_or_else(|| {
            let typed = qunlian_domain::limits::echo(limit_text);
            WebError::Invalid(format!("办结时限：“{typed}”无法识别，应写作“5个工作日”或“4小时”"))
        })?;
        let split = qunlian_io::services::split_list;
        let new = NewServiceItem {
            code: non_empty(&f.code).unwrap_or("").to_owned(),
            name: non_empty(&f.name).unwrap_or("").to_owned(),
            department_id: required_id("责任部门", &f.department_id)?,
            materials: split(non_empty(&f.materials).unwrap_or(""), &['、', ';', '；']),
            limit,
            stages: split(&non_empty(&f.stages).unwrap_or("").replace("->", "→"), &['→', '>', '＞']),
            is_demo: false,
        };
        state.store.services().save_item(&auth.caller, new).await?;
        Ok("/services/catalogue".to_owned())
    }
    .await;
    saved_or_again(saved, |msg| catalogue_page(&state, &auth, None, None, None, Refusal::of("item", msg, typed))).await
}

async fn upload(multipart: &mut Multipart) -> Result<Option<Vec<u8>>, WebError> {
    let mut file = None;
    use crate::support::upload::unreadable;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(unreadable)?;
            file = Some(bytes.to_vec());
        }
    }
    Ok(file.filter(|b| !b.is_empty()))
}

pub async fn import_catalogue(State(state): State<AppState>, auth: Auth, mut multipart: Multipart) -> PageResult {
    auth.require(Action::ManageServices)?;
    let Some(bytes) = upload(&mut multipart).await? else {
        let missing = Some("请选择要导入的 .xlsx 或 .csv 文件".into());
        return catalogue_page(&state, &auth, None, None, missing, Refusal::default()).await;
    };
    let parsed = tokio::task::spawn_blocking(move || qunlian_io::services::read_catalogue(bytes))
        .await
        .map_err(WebError::internal)?;
    let (rows, rejects) = match parsed {
        Ok(x) => x,
        Err(e) => return catalogue_page(&state, &auth, None, None, Some(e), Refusal::default()).await,
    };
    let mut result = state.store.services().import_items(&auth.caller, rows).await?;
    result.rejects.extend(rejects.into_iter().map(|r| (r.line, r.reason)));
    result.rejects.sort();
    catalogue_page(&state, &auth, None, Some(result), None, Refusal::default()).await
}

// ---------- calendar ----------

#[derive(Template)]
#[template(path = "services/calendar.html")]
struct CalendarPage {
    may_file: bool,
    layout: Layout,
    years: Vec<CalendarYear>,
    may_manage: bool,
    error: Option<String>,
    loaded: Option<i32>,
}

impl CalendarPage {
    fn at(&self, y: &CalendarYear) -> String {
        crate::support::format::minutes(y.loaded_at)
    }
}

async fn calendar_page(state: &AppState, auth: &Auth, error: Option<String>, loaded: Option<i32>) -> PageResult {
    may_read(auth)?;
    render(&CalendarPage {
        may_file: auth.caller.may(Action::FileServiceRequest),
        layout: Layout::new(auth, state, "/services"),
        years: state.store.services().calendar_years().await?,
        may_manage: auth.caller.may(Action::ManageServices),
        error,
        loaded,
    })
}

pub async fn calendar(State(state): State<AppState>, auth: Auth) -> PageResult {
    calendar_page(&state, &auth, None, None).await
}

pub async fn upload_calendar(State(state): State<AppState>, auth: Auth, mut multipart: Multipart) -> PageResult {
    auth.require(Action::ManageServices)?;
    let Some(bytes) = upload(&mut multipart).await? else {
        return calendar_page(&state, &auth, Some("请选择节假日安排文件（.csv）".into()), None).await;
    };
    let text = qunlian_io::table::decode_text(&bytes);
    match state.store.services().import_calendar_year(&auth.caller, &text).await {
        Ok(year) => calendar_page(&state, &auth, None, Some(year)).await,
        Err(qunlian_store::StoreError::Forbidden) => Err(WebError::Forbidden),
        Err(e @ qunlian_store::StoreError::Invalid { .. }) => {
            calendar_page(&state, &auth, Some(e.to_string()), None).await
        }
        Err(e) => Err(e.into()),
    }
}
