//! The towns a filter or form offers, as `<select>` choices.

use qunlian_domain::RegionCode;
use qunlian_domain::auth::Scope;

use super::forms::Choice;
use crate::auth::Auth;
use crate::state::AppState;

/// The towns a filter offers: those of the caller's region, or of the deployment's district.
pub fn town_options(state: &AppState, auth: &Auth, selected: Option<&str>) -> Vec<Choice> {
    let parent = match &auth.caller.scope {
        Scope::Region(r) if r.level() == qunlian_domain::region::RegionLevel::Town => {
            return vec![Choice { value: r.to_string(), label: r.name().to_owned(), selected: true }];
        }
        Scope::Region(r) => *r,
        _ => state.config.district,
    };
    Choice::list(parent.children().map(|t| (t.to_string(), t.name())), selected.unwrap_or(""))
}

/// Keeps a record's own town among the choices when it lies outside the towns offered (a
/// park or unit registered in a neighbouring district): saving must not move it silently.
pub fn keep_town(towns: &mut Vec<Choice>, code: &str) {
    if towns.iter().any(|t| t.value == code) {
        return;
    }
    if let Ok(region) = RegionCode::parse(code) {
        for t in towns.iter_mut() {
            t.selected = false;
        }
        towns.insert(0, Choice { value: code.to_owned(), label: region.full_name(), selected: true });
    }
}
