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
}

impl std::fmt::Debug for ChineseFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChineseFont({} #{})", self.family, self.index)
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

fn best(db: &fontdb::Database) -> Result<ChineseFont, BriefingError> {
    let mut chosen: Option<(u8, String, fontdb::ID)> = None;
    for face in db.faces() {
        let Some((family, _)) = face.families.first() else { continue };
        let chinese = db
            .with_face_data(face.id, |data, index| {
                ttf_parser::Face::parse(data, index)
                    .is_ok_and(|f| ['中', '国', '党', '集', '简'].iter().all(|c| f.glyph_index(*c).is_some()))
            })
            .unwrap_or(false);
        if !chinese {
            continue;
        }
        let rank = preference(family);
        let better = match &chosen {
            None => true,
            Some((r, name, _)) => rank > *r || (rank == *r && family < name),
        };
        if better {
            chosen = Some((rank, family.clone(), face.id));
        }
    }
    let (_, family, id) = chosen.ok_or(BriefingError::NoChineseFont)?;
    let (data, index) =
        db.with_face_data(id, |data, index| (data.to_vec(), index)).ok_or(BriefingError::NoChineseFont)?;
    Ok(ChineseFont { family, data: Arc::new(data), index })
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
    fn fangsong_is_preferred_to_song_to_any() {
        assert!(preference("FangSong") > preference("Noto Serif CJK SC"));
        assert!(preference("Noto Serif CJK SC") > preference("WenQuanYi Zen Hei"));
    }
}
