//! The briefing as PDF through krilla: the same page and grid as the Word file (A4, GB/T
//! 9704 margins, 28 characters × 22 lines, 16 pt body, 22 pt title), laid out here line by
//! line (a full-width character one cell of the grid, others half; closing punctuation never
//! starts a line), the charts as vector drawings (krilla-svg), the Chinese font subset and
//! embedded, page numbers "— n —" under the text.

use krilla::Document;
use krilla::geom::{Point, Size, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};
use qunlian_domain::briefing::{Block, Briefing};
use resvg::usvg;

use super::page::*;
use super::{BriefingError, ChineseFont, cells, chart, wrap};

const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Clone, Copy, PartialEq)]
enum Align {
    /// From the left margin, this many cells in.
    Left(f32),
    Centre,
    Right,
}

enum Row {
    Text {
        text: String,
        size: f32,
        align: Align,
    },
    /// A chart taking `lines` grid lines.
    Chart {
        tree: Box<usvg::Tree>,
        lines: usize,
    },
    Blank,
}

impl Row {
    fn lines(&self) -> usize {
        match self {
            Row::Chart { lines, .. } => *lines,
            _ => 1,
        }
    }
}

fn failed(e: impl std::fmt::Debug) -> BriefingError {
    BriefingError::Pdf(format!("{e:?}"))
}

/// The rows of a paragraph, two cells indented.
fn paragraph(rows: &mut Vec<Row>, text: &str) {
    for (i, line) in wrap(text, CHARS as f32, 2.0).into_iter().enumerate() {
        let align = Align::Left(if i == 0 { 2.0 } else { 0.0 });
        rows.push(Row::Text { text: line, size: BODY_PT, align });
    }
}

fn centred(rows: &mut Vec<Row>, text: &str, size: f32, per_line: f32) {
    for line in wrap(text, per_line, 0.0) {
        rows.push(Row::Text { text: line, size, align: Align::Centre });
    }
}

/// The PDF bytes of the briefing, its text in `font`.
pub fn pdf(briefing: &Briefing, font: &ChineseFont) -> Result<Vec<u8>, BriefingError> {
    let text_w = text_width_mm() * PT_PER_MM;
    let pitch = text_height_mm() * PT_PER_MM / LINES as f32;
    let cell = text_w / CHARS as f32;

    let mut rows = Vec::new();
    centred(&mut rows, &briefing.title, TITLE_PT, (text_w / TITLE_PT).floor());
    centred(&mut rows, &briefing.subtitle, BODY_PT, CHARS as f32);
    rows.push(Row::Blank);
    for block in &briefing.blocks {
        match block {
            Block::Heading(t) | Block::Subheading(t) | Block::Paragraph(t) => paragraph(&mut rows, t),
            Block::Chart(c) => {
                let height = text_w * chart::HEIGHT as f32 / chart::WIDTH as f32;
                rows.push(Row::Chart {
                    tree: Box::new(chart::tree(c, font)?),
                    lines: (height / pitch).ceil() as usize,
                });
                centred(&mut rows, &c.title, BODY_PT, CHARS as f32);
            }
        }
    }
    rows.push(Row::Blank);
    rows.push(Row::Text { text: briefing.signature.clone(), size: BODY_PT, align: Align::Right });

    // Rows onto pages: a chart that does not fit the rest of a page starts the next.
    let mut pages: Vec<Vec<(usize, Row)>> = vec![Vec::new()];
    let mut line = 0;
    for row in rows {
        if line + row.lines() > LINES && line > 0 {
            pages.push(Vec::new());
            line = 0;
        }
        if matches!(row, Row::Blank) && line == 0 {
            continue;
        }
        let n = row.lines();
        if let Some(page) = pages.last_mut() {
            page.push((line, row));
        }
        line += n;
    }

    let face = |f: &ChineseFont| {
        Font::new(f.data.clone().into(), f.index)
            .ok_or_else(|| BriefingError::Pdf(format!("字体“{}”无法读取", f.family)))
    };
    let kfont = face(font)?;
    // The title in the heavier face when the system has one (GB/T 9704: 小标宋), else the body's.
    let title_font = face(font.title_face())?;
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(briefing.title.clone()).language("zh-CN".to_owned()));
    let (left, top) = (LEFT_MM * PT_PER_MM, TOP_MM * PT_PER_MM);
    let settings =
        PageSettings::from_wh(WIDTH_MM * PT_PER_MM, HEIGHT_MM * PT_PER_MM).ok_or_else(|| failed("页面尺寸"))?;
    let draw = |surface: &mut krilla::surface::Surface<'_>, text: &str, x: f32, baseline: f32, size: f32, cell: f32| {
        let kfont = if size >= TITLE_PT { &title_font } else { &kfont };
        let mut x = x;
        for c in text.chars() {
            if !c.is_whitespace() {
                let mut buf = [0u8; 4];
                surface.draw_text(
                    Point::from_xy(x, baseline),
                    kfont.clone(),
                    size,
                    c.encode_utf8(&mut buf),
                    false,
                    TextDirection::Auto,
                );
            }
            x += cells(c) * cell;
        }
    };
    let width_of = |text: &str, cell: f32| text.chars().map(cells).sum::<f32>() * cell;
    for (number, rows) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for (line, row) in rows {
            let y = top + *line as f32 * pitch;
            match row {
                Row::Blank => {}
                Row::Text { text, size, align } => {
                    let cell = if *size > BODY_PT { *size } else { cell };
                    let x = match align {
                        Align::Left(cells) => left + cells * cell,
                        Align::Centre => left + (text_w - width_of(text, cell)) / 2.0,
                        Align::Right => left + text_w - width_of(text, cell),
                    };
                    draw(&mut surface, text, x, y + pitch / 2.0 + size * 0.35, *size, cell);
                }
                Row::Chart { tree, lines } => {
                    let height = text_w * chart::HEIGHT as f32 / chart::WIDTH as f32;
                    let y = y + (*lines as f32 * pitch - height) / 2.0;
                    surface.push_transform(&Transform::from_translate(left, y));
                    surface
                        .draw_svg(
                            tree,
                            Size::from_wh(text_w, height).ok_or_else(|| failed("图表尺寸"))?,
                            SvgSettings::default(),
                        )
                        .ok_or_else(|| failed("图表无法绘入 PDF"))?;
                    surface.pop();
                }
            }
        }
        let folio = format!("— {} —", number + 1);
        let baseline = top + text_height_mm() * PT_PER_MM + 7.0 * PT_PER_MM + FOLIO_PT * 0.8;
        draw(&mut surface, &folio, left + (text_w - width_of(&folio, FOLIO_PT)) / 2.0, baseline, FOLIO_PT, FOLIO_PT);
        surface.finish();
        page.finish();
    }
    document.finish().map_err(failed)
}
