//! The 工作简报 as files: Word (.docx, editable, laid out per GB/T 9704) and PDF with the same
//! text and charts. The document comes built (`qunlian_domain::briefing::Briefing`); here it
//! is only set. Library choices: docs/decisions/0010-briefing-documents.md.
//!
//! GB/T 9704 page: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; body 3号仿宋
//! (16 pt), 28 characters × 22 lines a page; title 2号小标宋 (22 pt); page numbers 4号
//! "— 1 —" under the text.

mod chart;
mod docx;
mod font;
mod pdf;

pub use chart::svg as chart_svg;
pub use docx::docx;
pub use font::{ChineseFont, FONT_DIR_VAR};
pub use pdf::pdf;

/// Why a briefing could not be written.
#[derive(Debug, thiserror::Error)]
pub enum BriefingError {
    #[error(
        "未找到中文字体：生成简报的 PDF 与图表需要系统中安装一种中文字体（如仿宋、宋体、文泉驿微米黑、Noto CJK）。\
         请安装后重试（Debian/Ubuntu：apt-get install fonts-wqy-microhei 或 fonts-noto-cjk），\
         或把字体文件放入一个文件夹并以环境变量 QUNLIAN_FONT_DIR 指明"
    )]
    NoChineseFont,
    #[error("图表生成失败：{0}")]
    Chart(String),
    #[error("Word 文档生成失败：{0}")]
    Docx(String),
    #[error("PDF 生成失败：{0}")]
    Pdf(String),
}

/// The page in millimetres and the grid, shared by both writers.
pub(crate) mod page {
    pub const WIDTH_MM: f32 = 210.0;
    pub const HEIGHT_MM: f32 = 297.0;
    pub const TOP_MM: f32 = 37.0;
    pub const BOTTOM_MM: f32 = 35.0;
    pub const LEFT_MM: f32 = 28.0;
    pub const RIGHT_MM: f32 = 26.0;
    pub const CHARS: usize = 28;
    pub const LINES: usize = 22;
    /// 3号.
    pub const BODY_PT: f32 = 16.0;
    /// 2号.
    pub const TITLE_PT: f32 = 22.0;
    /// 4号, the page number.
    pub const FOLIO_PT: f32 = 14.0;

    pub fn text_width_mm() -> f32 {
        WIDTH_MM - LEFT_MM - RIGHT_MM
    }

    pub fn text_height_mm() -> f32 {
        HEIGHT_MM - TOP_MM - BOTTOM_MM
    }
}

/// A character's width in grid cells: full-width (CJK, full-width punctuation) one, others
/// half.
pub(crate) fn cells(c: char) -> f32 {
    if (c as u32) < 0x2E80 && !matches!(c, '—' | '…' | '“' | '”' | '‘' | '’' | '·') { 0.5 } else { 1.0 }
}

/// Characters a line must not begin with (GB/T 15834 line-breaking): they hang at the end of
/// the line before.
fn closes(c: char) -> bool {
    "，。、；：？！）》」』”’%…—".contains(c)
}

/// A paragraph broken into lines of at most `width` cells, the first `indent` cells in.
pub(crate) fn wrap(text: &str, width: f32, indent: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = indent;
    for c in text.chars() {
        let w = cells(c);
        if used + w > width + 1e-3 && !line.is_empty() && !closes(c) {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests;
