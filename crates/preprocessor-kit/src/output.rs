//! The built book on disk, as the renderers and checks that run after mdBook's html renderer see it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Where the html renderer wrote the book: `<build>/html`, next to the calling renderer's own
/// `destination`. `renderer` (e.g. `typeset`) names the caller in the error when the HTML is not
/// there yet, which happens when its `[output.…]` table sorts before `html`.
pub fn html_dir(destination: &Path, renderer: &str) -> Result<PathBuf> {
    let dir = destination
        .parent()
        .map(|p| p.join("html"))
        .context("the renderer's destination has no parent directory")?;
    if !dir.join("index.html").is_file() {
        bail!(
            "no HTML book at {}: [output.{renderer}] must run after [output.html] (mdBook runs \
             renderers in name order)",
            dir.display()
        );
    }
    Ok(dir)
}

/// `p` relative to `root`, with `/` separators on every platform (`ch03/3-1.html`).
pub fn rel_path(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_dir_is_beside_the_destination_and_must_hold_a_book() {
        let root = std::env::temp_dir().join(format!("kit-output-{}", std::process::id()));
        let err = html_dir(&root.join("typeset"), "typeset")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("[output.typeset] must run after [output.html]"),
            "{err}"
        );
        std::fs::create_dir_all(root.join("html")).unwrap();
        std::fs::write(root.join("html/index.html"), "").unwrap();
        assert_eq!(
            html_dir(&root.join("typeset"), "typeset").unwrap(),
            root.join("html")
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn rel_path_uses_slashes() {
        let root = Path::new("/b/html");
        assert_eq!(
            rel_path(root, &root.join("ch03").join("3-1.html")),
            "ch03/3-1.html"
        );
    }
}
