//! The command line, as clap parses it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::client::BASE_URL_ENV;
use crate::rate_limit::RateLimit;
use crate::schema::SchemaCommand;

/// What every `--help` ends with: where the token comes from, and what the
/// exit status means.
const AFTER_HELP: &str = "\
Credentials:
  The token is read from ONETSOLUTIONS_TOKEN, or from the file given with
  --token-file. No option takes the token itself: it would show in `ps` and
  in shell history.

Exit status of `images delete` (`schema` has its own, see its help):
  0  every image is deleted (or absent, with --if-exists)
  1  failures of more than one kind (see the summary)
  2  usage error or invalid input: a bad option, a refused base URL,
     a missing token, an unreadable id file, an invalid image id
  3  unauthorized: the token is unknown, expired or malformed (401)
  4  forbidden: no permission, or a public platform image (403)
  5  not found: the image does not exist here (404)
  6  in use: an instance uses the image (409)
  7  rate limited, after retries (429)
  8  server or network failure: 5xx, timeout, connection error,
     or an answer that could not be understood";

/// Deletes OnetSolutions compute images from scripts and CI jobs.
#[derive(Debug, Parser)]
#[command(name = "onet", version, after_help = AFTER_HELP, propagate_version = true)]
// A later option replaces an earlier one, so that a script can add to a
// command line that an alias or a variable already started.
#[command(args_override_self = true)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,

    /// Options every subcommand accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options accepted before or after the subcommand.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The API's base URL [default: https://api.onetsolutions.net]
    #[arg(long, global = true, env = BASE_URL_ENV, hide_env_values = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Read the token from this file instead of ONETSOLUTIONS_TOKEN.
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// Log requests to stderr; twice for more detail. The token is never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with compute images.
    #[command(subcommand)]
    Images(ImagesCommand),

    /// Run a local sandbox of the API, to try scripts offline.
    Sandbox(SandboxArgs),

    /// Print a shell completion script to stdout.
    Completions(CompletionsArgs),

    /// Maintain the vendored OpenAPI schema (has its own exit statuses).
    #[command(subcommand)]
    Schema(SchemaCommand),
}

/// The subcommands of `onet images`.
#[derive(Debug, Subcommand)]
pub enum ImagesCommand {
    /// Permanently delete private images, printing one line per image.
    #[command(after_help = AFTER_HELP, args_override_self = true)]
    Delete(DeleteArgs),
}

/// `onet images delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The organization that owns the images.
    #[arg(long, value_name = "ORG")]
    pub org: String,

    /// The project the images are listed in.
    #[arg(long, value_name = "PROJECT")]
    pub project: String,

    /// The ids of the images to delete.
    #[arg(value_name = "IMAGE_ID", required_unless_present = "from_file")]
    pub ids: Vec<String>,

    /// Read ids from FILE, one per line (`-` for stdin); blank lines and
    /// lines starting with `#` are skipped.
    #[arg(long, value_name = "FILE", conflicts_with = "ids")]
    pub from_file: Option<PathBuf>,

    /// Count an image that is not there as done instead of failed.
    #[arg(long)]
    pub if_exists: bool,

    /// How many deletes may be in flight at once (1 to 64).
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Attempts per image, the first included; 1 means no retry. Only
    /// 429, 5xx, timeouts and broken connections are retried.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: u32,

    /// Seconds one attempt may take, such as 30 or 2.5.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    pub timeout: Duration,

    /// The request rate to stay under: `N/s`, `N/min`, both comma-separated,
    /// or `off`. The default is the documented standard plan.
    #[arg(long, value_name = "RATE", default_value = "100/s,1000/min",
          value_parser = parse_rate_limit)]
    pub rate_limit: RateLimit,

    /// How results are printed on stdout.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// The formats of `--output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One readable line per image; the summary on stderr.
    Text,
    /// JSON Lines: one object per image, then `{"summary": …}`.
    Json,
}

/// `onet sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// The loopback address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8765")]
    pub listen: SocketAddr,

    /// A JSON file of tokens, images and limits [default: a demo world].
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
}

/// `onet completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// A positive number of seconds, whole or decimal.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 86_400.0 {
        return Err(format!(
            "`{text}` must be more than 0 and at most 86400 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// `off`, or `N/s` and `N/min`, one or both, separated by a comma.
fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(RateLimit::disabled());
    }

    let (mut per_second, mut per_minute) = (0, 0);
    for part in text.split(',') {
        let (count, window) = part
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("`{part}` is not a rate such as 100/s or 1000/min"))?;
        let count: u32 = count
            .trim()
            .parse()
            .ok()
            .filter(|count| *count > 0)
            .ok_or_else(|| format!("`{count}` in `{part}` is not a positive whole number"))?;
        match window.trim() {
            "s" | "sec" | "second" => per_second = count,
            "m" | "min" | "minute" => per_minute = count,
            other => return Err(format!("`{other}` in `{part}` is not `s` or `min`")),
        }
    }
    Ok(RateLimit::new(per_second, per_minute))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        let before = Cli::try_parse_from([
            "onet",
            "--base-url",
            "http://127.0.0.1:1",
            "images",
            "delete",
            "--org",
            "o",
            "--project",
            "p",
            "img-1",
        ])
        .unwrap();
        let after = Cli::try_parse_from([
            "onet",
            "images",
            "delete",
            "--org",
            "o",
            "--project",
            "p",
            "img-1",
            "--base-url",
            "http://127.0.0.1:1",
        ])
        .unwrap();
        assert_eq!(before.global.base_url, after.global.base_url);
    }

    #[test]
    fn seconds_may_be_decimal_but_positive() {
        assert_eq!(parse_seconds("2.5").unwrap(), Duration::from_millis(2500));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("soon").is_err());
        assert!(parse_seconds("NaN").is_err());
    }

    #[test]
    fn rates_name_their_window() {
        assert_eq!(
            parse_rate_limit("100/s,1000/min").unwrap(),
            RateLimit::documented()
        );
        assert_eq!(parse_rate_limit("50/s").unwrap(), RateLimit::new(50, 0));
        assert_eq!(parse_rate_limit("OFF").unwrap(), RateLimit::disabled());
        assert!(parse_rate_limit("0/s").is_err());
        assert!(parse_rate_limit("100").is_err());
        assert!(parse_rate_limit("100/h").is_err());
    }
}
