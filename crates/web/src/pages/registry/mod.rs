//! The registry: units (企业名录), Party organisations, clusters, alliances and pairings,
//! regions and parks, their exports and the import.

pub mod alliances;
pub mod choices;
pub mod clusters;
pub mod enterprise_form;
pub mod enterprises;
pub mod exports;
pub mod import;
pub mod orgs;
pub mod proposals;
pub mod regions;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// The pages of registry, with their paths.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enterprises", get(enterprises::list))
        .route("/enterprises/export.xlsx", get(enterprises::export))
        .route("/enterprises/new", get(enterprise_form::new_form).post(enterprise_form::create))
        .route("/enterprises/{id}", get(enterprises::detail))
        .route("/enterprises/{id}/edit", get(enterprise_form::edit_form).post(enterprise_form::update))
        .route("/enterprises/{id}/reveal-phone", post(enterprises::reveal_phone))
        .route("/units/choices", get(choices::choices))
        .route("/orgs", get(orgs::tree))
        .route("/orgs/new", get(orgs::new_form).post(orgs::create))
        .route("/orgs/{id}", get(orgs::detail))
        .route("/orgs/{id}/rename", post(orgs::rename))
        .route("/orgs/{id}/dissolve", post(orgs::dissolve))
        .route("/orgs/{id}/merge", post(orgs::merge))
        .route("/orgs/{id}/edit", post(orgs::update))
        .route("/orgs/export.xlsx", get(exports::orgs))
        .route("/proposals", get(proposals::list).post(proposals::create))
        .route("/proposals/new", get(proposals::new_form))
        .route("/proposals/{id}/confirm", post(proposals::confirm))
        .route("/proposals/{id}/return", post(proposals::return_proposal))
        .route("/clusters", get(clusters::list))
        .route("/clusters/export.xlsx", get(exports::clusters))
        .route("/clusters/{id}", get(clusters::detail))
        .route("/clusters/new", get(clusters::new_form).post(clusters::create))
        .route("/clusters/{id}/members", post(clusters::add_member))
        .route("/clusters/{id}/officers", post(clusters::add_officer))
        .route("/clusters/{id}/edit", get(clusters::edit_form).post(clusters::update))
        .route("/clusters/{id}/members/{unit}/remove", post(clusters::remove_member))
        .route("/clusters/{id}/regions", post(clusters::add_region))
        .route("/alliances", get(alliances::alliances).post(alliances::create_alliance))
        .route("/alliances/export.xlsx", get(exports::alliances))
        .route("/alliances/{id}", get(alliances::alliance).post(alliances::update_alliance))
        .route("/pairings", get(alliances::pairings).post(alliances::create_pairing))
        .route("/pairings/export.xlsx", get(exports::pairings))
        .route("/pairings/{id}", get(alliances::pairing).post(alliances::update_pairing))
        .route("/pairings/{id}/end", post(alliances::end_pairing))
        .route("/regions", get(regions::page))
        .route("/regions/parks", post(regions::create_park))
        .route("/regions/parks/{id}", get(regions::park).post(regions::update_park))
        .route("/import", get(import::page))
        .route("/import/template.xlsx", get(import::template))
        .route(
            "/import/preview",
            post(import::preview).layer(axum::extract::DefaultBodyLimit::max(
                crate::support::upload::IMPORT_LIMIT + crate::support::upload::FORM_OVERHEAD,
            )),
        )
        .route("/import/jobs/{id}", get(import::job))
        .route("/import/jobs/{id}/confirm", post(import::confirm))
        .route("/import/jobs/{id}/cancel", post(import::cancel))
        .route("/import/jobs/{id}/rejects.xlsx", get(import::rejects_xlsx))
}
