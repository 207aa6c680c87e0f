use super::*;

#[test]
fn lines_hold_28_cells_and_punctuation_never_starts_one() {
    let text = "二".repeat(26) + "，三四";
    let lines = wrap(&text, 28.0, 2.0);
    // 2 cells of indent + 26 characters fill the first line; the comma hangs on it.
    assert_eq!(lines[0].chars().count(), 27);
    assert!(lines[0].ends_with('，'));
    assert_eq!(lines[1], "三四");
    // Half-width characters take half a cell: 56 digits fit a line.
    assert_eq!(wrap(&"1".repeat(57), 28.0, 0.0).len(), 2);
}
