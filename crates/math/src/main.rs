use std::process::ExitCode;

// Also QuickJS's allocator: the `override` feature replaces the C `malloc` of the whole process.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    preprocessor_kit::protocol::main(&mdbook_math::MathPreprocessor)
}
