//! A briefing's bar chart (this period beside the same period a year before) drawn by
//! plotters to SVG, then read by usvg with the Chinese font: vector in the PDF (krilla-svg),
//! a PNG for Word (resvg).

use plotters::prelude::*;
use resvg::usvg;
use std::sync::Arc;

use super::{BriefingError, ChineseFont};
use qunlian_domain::briefing::Chart;

/// The chart's drawing size in SVG pixels; the documents scale it to the text width.
pub const WIDTH: u32 = 900;
pub const HEIGHT: u32 = 480;

const CURRENT: RGBColor = RGBColor(192, 0, 0);
const PREVIOUS: RGBColor = RGBColor(160, 160, 160);

fn plotting(e: impl std::fmt::Display) -> BriefingError {
    BriefingError::Chart(e.to_string())
}

/// The chart as SVG text.
pub fn svg(chart: &Chart) -> Result<String, BriefingError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(plotting)?;
        let n = chart.groups.len().max(1);
        let top = chart.groups.iter().flat_map(|g| [g.current, g.previous]).fold(0.0_f64, f64::max);
        let top = if top > 0.0 { top * 1.2 } else { 1.0 };
        let mut c = ChartBuilder::on(&root)
            .caption(&chart.title, ("sans-serif", 26))
            .margin(16)
            .x_label_area_size(44)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5_f64..(n as f64 - 0.5), 0.0_f64..top)
            .map_err(plotting)?;
        let labels: Vec<String> = chart.groups.iter().map(|g| g.label.clone()).collect();
        c.configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 {
                    labels.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc(&chart.unit)
            .label_style(("sans-serif", 18))
            .axis_desc_style(("sans-serif", 18))
            .draw()
            .map_err(plotting)?;
        let bar = |x0: f64, x1: f64, v: f64, color: RGBColor| Rectangle::new([(x0, 0.0), (x1, v)], color.filled());
        c.draw_series(
            chart.groups.iter().enumerate().map(|(i, g)| bar(i as f64 - 0.36, i as f64 - 0.02, g.current, CURRENT)),
        )
        .map_err(plotting)?
        .label(&chart.current_label)
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], CURRENT.filled()));
        c.draw_series(
            chart.groups.iter().enumerate().map(|(i, g)| bar(i as f64 + 0.02, i as f64 + 0.36, g.previous, PREVIOUS)),
        )
        .map_err(plotting)?
        .label(&chart.previous_label)
        .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], PREVIOUS.filled()));
        c.configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font(("sans-serif", 18))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(plotting)?;
        root.present().map_err(plotting)?;
    }
    Ok(out)
}

/// The chart read into a usvg tree, its text set in the Chinese font.
pub fn tree(chart: &Chart, font: &ChineseFont) -> Result<usvg::Tree, BriefingError> {
    let svg = svg(chart)?;
    let options = usvg::Options {
        font_family: font.family.clone(),
        fontdb: Arc::new(font.database()),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(&svg, &options).map_err(plotting)
}

/// The chart as a PNG at twice its drawing size (sharp on paper at the text width).
pub fn png(tree: &usvg::Tree) -> Result<(Vec<u8>, u32, u32), BriefingError> {
    let (w, h) = (WIDTH * 2, HEIGHT * 2);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or_else(|| plotting("画布尺寸无效"))?;
    resvg::render(tree, resvg::tiny_skia::Transform::from_scale(2.0, 2.0), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(plotting)?;
    Ok((png, w, h))
}
