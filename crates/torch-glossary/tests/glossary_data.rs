//! The book's glossary data file against the shipped list of public PyTorch names.

use std::path::PathBuf;

use mdbook_torch_glossary::api::{ApiList, EMBEDDED};
use mdbook_torch_glossary::glossary::{GLOSSARY_FILE, Glossary};

fn glossary_text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../book")
        .join(GLOSSARY_FILE);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_glossary_entry_is_public_pytorch_api_with_a_description_and_url() {
    let api = ApiList::embedded().unwrap();
    let text = glossary_text();
    let (g, diags) = Glossary::parse("book/glossary/pytorch.toml", &text, &api);
    assert!(diags.is_empty(), "\n{diags}");
    assert!(!g.entries.is_empty());
    for e in g.entries.values() {
        assert!(api.contains(&e.name), "{} is not public API", e.name);
        assert!(e.name.starts_with("torch"), "{}", e.name);
        assert!(e.url.starts_with("https://"), "{}: {}", e.name, e.url);
        assert!(
            e.desc
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}: the description should be Chinese",
            e.name
        );
    }
}

#[test]
fn the_names_the_book_will_use_are_seeded() {
    let api = ApiList::embedded().unwrap();
    let (g, _) = Glossary::parse("pytorch.toml", &glossary_text(), &api);
    for name in [
        "torch.randn",
        "torch.randn_like",
        "torch.rand",
        "torch.randint",
        "torch.linspace",
        "torch.arange",
        "torch.cumprod",
        "torch.cumsum",
        "torch.sqrt",
        "torch.exp",
        "torch.log",
        "torch.sigmoid",
        "torch.cos",
        "torch.sin",
        "torch.clamp",
        "torch.gather",
        "torch.cat",
        "torch.stack",
        "torch.where",
        "torch.no_grad",
        "torch.manual_seed",
        "torch.Generator",
        "torch.Tensor.clamp",
        "torch.Tensor.to",
        "torch.nn.Module",
        "torch.nn.Linear",
        "torch.nn.Conv2d",
        "torch.nn.GroupNorm",
        "torch.nn.LayerNorm",
        "torch.nn.SiLU",
        "torch.nn.Embedding",
        "torch.nn.MultiheadAttention",
        "torch.nn.functional.mse_loss",
        "torch.nn.functional.silu",
        "torch.nn.functional.interpolate",
        "torch.optim.Adam",
        "torch.optim.AdamW",
        "torch.optim.swa_utils.AveragedModel",
        "torch.distributions.Normal",
        "torch.utils.data.DataLoader",
        "torch.utils.data.TensorDataset",
        "torch.func.vmap",
        "torch.func.jacrev",
        "torch.autograd.grad",
        "torch.fft.fft2",
        "torch.linalg.norm",
    ] {
        assert!(g.get(name).is_some(), "{name} is missing from the glossary");
    }
}

#[test]
fn the_shipped_api_list_keeps_its_version_line() {
    let first = EMBEDDED.lines().next().unwrap_or_default();
    assert!(first.starts_with("# torch 2."), "{first}");
    assert!(
        ApiList::embedded()
            .unwrap()
            .version()
            .starts_with("torch 2.")
    );
}
