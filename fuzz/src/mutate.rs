//! The mutations: no coverage feedback (stable has no sanitizer coverage), so they lean on
//! what breaks parsers — one token repeated thousands of times (length and depth), splices of
//! two inputs, dictionary words, flipped bits and truncation.

/// Inputs never grow past this: the server refuses larger bodies before a parser sees them.
const MAX_INPUT: usize = 1 << 20;
/// Inputs kept for further mutation.
const POOL: usize = 512;

pub struct Mutator {
    state: u64,
    pool: Vec<Vec<u8>>,
    dictionary: &'static [&'static str],
}

impl Mutator {
    pub fn new(seed: u64, corpus: Vec<Vec<u8>>, dictionary: &'static [&'static str]) -> Mutator {
        Mutator { state: seed | 1, pool: corpus, dictionary }
    }

    pub fn pool(&self) -> &[Vec<u8>] {
        &self.pool
    }

    /// xorshift64*: reproducible from `--seed`.
    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn word(&mut self) -> Vec<u8> {
        match self.dictionary.len() {
            0 => vec![self.next() as u8],
            n => self.dictionary[self.below(n)].as_bytes().to_vec(),
        }
    }

    pub fn next_input(&mut self) -> Vec<u8> {
        let i = self.below(self.pool.len());
        let mut input = self.pool[i].clone();
        for _ in 0..=self.below(4) {
            self.mutate(&mut input);
        }
        input.truncate(MAX_INPUT);
        input
    }

    /// Keeps an input now and then, so mutations build on mutations.
    pub fn keep(&mut self, input: Vec<u8>) {
        if self.below(16) == 0 {
            if self.pool.len() < POOL {
                self.pool.push(input);
            } else {
                let i = self.below(POOL);
                self.pool[i] = input;
            }
        }
    }

    fn mutate(&mut self, input: &mut Vec<u8>) {
        let at = self.below(input.len() + 1);
        match self.below(9) {
            0 if !input.is_empty() => {
                let i = self.below(input.len());
                input[i] ^= 1 << self.below(8);
            }
            1 if !input.is_empty() => {
                let i = self.below(input.len());
                input[i] = self.next() as u8;
            }
            2 => {
                let b = self.next() as u8;
                input.insert(at, b);
            }
            3 if !input.is_empty() => {
                let end = (at + 1 + self.below(16)).min(input.len());
                input.drain(at.min(end)..end);
            }
            4 | 5 => {
                let w = self.word();
                input.splice(at..at, w);
            }
            6 => {
                // One token many times: 60,000 `!`, a thousand brackets, a megabyte of digits.
                let w = self.word();
                let times = [10, 100, 1_000, 10_000, 60_000][self.below(5)];
                let run: Vec<u8> = w.iter().copied().cycle().take(w.len() * times).collect();
                input.splice(at..at, run);
            }
            7 => {
                let i = self.below(self.pool.len());
                let other = self.pool[i].clone();
                let from = self.below(other.len() + 1);
                input.truncate(at);
                input.extend_from_slice(&other[from..]);
            }
            _ => input.truncate(at),
        }
    }
}
