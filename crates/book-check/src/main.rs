//! `book-check [HTML_DIR] [BOOK_SRC_DIR]` — check the built book; exit 1 on any problem.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let html = PathBuf::from(args.next().unwrap_or_else(|| "build/html".into()));
    let src = PathBuf::from(args.next().unwrap_or_else(|| "book".into()));
    match book_check::check(&html, &src) {
        Ok(report) => {
            println!("external domains linked ({}):", report.domains.len());
            for d in &report.domains {
                println!("  {d}");
            }
            for p in &report.problems {
                eprintln!("error: {p}");
            }
            println!(
                "book-check: {} pages checked, {} problems",
                report.pages,
                report.problems.len()
            );
            if report.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: book-check: {e:#}");
            ExitCode::FAILURE
        }
    }
}
