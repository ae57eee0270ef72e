//! The on-disk render cache: (display flag, TeX) → KaTeX HTML and the macro definitions it was
//! rendered under, valid for one KaTeX version and one set of options.
//!
//! The key is the content itself, stored in full, so a lookup can never return another formula's
//! HTML. Next to each formula the cache keeps the definitions of the macros the formula reaches
//! ([`crate::macros::MacroIndex::dependencies`]): an entry is used only when they are unchanged, so
//! editing or adding a macro re-renders just the formulas that use it. What changes every formula's
//! output (KaTeX version, our options) is in the file's header: when it differs, the whole file is
//! stale and starts empty. One file, read once and rewritten atomically (temp file + rename) only
//! when something new was rendered, keeps a warm build to one read of a few megabytes.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

const MAGIC: &[u8] = b"mdbook-math cache\n";

/// Bump when anything in how we call KaTeX changes (options, post-processing stays out of the cache).
const FORMAT: u32 = 3;

pub type Key = (bool, String);

/// What a formula rendered to, and under which macro definitions.
#[derive(Debug)]
struct Entry {
    deps: String,
    html: String,
}

#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    header: Vec<u8>,
    entries: HashMap<Key, Entry>,
    /// Macro names → whether KaTeX itself defines them (depends only on the KaTeX version).
    builtins: HashMap<String, bool>,
    /// Names asked about in this build: the others are dropped when the file is written.
    asked: HashSet<String>,
    used: HashSet<Key>,
    dirty: bool,
}

impl Cache {
    /// Open the cache at `path` for output of `katex_version`. A missing, stale or unreadable file
    /// gives an empty cache: the cache can make a build faster, never wrong.
    pub fn open(path: &Path, katex_version: &str) -> Cache {
        let header = format!("format={FORMAT}\nkatex={katex_version}").into_bytes();
        let (builtins, entries) = fs::read(path)
            .ok()
            .and_then(|bytes| decode(&bytes, &header))
            .unwrap_or_default();
        Cache {
            path: path.to_path_buf(),
            header,
            entries,
            builtins,
            asked: HashSet::new(),
            used: HashSet::new(),
            dirty: false,
        }
    }

    /// The HTML of `key` rendered under the macro definitions `deps`, if cached.
    pub fn get(&mut self, key: &Key, deps: &str) -> Option<&str> {
        let entry = self.entries.get(key).filter(|e| e.deps == deps)?;
        self.used.insert(key.clone());
        Some(&entry.html)
    }

    pub fn insert(&mut self, key: Key, deps: String, html: String) {
        self.used.insert(key.clone());
        self.entries.insert(key, Entry { deps, html });
        self.dirty = true;
    }

    /// Whether KaTeX itself defines the command `name`, if an earlier build asked.
    pub fn katex_builtin(&mut self, name: &str) -> Option<bool> {
        let answer = self.builtins.get(name).copied()?;
        self.asked.insert(name.to_string());
        Some(answer)
    }

    pub fn set_katex_builtin(&mut self, name: String, builtin: bool) {
        self.asked.insert(name.clone());
        self.builtins.insert(name, builtin);
        self.dirty = true;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Write the cache if anything was added. Formulas not used in this build are kept (a formula
    /// edit undone under `mdbook serve` is still cached) until they outnumber the used ones, then
    /// dropped. A formula has one entry, so undoing a macro edit renders the formulas using the
    /// macro again.
    pub fn save(mut self) -> Result<()> {
        let unused = self.entries.len() - self.used.len().min(self.entries.len());
        if !self.dirty && unused <= self.used.len() {
            return Ok(());
        }
        if unused > self.used.len() {
            let used = std::mem::take(&mut self.used);
            self.entries.retain(|k, _| used.contains(k));
        }
        let asked = std::mem::take(&mut self.asked);
        self.builtins.retain(|name, _| asked.contains(name));
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)
            .with_context(|| format!("creating the math cache directory {}", dir.display()))?;
        let mut bytes = Vec::with_capacity(
            self.entries
                .iter()
                .map(|(k, e)| k.1.len() + e.deps.len() + e.html.len() + 25)
                .sum::<usize>()
                + 64,
        );
        encode(&mut bytes, &self.header, &self.builtins, &self.entries);
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        let mut f = fs::File::create(&tmp)
            .with_context(|| format!("writing the math cache {}", tmp.display()))?;
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("writing the math cache {}", tmp.display()))?;
        fs::rename(&tmp, &self.path)
            .with_context(|| format!("replacing the math cache {}", self.path.display()))?;
        Ok(())
    }
}

fn encode(
    out: &mut Vec<u8>,
    header: &[u8],
    builtins: &HashMap<String, bool>,
    entries: &HashMap<Key, Entry>,
) {
    out.extend_from_slice(MAGIC);
    put(out, header);
    out.extend_from_slice(&(builtins.len() as u64).to_le_bytes());
    let mut names: Vec<_> = builtins.iter().collect();
    names.sort_unstable();
    for (name, builtin) in names {
        put(out, name.as_bytes());
        out.push(u8::from(*builtin));
    }
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    // Sorted, so the same content always gives the same file.
    let mut sorted: Vec<_> = entries.iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for ((display, tex), entry) in sorted {
        out.push(u8::from(*display));
        put(out, tex.as_bytes());
        put(out, entry.deps.as_bytes());
        put(out, entry.html.as_bytes());
    }
}

fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// The builtin answers and the entries of a cache file.
type Decoded = (HashMap<String, bool>, HashMap<Key, Entry>);

/// What a cache file written under `header` holds, or None when it is stale or damaged.
fn decode(bytes: &[u8], header: &[u8]) -> Option<Decoded> {
    let mut r = Reader(bytes.strip_prefix(MAGIC)?);
    if r.chunk()? != header {
        return None;
    }
    let n = r.u64()?;
    // Counts come from the file: reserve no more than its remaining bytes could hold.
    let mut builtins = HashMap::with_capacity(usize::try_from(n).ok()?.min(r.0.len() / 9));
    for _ in 0..n {
        let name = std::str::from_utf8(r.chunk()?).ok()?.to_string();
        builtins.insert(name, r.flag()?);
    }
    let n = r.u64()?;
    let mut entries = HashMap::with_capacity(usize::try_from(n).ok()?.min(r.0.len() / 25));
    for _ in 0..n {
        let display = r.flag()?;
        let tex = std::str::from_utf8(r.chunk()?).ok()?.to_string();
        let deps = std::str::from_utf8(r.chunk()?).ok()?.to_string();
        let html = std::str::from_utf8(r.chunk()?).ok()?.to_string();
        entries.insert((display, tex), Entry { deps, html });
    }
    r.0.is_empty().then_some((builtins, entries))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }

    fn flag(&mut self) -> Option<bool> {
        match self.take(1)? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn chunk(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mdbook-math-test-{}", std::process::id()));
        dir.join(name)
    }

    #[test]
    fn round_trip_and_staleness() {
        let path = tmp("a/cache.bin");
        let mut c = Cache::open(&path, "0.16.4");
        assert!(c.is_empty());
        c.insert((true, "x".into()), String::new(), "<x>".into());
        c.insert((false, "中\\bx".into()), "\\bx\0".into(), "<y>".into());
        c.set_katex_builtin("\\R".into(), true);
        c.set_katex_builtin("\\bx".into(), false);
        c.save().unwrap();

        let mut c = Cache::open(&path, "0.16.4");
        assert_eq!(c.len(), 2);
        assert_eq!(c.katex_builtin("\\R"), Some(true));
        assert_eq!(c.katex_builtin("\\bx"), Some(false));
        assert_eq!(c.katex_builtin("\\N"), None);
        assert_eq!(c.get(&(true, "x".into()), ""), Some("<x>"));
        assert_eq!(c.get(&(false, "x".into()), ""), None);
        assert_eq!(c.get(&(false, "中\\bx".into()), "\\bx\0"), Some("<y>"));
        // The macro it uses changed: not this entry.
        assert_eq!(c.get(&(false, "中\\bx".into()), "\\bx\0changed"), None);

        assert!(Cache::open(&path, "0.16.5").is_empty());
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn damaged_files_are_ignored() {
        let path = tmp("b/cache.bin");
        let mut c = Cache::open(&path, "v");
        c.insert((true, "x".into()), String::new(), "<x>".into());
        c.save().unwrap();
        let bytes = fs::read(&path).unwrap();
        for cut in [0, 5, bytes.len() / 2, bytes.len() - 1] {
            fs::write(&path, &bytes[..cut]).unwrap();
            assert!(Cache::open(&path, "v").is_empty());
        }
        // The count of builtin names, right after the header, then (none here) the entry count.
        let at = MAGIC.len() + 8 + b"format=3\nkatex=v".len();
        for at in [at, at + 8] {
            let mut huge = bytes.clone();
            huge[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
            fs::write(&path, &huge).unwrap();
            assert!(Cache::open(&path, "v").is_empty());
        }
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn builtin_answers_no_longer_asked_are_dropped_on_the_next_write() {
        let path = tmp("d/cache.bin");
        let mut c = Cache::open(&path, "v");
        c.set_katex_builtin("\\R".into(), true);
        c.set_katex_builtin("\\old".into(), false);
        c.save().unwrap();
        let mut c = Cache::open(&path, "v");
        assert_eq!(c.katex_builtin("\\R"), Some(true));
        c.insert((false, "x".into()), String::new(), "h".into());
        c.save().unwrap();
        let mut c = Cache::open(&path, "v");
        assert_eq!(c.katex_builtin("\\R"), Some(true));
        assert_eq!(c.katex_builtin("\\old"), None);
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn unused_entries_are_dropped_once_they_dominate() {
        let path = tmp("c/cache.bin");
        let mut c = Cache::open(&path, "v");
        for i in 0..10 {
            c.insert((false, i.to_string()), String::new(), "h".into());
        }
        c.save().unwrap();
        let mut c = Cache::open(&path, "v");
        assert!(c.get(&(false, "1".into()), "").is_some());
        c.insert((false, "new".into()), String::new(), "h".into());
        c.save().unwrap();
        let c = Cache::open(&path, "v");
        assert_eq!(c.len(), 2);
        let _ = fs::remove_dir_all(path.parent().unwrap());
    }
}
