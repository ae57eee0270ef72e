//! The list of public PyTorch names shipped with this crate (`data/torch_api.txt`).
//!
//! Format: `# torch X.Y.Z` version lines, one fully qualified name a line, and `#inherits A B` lines
//! saying that class A inherits B's members (B's members are not repeated under A).

use std::collections::{HashMap, HashSet};

use anyhow::{Result, bail};

/// The list, embedded so every run reads it from memory and never depends on the working directory.
pub const EMBEDDED: &str = include_str!("../data/torch_api.txt");

/// `#inherits` chains are short; the bound only guards against a cycle in the data.
const MAX_INHERIT_DEPTH: usize = 8;

/// Public PyTorch names, parsed once per run.
#[derive(Debug)]
pub struct ApiList<'a> {
    names: HashSet<&'a str>,
    inherits: HashMap<&'a str, Vec<&'a str>>,
    /// `torch.distributions` class → submodules that hold a name for it (`Normal` → `normal`, `kl`…).
    dist_modules: HashMap<&'a str, Vec<&'a str>>,
    version: String,
}

impl<'a> ApiList<'a> {
    /// The list shipped with the crate.
    pub fn embedded() -> Result<ApiList<'static>> {
        ApiList::parse(EMBEDDED)
    }

    pub fn parse(text: &'a str) -> Result<ApiList<'a>> {
        let mut list = ApiList {
            names: HashSet::with_capacity(text.len() / 40),
            inherits: HashMap::new(),
            dist_modules: HashMap::new(),
            version: String::new(),
        };
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix("#inherits") {
                let parts: Vec<&str> = rest.split_whitespace().collect();
                let [class, base] = parts[..] else {
                    bail!(
                        "API list line {}: expected '#inherits A B', found '{line}'",
                        i + 1
                    );
                };
                list.inherits.entry(class).or_default().push(base);
            } else if let Some(comment) = line.strip_prefix('#') {
                let comment = comment.trim();
                if list.version.is_empty() && comment.starts_with("torch ") {
                    list.version = comment.to_string();
                }
            } else {
                list.names.insert(line);
                if let Some((module, class)) = distribution_class(line) {
                    list.dist_modules.entry(class).or_default().push(module);
                }
            }
        }
        if list.names.is_empty() {
            bail!("the PyTorch API list is empty");
        }
        Ok(list)
    }

    /// `torch 2.15.0`, from the list's first version line.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// True when `name` is public API, directly or as a member a class inherits.
    pub fn contains(&self, name: &str) -> bool {
        self.resolve(name).is_some()
    }

    /// The name under which `name` is documented: itself when listed, otherwise the inherited
    /// member it stands for (`torch.nn.Linear.parameters` → `torch.nn.Module.parameters`).
    pub fn resolve(&self, name: &str) -> Option<String> {
        self.resolve_at(name, 0)
    }

    fn resolve_at(&self, name: &str, depth: usize) -> Option<String> {
        if self.names.contains(name) {
            return Some(name.to_string());
        }
        if depth >= MAX_INHERIT_DEPTH {
            return None;
        }
        // Try every split into class + member, longest class first.
        let mut end = name.len();
        while let Some(dot) = name[..end].rfind('.') {
            let (class, member) = (&name[..dot], &name[dot + 1..]);
            for base in self.inherits.get(class).into_iter().flatten() {
                if let Some(found) = self.resolve_at(&format!("{base}.{member}"), depth + 1) {
                    return Some(found);
                }
            }
            end = dot;
        }
        None
    }

    /// Every listed name (for suggestions; order is unspecified).
    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.names.iter().copied()
    }

    /// The submodule of `torch.distributions` that defines `class` (`MultivariateNormal` →
    /// `multivariate_normal`). The docs anchor distribution classes by their defining module; the
    /// list also holds the names each submodule imports, so match the module's name to the class's.
    pub fn distribution_module(&self, class: &str) -> Option<&'a str> {
        let want = class.to_ascii_lowercase();
        self.dist_modules
            .get(class)?
            .iter()
            .copied()
            .find(|m| m.replace('_', "") == want)
    }
}

/// `torch.distributions.normal.Normal` → (`normal`, `Normal`).
fn distribution_class(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("torch.distributions.")?;
    let (module, class) = rest.split_once('.')?;
    (!class.contains('.') && class.starts_with(|c: char| c.is_ascii_uppercase()))
        .then_some((module, class))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# torch 9.9.0\n# comment\ntorch.nn.Module\ntorch.nn.Module.forward\n\
        torch.nn.Module.parameters\ntorch.nn.Linear\ntorch.nn.Linear.forward\n\
        torch.ao.Thing\ntorch.distributions.Normal\ntorch.distributions.normal.Normal\n\
        torch.distributions.kl.Normal\n#inherits torch.nn.Linear torch.nn.Module\n\
        #inherits torch.ao.Thing torch.nn.Linear\n#inherits torch.x.A torch.x.B\n#inherits torch.x.B torch.x.A\n";

    #[test]
    fn names_and_version() {
        let l = ApiList::parse(SAMPLE).unwrap();
        assert_eq!(l.version(), "torch 9.9.0");
        assert!(l.contains("torch.nn.Module"));
        assert!(!l.contains("torch.nn.module"));
        assert!(!l.contains("# comment"));
    }

    #[test]
    fn inherits_gives_members_of_the_base() {
        let l = ApiList::parse(SAMPLE).unwrap();
        // Linear defines forward itself and inherits parameters from Module.
        assert_eq!(
            l.resolve("torch.nn.Linear.forward").as_deref(),
            Some("torch.nn.Linear.forward")
        );
        assert_eq!(
            l.resolve("torch.nn.Linear.parameters").as_deref(),
            Some("torch.nn.Module.parameters")
        );
        // Two levels: Thing → Linear → Module.
        assert_eq!(
            l.resolve("torch.ao.Thing.parameters").as_deref(),
            Some("torch.nn.Module.parameters")
        );
        assert!(!l.contains("torch.nn.Linear.diffuse"));
        // A cycle in the data ends instead of recursing forever.
        assert!(!l.contains("torch.x.A.y"));
    }

    #[test]
    fn distribution_classes_map_to_their_module() {
        let l = ApiList::parse(SAMPLE).unwrap();
        assert_eq!(l.distribution_module("Normal"), Some("normal"));
        assert_eq!(l.distribution_module("Gamma"), None);
    }

    #[test]
    fn bad_inherits_line_is_an_error() {
        assert!(ApiList::parse("torch.a\n#inherits only_one\n").is_err());
        assert!(ApiList::parse("# nothing\n").is_err());
    }

    #[test]
    fn embedded_list_parses_and_knows_the_seed_names() {
        let l = ApiList::embedded().unwrap();
        assert!(l.version().starts_with("torch 2."), "{}", l.version());
        assert!(l.len() > 30_000);
        for n in [
            "torch.randn_like",
            "torch.nn.functional.mse_loss",
            "torch.Tensor.clamp_",
            "torch.nn.GroupNorm",
        ] {
            assert!(l.contains(n), "{n}");
        }
        assert!(!l.contains("torch.diffuse"));
        assert_eq!(l.distribution_module("Normal"), Some("normal"));
        assert_eq!(
            l.distribution_module("MultivariateNormal"),
            Some("multivariate_normal")
        );
    }
}
