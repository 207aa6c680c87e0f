//! The search crate's integration tests, in one binary: the index's contract, and the
//! evaluation of matching quality on reference/matching-eval/.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod eval;
mod index;
mod ivf;
mod semantic;
