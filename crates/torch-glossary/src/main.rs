use std::process::ExitCode;

use mdbook_torch_glossary::TorchGlossary;
use preprocessor_kit::protocol;

fn main() -> ExitCode {
    protocol::main(&TorchGlossary)
}
