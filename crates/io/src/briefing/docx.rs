//! The briefing as Word (.docx) through docx-rs: GB/T 9704's page (A4, the margins, a
//! 28 × 22 character grid), 3号仿宋 body, 2号小标宋 title, 黑体 and 楷体 headings, the charts as
//! PNG at the text width, page numbers "— n —" in the footer. Word lays the text out itself
//! (the grid makes 28 characters a line and 22 lines a page); fonts are named, not embedded:
//! an office PC has them.

use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Docx, Footer, PageMargin, PageNum, Paragraph, Pic, Run, RunFonts,
    SpecialIndentType,
};
use qunlian_domain::briefing::{Block, Briefing};

use super::page::*;
use super::{BriefingError, ChineseFont, chart};

/// Twentieths of a point in a millimetre.
fn twips(mm: f32) -> i32 {
    (mm * 1440.0 / 25.4).round() as i32
}

/// EMU (English metric units, Word's drawing unit) in a millimetre.
const EMU_PER_MM: f32 = 36_000.0;

pub const BODY_FONT: &str = "仿宋_GB2312";
pub const TITLE_FONT: &str = "方正小标宋简体";
pub const HEADING_FONT: &str = "黑体";
pub const SUBHEADING_FONT: &str = "楷体_GB2312";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii("Times New Roman").hi_ansi("Times New Roman")
}

/// Half-points, Word's font size unit.
fn half_points(pt: f32) -> usize {
    (pt * 2.0).round() as usize
}

/// A body-sized paragraph indented two characters, in `font`.
fn indented(text: &str, font: &str) -> Paragraph {
    let indent = twips(text_width_mm() / CHARS as f32 * 2.0);
    Paragraph::new()
        .indent(None, Some(SpecialIndentType::FirstLine(indent)), None, None)
        .add_run(Run::new().add_text(text).fonts(fonts(font)).size(half_points(BODY_PT)))
}

fn centred(text: &str, font: &str, pt: f32) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(Run::new().add_text(text).fonts(fonts(font)).size(half_points(pt)))
}

/// The .docx bytes of the briefing; the charts are drawn with `font`.
pub fn docx(briefing: &Briefing, font: &ChineseFont) -> Result<Vec<u8>, BriefingError> {
    let text_twips_w = twips(WIDTH_MM) - twips(LEFT_MM) - twips(RIGHT_MM);
    let text_twips_h = twips(HEIGHT_MM) - twips(TOP_MM) - twips(BOTTOM_MM);
    // Word's character grid: the extra space a character gets beyond the default size, in
    // 4096ths of a point, so that exactly CHARS fit a line.
    let char_space = ((text_twips_w as f32 / CHARS as f32 / 20.0 - BODY_PT) * 4096.0).round() as isize;
    let line_pitch = (text_twips_h as usize) / LINES;
    let folio = Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(Run::new().add_text("— ").fonts(fonts("宋体")).size(half_points(FOLIO_PT)))
        .add_page_num(PageNum::new())
        .add_run(Run::new().add_text(" —").fonts(fonts("宋体")).size(half_points(FOLIO_PT)));
    let mut doc = Docx::new()
        .page_size(twips(WIDTH_MM) as u32, twips(HEIGHT_MM) as u32)
        .page_margin(
            PageMargin::new()
                .top(twips(TOP_MM))
                .bottom(twips(BOTTOM_MM))
                .left(twips(LEFT_MM))
                .right(twips(RIGHT_MM))
                .header(twips(15.0))
                .footer(twips(BOTTOM_MM - 7.0 - 5.0)),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(half_points(BODY_PT))
        .footer(Footer::new().add_paragraph(folio));
    doc.document = doc
        .document
        .doc_grid(DocGrid::new().grid_type(DocGridType::LinesAndChars).line_pitch(line_pitch).char_space(char_space));

    doc = doc
        .add_paragraph(centred(&briefing.title, TITLE_FONT, TITLE_PT))
        .add_paragraph(centred(&briefing.subtitle, "楷体_GB2312", BODY_PT))
        .add_paragraph(Paragraph::new());
    let width_mm = text_width_mm();
    for block in &briefing.blocks {
        doc = match block {
            Block::Heading(t) => doc.add_paragraph(indented(t, HEADING_FONT)),
            Block::Subheading(t) => doc.add_paragraph(indented(t, SUBHEADING_FONT)),
            Block::Paragraph(t) => doc.add_paragraph(indented(t, BODY_FONT)),
            Block::Chart(c) => {
                let (png, w, h) = chart::png(&chart::tree(c, font)?)?;
                let height_mm = width_mm * h as f32 / w as f32;
                let pic = Pic::new_with_dimensions(png, w, h)
                    .size((width_mm * EMU_PER_MM) as u32, (height_mm * EMU_PER_MM) as u32);
                doc.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_image(pic)))
                    .add_paragraph(centred(&c.title, SUBHEADING_FONT, BODY_PT))
            }
        };
    }
    doc = doc.add_paragraph(Paragraph::new()).add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(Run::new().add_text(&briefing.signature).fonts(fonts(BODY_FONT)).size(half_points(BODY_PT))),
    );
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| BriefingError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
