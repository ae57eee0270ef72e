//! The mdBook preprocessor protocol: `supports <renderer>`, then Book JSON on stdin and stdout.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::Book;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// One preprocessor: a name and a transformation of the whole book.
pub trait BookPreprocessor {
    /// Name used in messages, e.g. `exercises`.
    fn name(&self) -> &'static str;

    /// Transform the book. Author mistakes are returned as [`Diagnostics`] (inside the error).
    fn run(&self, ctx: &PreprocessorContext, book: Book) -> Result<Book>;

    /// Renderers this preprocessor works for.
    fn supports_renderer(&self, renderer: &str) -> bool {
        renderer == "html"
    }
}

/// Entry point for a preprocessor binary: handles `supports`, version checks, I/O and errors.
pub fn main(p: &dyn BookPreprocessor) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("supports") {
        let renderer = args.get(1).map(String::as_str).unwrap_or("");
        return if p.supports_renderer(renderer) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    match run_stdio(p) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(p.name(), &e);
            ExitCode::FAILURE
        }
    }
}

fn run_stdio(p: &dyn BookPreprocessor) -> Result<()> {
    let (ctx, book) = mdbook_preprocessor::parse_input(io::stdin().lock())
        .context("reading the book from mdBook (stdin)")?;
    check_version(p.name(), &ctx.mdbook_version)?;
    let book = p.run(&ctx, book)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    serde_json::to_writer(&mut out, &book).context("writing the book back to mdBook (stdout)")?;
    out.flush().context("flushing stdout")?;
    Ok(())
}

/// Accept any mdBook `^0.5`; warn when it differs from the version we were built against.
pub fn check_version(name: &str, running: &str) -> Result<()> {
    let built = mdbook_preprocessor::MDBOOK_VERSION;
    let running_v = semver::Version::parse(running)
        .with_context(|| format!("mdBook reported an unreadable version '{running}'"))?;
    let req = semver::VersionReq::parse("^0.5").context("version requirement")?;
    if !req.matches(&running_v) {
        bail!(
            "this preprocessor works with mdBook 0.5.x, but is being run by mdBook {running}; \
             install the pinned version: cargo install mdbook --version {built} --locked"
        );
    }
    if running != built {
        eprintln!("warning: {name}: built against mdBook {built}, running under mdBook {running}");
    }
    Ok(())
}

/// Print a warning about the book's sources.
pub fn warn(d: &Diagnostic) {
    eprintln!("warning: {d}");
}

fn report(name: &str, e: &anyhow::Error) {
    if let Some(d) = e.downcast_ref::<Diagnostics>() {
        for item in &d.items {
            eprintln!("error: {item}");
        }
        eprintln!(
            "error: {name}: {} problem{} in the book's sources",
            d.len(),
            if d.len() == 1 { "" } else { "s" }
        );
    } else {
        eprintln!("error: {name}: {e:#}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_check() {
        assert!(check_version("t", "0.5.4").is_ok());
        assert!(check_version("t", "0.5.9").is_ok());
        assert!(check_version("t", "0.4.40").is_err());
        assert!(check_version("t", "1.0.0").is_err());
        assert!(check_version("t", "garbage").is_err());
    }
}
