//! The official documentation page of a PyTorch name, derived from the name.
//!
//! Patterns (PyTorch stable docs, docs.pytorch.org):
//! - functions and classes have their own page: `generated/torch.randn_like.html`,
//!   `generated/torch.nn.GroupNorm.html`, `generated/torch.nn.functional.mse_loss.html`,
//!   `generated/torch.optim.Adam.html`, `generated/torch.fft.fft2.html`,
//!   `generated/torch.linalg.norm.html`, `generated/torch.func.vmap.html`,
//!   `generated/torch.autograd.grad.html`, `generated/torch.optim.swa_utils.AveragedModel.html`;
//! - `torch.Tensor` methods too: `generated/torch.Tensor.clamp_.html`;
//! - members of other classes are anchors on the class page:
//!   `generated/torch.nn.Module.html#torch.nn.Module.parameters`;
//! - `torch.distributions` is one page, anchored by the defining submodule:
//!   `distributions.html#torch.distributions.normal.Normal`;
//! - `torch.utils.data` is one page: `data.html#torch.utils.data.DataLoader`;
//! - dtypes are described on `tensor_attributes.html#torch.dtype`;
//! - modules have their own pages (`nn.html`, `nn.functional.html`, …).

use crate::api::ApiList;

pub const DOCS: &str = "https://docs.pytorch.org/docs/stable/";

/// Module → its page (relative to [`DOCS`]).
const MODULE_PAGES: [(&str, &str); 17] = [
    ("torch", "torch.html"),
    ("torch.Tensor", "tensors.html#torch.Tensor"),
    ("torch.nn", "nn.html"),
    ("torch.nn.functional", "nn.functional.html"),
    ("torch.nn.init", "nn.init.html"),
    ("torch.optim", "optim.html"),
    ("torch.distributions", "distributions.html"),
    ("torch.utils.data", "data.html"),
    ("torch.autograd", "autograd.html"),
    ("torch.func", "func.html"),
    ("torch.fft", "fft.html"),
    ("torch.linalg", "linalg.html"),
    ("torch.special", "special.html"),
    ("torch.random", "random.html"),
    ("torch.cuda", "cuda.html"),
    ("torch.amp", "amp.html"),
    ("torch.distributed", "distributed.html"),
];

const DTYPES: [&str; 22] = [
    "float16",
    "float32",
    "float64",
    "bfloat16",
    "half",
    "float",
    "double",
    "complex64",
    "complex128",
    "cfloat",
    "cdouble",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "short",
    "int",
    "long",
    "bool",
    "float8_e4m3fn",
    "float8_e5m2",
];

/// The docs URL for `name`, or why it cannot be derived (the glossary entry then needs `url`).
pub fn default_url(name: &str, api: &ApiList<'_>) -> Result<String, String> {
    if let Some((_, page)) = MODULE_PAGES.iter().find(|(m, _)| *m == name) {
        return Ok(format!("{DOCS}{page}"));
    }
    if name
        .strip_prefix("torch.")
        .is_some_and(|d| DTYPES.contains(&d))
    {
        return Ok(format!("{DOCS}tensor_attributes.html#torch.dtype"));
    }
    // An inherited member is documented on the class that defines it.
    let name = api.resolve(name).unwrap_or_else(|| name.to_string());
    if let Some(rest) = name.strip_prefix("torch.distributions.") {
        return distributions_url(&name, rest, api);
    }
    if name.starts_with("torch.utils.data.") {
        return Ok(format!("{DOCS}data.html#{name}"));
    }
    if let Some(class) = enclosing_class(&name)
        && class != "torch.Tensor"
    {
        return Ok(format!("{DOCS}generated/{class}.html#{name}"));
    }
    Ok(format!("{DOCS}generated/{name}.html"))
}

/// `torch.distributions.Normal[.rsample]` → anchor under the defining submodule
/// (`torch.distributions.normal.Normal[.rsample]`); names already under a submodule keep theirs.
fn distributions_url(name: &str, rest: &str, api: &ApiList<'_>) -> Result<String, String> {
    let (first, member) = match rest.split_once('.') {
        Some((f, m)) => (f, Some(m)),
        None => (rest, None),
    };
    if !first.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Ok(format!("{DOCS}distributions.html#{name}"));
    }
    let module = api.distribution_module(first).ok_or_else(|| {
        format!(
            "cannot tell which torch.distributions submodule documents `{first}`; \
             give the entry a `url` (e.g. {DOCS}distributions.html#torch.distributions.<module>.{first})"
        )
    })?;
    let anchor = match member {
        Some(m) => format!("torch.distributions.{module}.{first}.{m}"),
        None => format!("torch.distributions.{module}.{first}"),
    };
    Ok(format!("{DOCS}distributions.html#{anchor}"))
}

/// For a class member (`torch.nn.Module.parameters`), the class (`torch.nn.Module`): the first
/// capitalised component that has something after it.
fn enclosing_class(name: &str) -> Option<&str> {
    let mut end = 0;
    let mut parts = name.split('.').peekable();
    while let Some(part) = parts.next() {
        end += part.len();
        // The last component is the member itself, never the class.
        parts.peek()?;
        if part.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Some(&name[..end]);
        }
        end += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(name: &str) -> String {
        let api = ApiList::embedded().unwrap();
        default_url(name, &api).unwrap()
    }

    #[test]
    fn functions_classes_and_tensor_methods_have_generated_pages() {
        for name in [
            "torch.randn_like",
            "torch.nn.GroupNorm",
            "torch.nn.functional.mse_loss",
            "torch.Tensor.clamp_",
            "torch.optim.Adam",
            "torch.optim.swa_utils.AveragedModel",
            "torch.fft.fft2",
            "torch.linalg.norm",
            "torch.func.vmap",
            "torch.autograd.grad",
            "torch.no_grad",
            "torch.Generator",
        ] {
            assert_eq!(url(name), format!("{DOCS}generated/{name}.html"));
        }
    }

    #[test]
    fn class_members_are_anchors_on_the_class_page() {
        assert_eq!(
            url("torch.nn.Module.parameters"),
            format!("{DOCS}generated/torch.nn.Module.html#torch.nn.Module.parameters")
        );
        // Inherited: documented on torch.nn.Module.
        assert_eq!(
            url("torch.nn.Linear.parameters"),
            format!("{DOCS}generated/torch.nn.Module.html#torch.nn.Module.parameters")
        );
    }

    #[test]
    fn module_pages_with_anchors() {
        assert_eq!(
            url("torch.distributions.Normal"),
            format!("{DOCS}distributions.html#torch.distributions.normal.Normal")
        );
        assert_eq!(
            url("torch.distributions.Normal.rsample"),
            format!("{DOCS}distributions.html#torch.distributions.normal.Normal.rsample")
        );
        assert_eq!(
            url("torch.distributions.kl.kl_divergence"),
            format!("{DOCS}distributions.html#torch.distributions.kl.kl_divergence")
        );
        assert_eq!(
            url("torch.utils.data.DataLoader"),
            format!("{DOCS}data.html#torch.utils.data.DataLoader")
        );
        assert_eq!(
            url("torch.float32"),
            format!("{DOCS}tensor_attributes.html#torch.dtype")
        );
        assert_eq!(url("torch.nn"), format!("{DOCS}nn.html"));
        assert_eq!(
            url("torch.nn.functional"),
            format!("{DOCS}nn.functional.html")
        );
    }

    #[test]
    fn enclosing_classes() {
        assert_eq!(
            enclosing_class("torch.nn.Module.parameters"),
            Some("torch.nn.Module")
        );
        assert_eq!(enclosing_class("torch.nn.Module"), None);
        assert_eq!(enclosing_class("torch.randn"), None);
        assert_eq!(
            enclosing_class("torch.optim.swa_utils.AveragedModel.update_parameters"),
            Some("torch.optim.swa_utils.AveragedModel")
        );
    }
}
