//! Values as offices write them (#16): an economic-figures file kept in 千元 — the unit in a
//! header's brackets or in the value itself — imports to exact whole 元, and a cell in a unit
//! the platform does not know is refused with the units it accepts.

use super::{count, firms, import};
use qunlian_testkit::*;

#[tokio::test]
async fn a_file_in_thousands_imports_to_exact_yuan() {
    let db = TestDb::new().await;
    firms(&db).await;
    let (a, b) = (uscc(1), uscc(2));
    let text = format!(
        "统一社会信用代码,期间,税收（千元）,营业收入\n\
         {a},2026年,\"1,234.5678\",12.5千元\n\
         {b},2026年,0.0005,3千\n\
         {b},2025年,12.5美元,\n"
    );
    let (counts, reasons) = import(&db, &system(), &text).await.unwrap();
    assert_eq!((counts.rows, counts.added), (2, 4), "{reasons:?}");
    let sum = |indicator: &str| {
        format!("SELECT CAST(SUM(value) AS BIGINT) FROM economic_figures WHERE indicator = '{indicator}'")
    };
    // 1,234.5678千元 = 1,234,567.8 元 → 1,234,568; 0.0005千元 = 0.5 元 → 1 (half up).
    assert_eq!(count(&db.url, &sum("tax")).await, 1_234_568 + 1);
    // No unit in the header: the value's own 千元 / 千.
    assert_eq!(count(&db.url, &sum("revenue")).await, 12_500 + 3_000);
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(reasons[0].starts_with("第4行：") && reasons[0].contains("“12.5美元”不是有效金额"), "{reasons:?}");
    assert!(reasons[0].contains("“千元”“万元”或“亿元”"), "{reasons:?}");
}
