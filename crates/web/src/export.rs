//! The enterprise list as .xlsx, shared by the page's 导出Excel and `qunlian export`. The
//! headers are the import template's, so an export can be edited and imported again.

use qunlian_domain::registry::SrdiLevel;
use qunlian_io::enterprises::Field;
use qunlian_io::xlsx::{Cell, Column, XlsxError, XlsxTable};
use qunlian_store::registry::Enterprise;

pub fn enterprises_xlsx(rows: Vec<Enterprise>, title: Option<String>) -> Result<Vec<u8>, XlsxError> {
    let width = |f: Field| match f {
        Field::Name | Field::Address => 36.0,
        Field::Uscc => 22.0,
        _ => 12.0,
    };
    let table = XlsxTable {
        sheet: "企业名录".into(),
        title,
        columns: Field::ALL.iter().map(|f| Column { header: f.header().into(), width: width(*f) }).collect(),
    };
    table.write(rows.into_iter().map(|e| {
        Field::ALL
            .iter()
            .map(|f| match f {
                Field::Name => Cell::Text(e.name.clone()),
                Field::Uscc => Cell::Text(e.uscc.clone().unwrap_or_default()),
                Field::Town => Cell::Text(e.town_name.clone()),
                Field::Park => Cell::Empty,
                Field::Industry => Cell::Text(e.industry_code.clone().unwrap_or_default()),
                Field::Employees => e.employees.map(|n| Cell::Int(i64::from(n))).unwrap_or(Cell::Empty),
                Field::HighTech => Cell::Bool(e.high_tech),
                Field::AboveScale => Cell::Bool(e.above_scale),
                Field::Srdi => {
                    Cell::Text(if e.srdi == SrdiLevel::None { String::new() } else { e.srdi_label.to_owned() })
                }
                Field::Listed => Cell::Bool(e.listed),
                Field::KeyProject => Cell::Bool(e.key_project),
                Field::FoundedOn => e.founded_on.map(Cell::Date).unwrap_or(Cell::Empty),
                Field::Address => Cell::Text(e.address.clone().unwrap_or_default()),
                Field::ContactName => Cell::Text(e.contact_name.clone().unwrap_or_default()),
                // Masked: an export never carries personal data in full.
                Field::ContactPhone => Cell::Empty,
            })
            .collect()
    }))
}
