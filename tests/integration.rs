//! One integration test binary (ripgrep style); the modules below share `util`.

mod cases;
mod check;
mod cli;
mod fontprog;
mod hostile;
mod library;
mod package;
mod pdf;
mod review;
mod scale;
mod util;
