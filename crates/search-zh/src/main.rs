use std::process::ExitCode;

fn main() -> ExitCode {
    match mdbook_search_zh::render::run_stdio() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: search-zh: {e:#}");
            ExitCode::FAILURE
        }
    }
}
