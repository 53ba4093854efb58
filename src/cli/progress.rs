//! A progress bar on stderr, shown only to a person at a terminal.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bar of a batch, or nothing when stderr is not a terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar counting up to `len` when it is known, otherwise a spinner with
    /// a count. `shown` is false for pipes, files and `--verbose` runs.
    pub fn new(len: Option<u64>, shown: bool) -> Self {
        if !shown {
            return Self { bar: None };
        }

        let (bar, template) = match len {
            Some(len) => (
                ProgressBar::new(len),
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}",
            ),
            None => (
                ProgressBar::no_length(),
                "{spinner} [{elapsed_precise}] {pos} done {msg}",
            ),
        };
        bar.set_draw_target(ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Self { bar: Some(bar) }
    }

    /// Runs `write` with the bar hidden, so that a line printed to the same
    /// terminal does not tear it.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// Counts one image done, noting the failures so far.
    pub fn advance(&self, failed_so_far: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if failed_so_far > 0 {
                bar.set_message(format!("({failed_so_far} failed)"));
            }
        }
    }

    /// Removes the bar before the summary is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
