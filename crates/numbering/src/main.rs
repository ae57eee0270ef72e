use std::process::ExitCode;

fn main() -> ExitCode {
    preprocessor_kit::protocol::main(&mdbook_numbering::Numbering)
}
