//! The Chinese font the PDF embeds and the charts are drawn with: taken from the system
//! (fontconfig's directories, Windows' and macOS' font folders) or from `QUNLIAN_FONT_DIR`,
//! never shipped. A 仿宋 is preferred, then a 宋体/serif CJK face, then any face with Chinese
//! glyphs; none found is a `BriefingError::NoChineseFont` with what to install.

use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb;

use super::BriefingError;

/// A font face with Chinese glyphs, its file's bytes shared.
#[derive(Clone)]
pub struct ChineseFont {
    pub family: String,
    pub data: Arc<Vec<u8>>,
    /// The face's index in a collection (.ttc).
    pub index: u32,
    /// Its weight (400 regular, 700 bold).
    pub weight: u16,
    /// A second, heavier face for the title (GB/T 9704 sets it in 小标宋): a 小标宋 if the
    /// system has one, else a bold serif CJK face, else any bold Chinese face; None when the
    /// system has only the body's face, and the title is set in it.
    pub title: Option<Arc<ChineseFont>>,
}

impl ChineseFont {
    /// The face the title is set in: the title face when found, else this one.
    pub fn title_face(&self) -> &ChineseFont {
        self.title.as_deref().unwrap_or(self)
    }
}

impl std::fmt::Debug for ChineseFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ChineseFont({} #{} {}, title {:?})",
            self.family,
            self.index,
            self.weight,
            self.title.as_ref().map(|t| (&t.family, t.weight))
        )
    }
}

/// The environment variable naming a folder of fonts to use instead of the system's.
pub const FONT_DIR_VAR: &str = "QUNLIAN_FONT_DIR";

static SYSTEM: OnceLock<ChineseFont> = OnceLock::new();

impl ChineseFont {
    /// The system's (or `QUNLIAN_FONT_DIR`'s) best Chinese face; found once per process.
    pub fn system() -> Result<ChineseFont, BriefingError> {
        if let Some(f) = SYSTEM.get() {
            return Ok(f.clone());
        }
        let mut db = fontdb::Database::new();
        match std::env::var_os(FONT_DIR_VAR) {
            Some(dir) => db.load_fonts_dir(dir),
            None => db.load_system_fonts(),
        }
        let found = best(&db)?;
        Ok(SYSTEM.get_or_init(|| found).clone())
    }

    /// The best Chinese face among the fonts in `dir` (tests, and a font folder of the
    /// deployment's own).
    pub fn in_dir(dir: &std::path::Path) -> Result<ChineseFont, BriefingError> {
        let mut db = fontdb::Database::new();
        db.load_fonts_dir(dir);
        best(&db)
    }

    /// A font database holding only this face's file, with every generic family pointing at
    /// it: what the charts' SVG is rendered with.
    pub(super) fn database(&self) -> fontdb::Database {
        let mut db = fontdb::Database::new();
        db.load_font_data(self.data.as_ref().clone());
        db.set_sans_serif_family(&self.family);
        db.set_serif_family(&self.family);
        db.set_monospace_family(&self.family);
        db
    }
}

/// How well a family suits a GB/T 9704 body: 仿宋 best, then a 宋体 or serif CJK face.
fn preference(family: &str) -> u8 {
    let f = family.to_lowercase();
    if f.contains("fangsong") || f.contains("仿宋") {
        3
    } else if f.contains("song") || f.contains("宋") || f.contains("serif cjk") || f.contains("ming") {
        2
    } else {
        1
    }
}

/// How well a face suits a GB/T 9704 title (小标宋): a 小标宋 best, then a bold serif CJK
/// face, then any bold Chinese face; 0 for a face that is no title face (regular weights).
fn title_preference(family: &str, weight: u16) -> u8 {
    let f = family.to_lowercase();
    let bold = weight >= 600;
    if f.contains("小标宋") || f.contains("xiaobiaosong") || f.contains("biaosong") {
        3
    } else if bold && (f.contains("song") || f.contains("宋") || f.contains("serif cjk") || f.contains("ming")) {
        2
    } else if bold {
        1
    } else {
        0
    }
}

/// The faces with Chinese glyphs, with their family and weight.
fn chinese_faces(db: &fontdb::Database) -> Vec<(String, u16, fontdb::ID)> {
    let mut out = Vec::new();
    for face in db.faces() {
        let Some((family, _)) = face.families.first() else { continue };
        let chinese = db
            .with_face_data(face.id, |data, index| {
                ttf_parser::Face::parse(data, index)
                    .is_ok_and(|f| ['中', '国', '党', '集', '简'].iter().all(|c| f.glyph_index(*c).is_some()))
            })
            .unwrap_or(false);
        if chinese {
            out.push((family.clone(), face.weight.0, face.id));
        }
    }
    out
}

/// How well a family's glyphs suit simplified Chinese: a SC / 简体 / GB face before one
/// without a region, before a HK, TC, JP or KR one (Noto CJK ships all five in one file;
/// their glyph shapes differ).
fn region(family: &str) -> u8 {
    let f = family.to_lowercase();
    if f.ends_with(" sc") || f.contains(" sc ") || f.contains("简") || f.contains("gb") {
        2
    } else if [" hk", " tc", " jp", " kr"].iter().any(|r| f.ends_with(r) || f.contains(&format!("{r} "))) {
        0
    } else {
        1
    }
}

/// The face of `rank`'s best, then the best for simplified Chinese, then the weight `fit`
/// likes most (ties: the first family by name).
fn pick(
    faces: &[(String, u16, fontdb::ID)],
    rank: impl Fn(&str, u16) -> u8,
    fit: impl Fn(u16) -> u16,
) -> Option<&(String, u16, fontdb::ID)> {
    faces.iter().filter(|(family, weight, _)| rank(family, *weight) > 0).max_by(|a, b| {
        (rank(&a.0, a.1), region(&a.0), fit(a.1))
            .cmp(&(rank(&b.0, b.1), region(&b.0), fit(b.1)))
            .then_with(|| b.0.cmp(&a.0))
    })
}

/// A body face: the regular weight, else the nearest to it.
fn body_fit(weight: u16) -> u16 {
    u16::MAX - weight.abs_diff(400)
}

fn load(db: &fontdb::Database, family: &str, weight: u16, id: fontdb::ID) -> Result<ChineseFont, BriefingError> {
    let (data, index) =
        db.with_face_data(id, |data, index| (data.to_vec(), index)).ok_or(BriefingError::NoChineseFont)?;
    Ok(ChineseFont { family: family.to_owned(), data: Arc::new(data), index, weight, title: None })
}

fn best(db: &fontdb::Database) -> Result<ChineseFont, BriefingError> {
    let faces = chinese_faces(db);
    let (family, weight, id) = pick(&faces, |f, _| preference(f), body_fit).ok_or(BriefingError::NoChineseFont)?;
    let mut body = load(db, family, *weight, *id)?;
    let others: Vec<_> = faces.iter().filter(|f| f.2 != *id).cloned().collect();
    if let Some((family, weight, id)) = pick(&others, title_preference, |w| w) {
        body.title = Some(Arc::new(load(db, family, *weight, *id)?));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_folder_has_no_chinese_font_and_says_so() {
        let dir = tempfile::tempdir().expect("temp dir");
        let e = ChineseFont::in_dir(dir.path()).expect_err("no font in an empty folder");
        assert!(e.to_string().contains("未找到中文字体"), "{e}");
        assert!(e.to_string().contains("fonts-wqy-microhei"), "{e}");
    }

    #[test]
    fn the_title_face_is_a_xiaobiaosong_then_a_bold_serif_then_any_bold_else_the_body() {
        assert!(title_preference("方正小标宋简体", 400) > title_preference("Noto Serif CJK SC", 700));
        assert!(title_preference("Noto Serif CJK SC", 700) > title_preference("Noto Sans CJK SC", 700));
        assert!(title_preference("Noto Sans CJK SC", 700) > 0);
        assert_eq!(title_preference("WenQuanYi Zen Hei", 400), 0);
        let body =
            ChineseFont { family: "仿宋".into(), data: Arc::new(Vec::new()), index: 0, weight: 400, title: None };
        assert_eq!(body.title_face().family, "仿宋");
        // The system's: where it has a second face the title is set in a heavier one.
        if let Ok(font) = ChineseFont::system()
            && let Some(t) = &font.title
        {
            assert!(t.weight > font.weight, "{font:?}");
        }
    }

    #[test]
    fn simplified_chinese_and_the_regular_weight_are_preferred_for_the_body() {
        let face = |family: &str, weight| (family.to_owned(), weight, fontdb::ID::dummy());
        let faces = [
            face("Noto Serif CJK HK", 400),
            face("Noto Serif CJK JP", 400),
            face("Noto Serif CJK SC", 700),
            face("Noto Serif CJK SC", 400),
            face("Noto Sans CJK SC", 400),
        ];
        let body = pick(&faces, |f, _| preference(f), body_fit).expect("a body face");
        assert_eq!((body.0.as_str(), body.1), ("Noto Serif CJK SC", 400));
        let title = pick(&faces, title_preference, |w| w).expect("a title face");
        assert_eq!((title.0.as_str(), title.1), ("Noto Serif CJK SC", 700));
        assert!(region("Noto Serif CJK SC") > region("WenQuanYi Zen Hei"));
        assert!(region("WenQuanYi Zen Hei") > region("Noto Serif CJK TC"));
    }

    #[test]
    fn fangsong_is_preferred_to_song_to_any() {
        assert!(preference("FangSong") > preference("Noto Serif CJK SC"));
        assert!(preference("Noto Serif CJK SC") > preference("WenQuanYi Zen Hei"));
    }
}
