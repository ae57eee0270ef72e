//! `typography-lint [--fix | --diff] PATH…` — Chinese typography in the book's sources.
//!
//! Walks each PATH (a file or a directory) for `.md`, `.py` and `.toml` files and prints every
//! problem as `file:line:col: message`. `--diff` prints the lines `--fix` would change, `--fix`
//! rewrites the files (prose only). Exit status: 0 when nothing is left to fix, 1 when problems
//! remain, 2 on an error (unreadable file, a fix that would touch non-prose text).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use typography_lint::{Kind, diagnostics, fix};

#[derive(PartialEq)]
enum Mode {
    Check,
    Diff,
    Fix,
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn usage() -> &'static str {
    "usage: typography-lint [--fix | --diff] PATH…  (e.g. typography-lint book figures minidiff/minidiff)"
}

fn run() -> Result<bool> {
    let mut mode = Mode::Check;
    let mut paths = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--fix" => mode = Mode::Fix,
            "--diff" => mode = Mode::Diff,
            "-h" | "--help" => {
                println!("{}", usage());
                return Ok(true);
            }
            s if s.starts_with('-') => bail!("unknown option '{s}'\n{}", usage()),
            _ => paths.push(PathBuf::from(a)),
        }
    }
    if paths.is_empty() {
        bail!("no PATH given\n{}", usage());
    }
    let mut files = Vec::new();
    for p in &paths {
        collect(p, &mut files)?;
    }
    let (mut problems, mut changed, mut left, mut refused) = (0usize, 0usize, 0usize, 0usize);
    for (path, kind) in &files {
        let display = path.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {display}"))?;
        if mode == Mode::Check {
            for d in diagnostics(*kind, &display, &text) {
                println!("{d}");
                problems += 1;
            }
            continue;
        }
        // A refused fix is reported and the other files are still fixed.
        let fixed = match fix(*kind, &display, &text) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e:#}");
                refused += 1;
                continue;
            }
        };
        if fixed != text {
            changed += 1;
            if mode == Mode::Fix {
                std::fs::write(path, &fixed).with_context(|| format!("writing {display}"))?;
            } else {
                print_diff(&display, &text, &fixed);
            }
        }
        for d in diagnostics(*kind, &display, &fixed) {
            println!("{d}");
            left += 1;
        }
    }
    match mode {
        Mode::Check => {
            if problems > 0 {
                eprintln!(
                    "typography-lint: {problems} problem(s) in {} file(s) checked; \
                     `typography-lint --diff` shows the fixes, `--fix` applies them",
                    files.len()
                );
            }
            Ok(problems == 0)
        }
        Mode::Diff | Mode::Fix => {
            if refused > 0 {
                bail!("{refused} file(s) not fixed (see above); fix them by hand");
            }
            let verb = if mode == Mode::Fix {
                "fixed"
            } else {
                "would fix"
            };
            eprintln!(
                "typography-lint: {verb} {changed} of {} file(s); {left} problem(s) need a human",
                files.len()
            );
            Ok(left == 0 && (mode == Mode::Fix || changed == 0))
        }
    }
}

fn collect(p: &Path, out: &mut Vec<(PathBuf, Kind)>) -> Result<()> {
    if p.is_file() {
        let kind = Kind::of(p)
            .with_context(|| format!("{}: not a .md, .py or .toml file", p.display()))?;
        out.push((p.to_path_buf(), kind));
        return Ok(());
    }
    if !p.is_dir() {
        bail!("{}: no such file or directory", p.display());
    }
    let walk = walkdir::WalkDir::new(p)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            e.depth() == 0 || !(n.starts_with('.') || n == "__pycache__" || n == "target")
        });
    for e in walk {
        let e = e.with_context(|| format!("walking {}", p.display()))?;
        if e.file_type().is_file()
            && let Some(kind) = Kind::of(e.path())
        {
            out.push((e.path().to_path_buf(), kind));
        }
    }
    Ok(())
}

/// The changed lines (fixes keep line counts, so line n of one is line n of the other).
fn print_diff(display: &str, old: &str, new: &str) {
    for (n, (a, b)) in old.lines().zip(new.lines()).enumerate() {
        if a != b {
            println!("{display}:{}\n-{a}\n+{b}", n + 1);
        }
    }
}
