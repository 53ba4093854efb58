//! `onet`: delete OnetSolutions images from scripts and CI jobs.
//!
//! Everything lives in the library's `cli` module; see `onet --help`.

fn main() -> std::process::ExitCode {
    onetsolutions::cli::main()
}
