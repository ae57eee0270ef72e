//! Write a synthetic math-heavy book for `scripts/bench-math.sh`.
//!
//! ```text
//! cargo run --release -p mdbook-math --example synth_book -- <dir> <formulas> [--distinct]
//! ```
//!
//! The mix copies what the book's chapters look like, measured on the chapter 1 and 3 drafts
//! (5,704 formulas: 3 % display, about 140 characters each, inline ones 17 on average; half of all
//! formulas distinct, and the distinct ones hold 80 % of the TeX): short inline symbols that recur
//! all the time (`$t$`, `$\bx_t$`, `$\beta_t$`), inline expressions with changing indices and
//! numbers, and one- or two-line display formulas. With `--distinct` every formula is made unique,
//! the worst case for a cache that also deduplicates within one build.
//!
//! Writes `<dir>/book/` (SUMMARY, pages, macros.tex copied from the real book; page 1 also holds
//! the marker formula `$\mathrm{edit}_{0}$` that the benchmark edits) and
//! `<dir>/book/katex-macros.txt` (the same macros in mdbook-katex's `\name:body` format).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Frequent inline symbols, most frequent first (sampled with a Zipf-like weight).
const COMMON: &[&str] = &[
    "t",
    "\\bx_0",
    "\\bx_t",
    "\\beta_t",
    "T",
    "\\beps",
    "\\lambda",
    "\\tilde\\beta_t",
    "L_{\\mathrm{simple}}",
    "\\beta",
    "t=1",
    "T=1000",
    "\\abar_t",
    "\\bx_{t-1}",
    "\\bv",
    "L_T",
    "N",
    "q",
    "t=T",
    "\\bx_T",
    "q(\\bx_{t-1}\\mid\\bx_t)",
    "p_{t-1}",
    "\\theta",
    "\\sigma_t",
    "a_t",
    "\\snr(t)",
    "\\pdata",
    "p_\\theta(\\bx_{t-1}\\mid\\bx_t)",
    "\\beps_\\theta(\\bx_t,t)",
    "\\N(\\mathbf{0},\\bI)",
    "\\KL",
    "d",
    "\\bs_\\theta(\\bx,t)",
    "\\nabla_{\\bx}\\log p_t(\\bx)",
    "\\tilde\\bmu_t",
    "\\Sigma_t",
    "\\hat\\bx_\\theta",
    "L_{\\mathrm{VLB}}",
    "w(\\lambda)",
    "\\gamma",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, so every run benchmarks the same book.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// Index into a list sorted by frequency: P(i) ∝ 1/(i+1).
    fn zipf(&mut self, n: usize) -> usize {
        let total: f64 = (1..=n).map(|i| 1.0 / i as f64).sum();
        let mut x = (self.next() % 1_000_000) as f64 / 1_000_000.0 * total;
        for i in 0..n {
            x -= 1.0 / (i + 1) as f64;
            if x <= 0.0 {
                return i;
            }
        }
        n - 1
    }
}

/// An inline expression with indices and numbers that vary, like the running text of a derivation.
fn expression(r: &mut Rng) -> String {
    let t = r.below(1000) + 1;
    let s = r.below(t) + 1;
    let v = r.below(9000) + 1000;
    match r.below(16) {
        0 => format!("t={t}"),
        1 => format!("\\abar_{{{t}}}\\approx 0.{v}"),
        2 => format!("q(\\bx_{{{t}}}\\mid\\bx_{{{s}}})"),
        3 => format!("\\beta_{{{t}}}=0.{v}"),
        4 => format!("\\bx_{{{t}}}"),
        5 => format!("\\lambda_{{{t}}}=\\log\\snr({t})"),
        6 => format!("\\tilde\\beta_{{{t}}}\\le\\beta_{{{t}}}"),
        7 => format!("\\beps_\\theta(\\bx_{{{t}}},{t})"),
        8 => format!("s={s}<t={t}"),
        9 => format!("\\sigma_{{{t}}}^2={s}\\times 10^{{-4}}"),
        10 => format!("\\snr({t})=\\abar_{{{t}}}/(1-\\abar_{{{t}}})"),
        11 => format!("\\abar_{{{t}}}"),
        12 => format!("\\sqrt{{\\abar_{{{t}}}}}\\,\\bx_0"),
        13 => format!("p_\\theta(\\bx_{{{s}}}\\mid\\bx_{{{t}}})"),
        14 => format!("\\KL(q_{{{t}}}\\,\\Vert\\,p_{{{t}}})"),
        _ => format!("\\bx_{{{t}}}=a_{{{t}}}\\bx_0+\\sigma_{{{t}}}\\beps"),
    }
}

/// A display formula: one equation, or an `aligned` derivation of two or three lines.
fn display(r: &mut Rng) -> String {
    let t = r.below(1000) + 2;
    let s = t - 1;
    let equations = [
        format!(
            "q(\\bx_{{{t}}}\\mid\\bx_0)=\\N\\big(\\bx_{{{t}}};\\sqrt{{\\abar_{{{t}}}}}\\,\\bx_0,(1-\\abar_{{{t}}})\\bI\\big)"
        ),
        format!(
            "\\tilde\\bmu_{{{t}}}=\\frac{{\\sqrt{{\\abar_{{{s}}}}}\\beta_{{{t}}}}}{{1-\\abar_{{{t}}}}}\\bx_0+\\frac{{\\sqrt{{\\alpha_{{{t}}}}}(1-\\abar_{{{s}}})}}{{1-\\abar_{{{t}}}}}\\bx_{{{t}}}"
        ),
        format!(
            "L_{{{s}}}=\\E_q\\big[\\KL(q(\\bx_{{{s}}}\\mid\\bx_{{{t}}},\\bx_0)\\,\\Vert\\,p_\\theta(\\bx_{{{s}}}\\mid\\bx_{{{t}}}))\\big]"
        ),
        format!("\\lambda_{{{t}}}=\\log\\frac{{\\abar_{{{t}}}}}{{1-\\abar_{{{t}}}}}"),
        format!(
            "\\E\\big[\\|\\beps-\\beps_\\theta(\\sqrt{{\\abar_{{{t}}}}}\\bx_0+\\sqrt{{1-\\abar_{{{t}}}}}\\beps,{t})\\|^2\\big]"
        ),
    ];
    let n = 1 + r.below(2);
    let lines: Vec<&str> = (0..n)
        .map(|_| equations[r.below(equations.len())].as_str())
        .collect();
    if n == 1 {
        lines.concat()
    } else {
        let body: Vec<String> = lines.iter().map(|l| l.replacen('=', "&=", 1)).collect();
        format!(
            "\\begin{{aligned}}\n{}\n\\end{{aligned}}",
            body.join(" \\\\\n")
        )
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(n)) = (args.first(), args.get(1)) else {
        bail!("usage: synth_book <dir> <formulas> [--distinct]");
    };
    let n: usize = n.parse().context("<formulas> must be a number")?;
    let distinct = args.iter().any(|a| a == "--distinct");
    let dir = Path::new(dir);
    let book = dir.join("book");
    let _ = fs::remove_dir_all(&book);
    fs::create_dir_all(&book).with_context(|| format!("creating {}", book.display()))?;

    let macros_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/macros.tex");
    let macros = fs::read_to_string(&macros_src).context("reading book/macros.tex")?;
    fs::write(book.join("macros.tex"), &macros)?;
    let parsed = mdbook_math::macros::Macros::parse(&preprocessor_kit::SourceFile::new(
        "book/macros.tex",
        &macros,
    ))
    .map_err(|d| anyhow::anyhow!("{d}"))?;
    let katex_macros: String = parsed
        .items
        .iter()
        .map(|m| format!("{}:{}\n", m.name, m.body))
        .collect();
    fs::write(book.join("katex-macros.txt"), katex_macros)?;

    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let per_page = 50;
    let pages = n.div_ceil(per_page);
    let mut summary = String::from("# Summary\n\n");
    let mut written = 0usize;
    let mut seen = std::collections::HashSet::new();
    for p in 0..pages {
        let ch = p / 10 + 1;
        let path = format!("ch{ch:02}/{}-{}.md", ch, p % 10 + 1);
        let _ = writeln!(summary, "- [{ch}.{}](/{path})", p % 10 + 1);
        let mut text = format!("# {ch}.{} 合成页面\n\n", p % 10 + 1);
        if p == 0 {
            // The benchmark edits this one formula to time a rebuild after a one-formula change.
            text.push_str("标记 $\\mathrm{edit}_{0}$。\n\n");
            seen.insert((false, "\\mathrm{edit}_{0}".to_string()));
            written += 1;
        }
        let mut para = String::new();
        while written < n && written < (p + 1) * per_page {
            let unique = |tex: String| {
                if distinct {
                    format!("{tex}\\,{{}}_{{{written}}}")
                } else {
                    tex
                }
            };
            if r.chance(3) {
                let tex = unique(display(&mut r));
                seen.insert((true, tex.clone()));
                let _ = write!(text, "{para}\n\n$$\n{tex}\n$$\n\n");
                para.clear();
            } else {
                let tex = if r.chance(50) {
                    COMMON[r.zipf(COMMON.len())].to_string()
                } else {
                    expression(&mut r)
                };
                let tex = unique(tex);
                let _ = write!(para, "由前向过程可知 ${tex}$ 满足上式,");
                seen.insert((false, tex));
                if r.chance(20) {
                    para.push_str("于是\n");
                }
            }
            written += 1;
        }
        text.push_str(&para);
        text.push('\n');
        let file = book.join(&path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&file, text)?;
    }
    fs::write(book.join("SUMMARY.md"), summary.replace("](/", "]("))?;
    println!(
        "{written} formulas ({} distinct) on {pages} pages in {}",
        seen.len(),
        book.display()
    );
    Ok(())
}
