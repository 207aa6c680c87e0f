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

use qunlian_domain::briefing::{Block, Briefing, Chart, ChartGroup};
use std::io::Read;

fn sample() -> Briefing {
    Briefing {
        title: "集群党建工作简报".into(),
        subtitle: "（2021年上半年 · 全区）".into(),
        signature: "区委组织部　2026年12月4日生成".into(),
        blocks: vec![
            Block::Heading("一、总体情况".into()),
            Block::Paragraph(
                "2021年上半年，全区共有产业集群2个。各集群合计：完成税收5.1158亿元，同比+48.3%；达成合作3项，合作金额1200万元。"
                    .repeat(3),
            ),
            Block::Chart(Chart {
                title: "图1　各集群税收".into(),
                unit: "亿元".into(),
                current_label: "2021年上半年".into(),
                previous_label: "2020年上半年".into(),
                groups: vec![
                    ChartGroup { label: "新桥".into(), current: 5.1158, previous: 3.4496 },
                    ChartGroup { label: "乡村旅游".into(), current: 0.2, previous: 0.1 },
                ],
            }),
            Block::Subheading("（一）新桥现代装备产业集群".into()),
            Block::Paragraph("经济指标：税收5.1158亿元，上年同期3.4496亿元，同比+48.3%。".into()),
        ],
    }
}

fn font() -> ChineseFont {
    // `make test` installs fonts-noto-cjk on a machine without a bold Chinese face.
    ChineseFont::system().unwrap_or_else(|e| panic!("{e}"))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_docx_parses_back_with_its_text_and_the_gb_t_9704_page() {
    let b = sample();
    let bytes = docx(&b, &font()).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    for text in ["集群党建工作简报", "完成税收5.1158亿元，同比+48.3%", "（一）新桥现代装备产业集群"]
    {
        assert!(xml.contains(text), "{text} missing from document.xml");
    }
    // A4, margins 37/35/28/26 mm in twips, a lines-and-characters grid of 22 lines.
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "page size: {xml:.2000}");
    for m in [r#"w:top="2098""#, r#"w:bottom="1984""#, r#"w:left="1587""#, r#"w:right="1474""#] {
        assert!(xml.contains(m), "margin {m}");
    }
    assert!(xml.contains(r#"w:type="linesAndChars""#) && xml.contains(r#"w:linePitch="579""#), "grid");
    assert!(xml.contains(r#"w:eastAsia="仿宋_GB2312""#) && xml.contains(r#"<w:sz w:val="32""#), "3号仿宋");
    assert!(xml.contains(r#"w:eastAsia="方正小标宋简体""#) && xml.contains(r#"<w:sz w:val="44""#), "2号小标宋");
    // The chart is a PNG in the package.
    let media: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.starts_with("word/media/") && n.ends_with(".png"))
        .map(|n| n.into_owned())
        .collect();
    assert_eq!(media.len(), 1, "{media:?}");
    let mut png = Vec::new();
    zip.by_name(&media[0]).unwrap().read_to_end(&mut png).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn the_pdf_has_the_same_text() {
    let b = sample();
    let bytes = pdf(&b, &font()).unwrap();
    if let Some(dir) = std::env::var_os("BRIEFING_SAMPLE_DIR") {
        std::fs::write(std::path::Path::new(&dir).join("briefing.pdf"), &bytes).unwrap();
    }
    assert!(bytes.starts_with(b"%PDF"));
    let text = squeeze(&pdf_extract::extract_text_from_mem(&bytes).unwrap());
    for line in b.texts() {
        assert!(text.contains(&squeeze(line)), "“{line}” missing from the PDF text: {text}");
    }
    assert!(text.contains("—1—"), "page number");
    // The title's face is embedded beside the body's when the system has one (make test
    // installs Noto Serif CJK's Regular and Bold for that).
    let embedded = bytes.windows(9).filter(|w| w == b"/FontFile").count();
    let faces = if font().title.is_some() { 2 } else { 1 };
    assert_eq!(embedded, faces, "embedded font files");
}

#[test]
fn the_chart_is_svg_with_its_labels() {
    let Block::Chart(c) = &sample().blocks[2] else { unreachable!() };
    let svg = chart_svg(c).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("新桥") && svg.contains("2020年上半年"), "{svg:.500}");
}
