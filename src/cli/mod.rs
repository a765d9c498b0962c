//! Command line: argument definitions (clap) and the commands they run.

pub mod args;
pub mod run;
pub mod scale;
