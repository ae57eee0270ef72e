//! Shared machinery for the book's mdBook preprocessors.
//!
//! Every preprocessor in this workspace does one job, and they all need the same things: the mdBook
//! JSON protocol ([`protocol`]), a way to walk chapters in reading order ([`chapters`]), a scanner
//! that knows where code, raw HTML and math are so nothing is found inside them ([`scan`]), the
//! `:::` directive parser ([`directive`]), byte offset → `file:line:col` ([`source`]), one error type
//! ([`diagnostics`]) and line-preserving splicing ([`splice`]).
//!
//! Two invariants keep error positions exact across the chain of preprocessors: they all run before
//! mdBook's `links` preprocessor (so the text is the file on disk), and every splice keeps the number
//! of lines of the text it replaces.

pub mod attrs;
pub mod chapters;
pub mod diagnostics;
pub mod directive;
pub mod html;
pub mod links;
pub mod output;
pub mod pages;
pub mod protocol;
pub mod refs;
pub mod scan;
pub mod source;
pub mod splice;
#[cfg(feature = "testing")]
pub mod testing;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use source::SourceFile;
