//! The OpenAPI document's shared parts: bearer authentication, and the error body every
//! operation may answer with.

use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};

use crate::error::ErrorBody;

pub struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Adds the `ErrorBody` schema and, to every operation, the error statuses it may answer with.
pub struct ErrorResponses;

const ERRORS: [(&str, &str); 8] = [
    ("400", "请求格式不对（bad_request），如请求体不是 JSON"),
    ("401", "缺少或无效的令牌（unauthorized）"),
    ("403", "令牌所属用户无权执行此操作（forbidden）"),
    (
        "404",
        "记录不存在，或不在令牌所属用户的权限范围内（not_found）；格式正确但校验位不符的信用代码、不存在的行政区划代码或服务事项也是 404",
    ),
    ("409", "与已有记录冲突（conflict），如同一企业已有同名的有效供需"),
    ("413", "请求体过大（payload_too_large）"),
    ("422", "参数或字段无法识别，消息中指明是哪一个（invalid）"),
    ("500", "系统内部错误（internal）"),
];

impl utoipa::Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::PartialSchema;
        let components = openapi.components.get_or_insert_with(Default::default);
        components.schemas.insert("ErrorBody".into(), ErrorBody::schema());
        let body = || {
            ContentBuilder::new().schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody")))).build()
        };
        for item in openapi.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
            for op in ops.into_iter().flatten() {
                for (status, description) in ERRORS {
                    op.responses.responses.insert(
                        status.into(),
                        RefOr::T(
                            ResponseBuilder::new().description(description).content("application/json", body()).build(),
                        ),
                    );
                }
            }
        }
    }
}

/// Patterns the document takes from the code itself, so that a code added to a set, or a
/// spelling the API learns, is documented as it is accepted: (path, query parameter, pattern).
pub struct GeneratedPatterns;

fn generated() -> [(&'static str, &'static str, String); 4] {
    use super::params;
    [
        ("/api/v1/activities", "kind", params::code_pattern::<qunlian_domain::activities::ActivityKind>()),
        ("/api/v1/figures", "period", params::PERIOD.to_owned()),
        ("/api/v1/workgroups", "kind", params::code_pattern::<qunlian_domain::workgroups::WorkgroupKind>()),
        ("/api/v1/workgroups", "state", params::code_pattern::<qunlian_domain::workgroups::WorkgroupState>()),
    ]
}

impl utoipa::Modify for GeneratedPatterns {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{Object, Schema};
        for (path, name, pattern) in generated() {
            let Some(op) = openapi.paths.paths.get_mut(path).and_then(|item| item.get.as_mut()) else { continue };
            let params = op.parameters.iter_mut().flatten().filter_map(|p| match p {
                RefOr::T(p) if p.name == name => Some(p),
                _ => None,
            });
            for p in params {
                let mut object = match p.schema.take() {
                    Some(RefOr::T(Schema::Object(o))) => o,
                    _ => Object::new(),
                };
                object.pattern = Some(pattern.clone());
                p.schema = Some(RefOr::T(Schema::Object(object)));
            }
        }
    }
}
