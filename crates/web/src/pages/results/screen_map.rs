//! The 大屏's district map: a tile-free schematic, not a geographic map. Each of Songjiang's
//! towns and streets is a block at a hand-placed position that keeps their rough relative
//! places (佘山 north, 泖港 and 叶榭 south, 九亭 and 泗泾 north-east, the new-town streets in
//! the middle), coloured by its organisational coverage. No boundary data is used: no
//! registry package with town boundaries under a licence that allows it was found
//! (docs/results.md); no map service is called.

use qunlian_store::results::TownCoverage;

/// (town code, column, row) on a 6 × 5 grid.
const SONGJIANG: &[(&str, u32, u32)] = &[
    ("310117504", 1, 0), // 佘山度假区
    ("310117103", 2, 0), // 佘山镇
    ("310117102", 3, 0), // 泗泾镇
    ("310117006", 4, 0), // 九里亭街道
    ("310117121", 0, 1), // 小昆山镇
    ("310117005", 1, 1), // 广富林街道
    ("310117003", 2, 1), // 方松街道
    ("310117106", 3, 1), // 洞泾镇
    ("310117107", 4, 1), // 九亭镇
    ("310117002", 1, 2), // 永丰街道
    ("310117004", 2, 2), // 中山街道
    ("310117501", 3, 2), // 松江工业区
    ("310117105", 4, 2), // 新桥镇
    ("310117117", 0, 3), // 新浜镇
    ("310117116", 1, 3), // 石湖荡镇
    ("310117001", 2, 3), // 岳阳街道
    ("310117507", 3, 3), // 上海松江出口加工区
    ("310117104", 4, 3), // 车墩镇
    ("310117109", 2, 4), // 泖港镇
    ("310117120", 3, 4), // 叶榭镇
];

const COLUMNS: u32 = 5;
const W: u32 = 150;
const H: u32 = 84;
const GAP: u32 = 8;

/// One block of the map.
pub struct Block {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
    pub code: String,
    pub name: String,
    /// 组织覆盖率 text, or "无企业".
    pub rate: String,
    /// 企业 n 家.
    pub detail: String,
    /// The legend band: "b0" (no enterprises) … "b4" (90 % and over).
    pub band: &'static str,
}

/// The map's blocks and its height: Songjiang's towns at their places, any other town of the
/// scope in rows below.
pub fn blocks(towns: &[TownCoverage]) -> (Vec<Block>, u32) {
    let mut out = Vec::new();
    let mut extra_row = 5;
    let mut extra_col = 0;
    let mut place = |code: &str| {
        if let Some((_, c, r)) = SONGJIANG.iter().find(|(t, _, _)| *t == code) {
            (*c, *r)
        } else {
            let at = (extra_col, extra_row);
            extra_col += 1;
            if extra_col == COLUMNS {
                extra_col = 0;
                extra_row += 1;
            }
            at
        }
    };
    let mut codes: Vec<String> = SONGJIANG.iter().map(|(c, _, _)| (*c).to_owned()).collect();
    codes.extend(towns.iter().map(|t| t.code.clone()).filter(|c| !SONGJIANG.iter().any(|(s, _, _)| s == c)));
    let songjiang_in_scope = towns.is_empty() || towns.iter().any(|t| t.code.starts_with("310117"));
    if !songjiang_in_scope {
        codes.retain(|c| towns.iter().any(|t| &t.code == c));
    }
    let mut rows = 0;
    for code in codes {
        let (c, r) = place(&code);
        rows = rows.max(r + 1);
        let town = towns.iter().find(|t| t.code == code);
        let (rate, detail, band) = match town {
            Some(t) if t.counts.total > 0 => {
                let rate = t.counts.org_rate();
                let band = match rate {
                    r if r >= 90.0 => "b4",
                    r if r >= 70.0 => "b3",
                    r if r >= 50.0 => "b2",
                    _ => "b1",
                };
                (format!("{rate:.1}%"), format!("企业{}家", t.counts.total), band)
            }
            _ => ("—".to_owned(), "无企业或不在范围内".to_owned(), "b0"),
        };
        out.push(Block {
            x: c * (W + GAP),
            y: r * (H + GAP),
            w: W,
            h: H,
            name: qunlian_store::registry::town_name(&code),
            code,
            rate,
            detail,
            band,
        });
    }
    (out, rows * (H + GAP))
}

/// The map's width.
pub const WIDTH: u32 = COLUMNS * (W + GAP);
