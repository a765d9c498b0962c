//! Reporters: turn document results into files and terminal output. Only this module and
//! `cli` talk to the outside world.

pub mod against;
pub mod diff;
pub mod html;
pub mod json;
pub mod mask;
