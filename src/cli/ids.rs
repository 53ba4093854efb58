//! Image ids from the command line, a file or stdin, read as they are needed.
//!
//! A file is read one line at a time while the batch runs, so a list of a
//! million ids holds only the lines in flight in memory. A line that cannot
//! be an id (not UTF-8, or absurdly long) is handed back as a [`Rejected`]
//! line, to be reported as a failure; the rest of the file still runs.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use futures::stream::{self, BoxStream, StreamExt};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::mpsc;

use crate::cli::exit::Fatal;

/// The longest line read; the rest of a longer line is skipped unread into
/// memory. Far above any real id, which the library caps at 256 bytes.
pub const LINE_LIMIT: usize = 4096;

/// How many rejected lines may wait to be reported before reading pauses.
const REJECTED_BACKLOG: usize = 64;

/// A line of the id file that cannot be sent as an id.
#[derive(Debug)]
pub struct Rejected {
    /// The start of the line, made readable.
    pub text: String,
    /// Why it was refused, naming the line.
    pub reason: String,
}

/// Ids to delete, and what else reading them produced.
pub struct Input {
    /// The ids, in input order, pulled as the batch has room.
    pub ids: BoxStream<'static, String>,
    /// Lines refused while reading; empty for ids given as arguments.
    pub rejected: mpsc::Receiver<Rejected>,
    /// A read error that ended the input early, set when it happens.
    pub read_error: Arc<Mutex<Option<String>>>,
    /// How many ids there are, when known in advance.
    pub len: Option<u64>,
}

impl Input {
    /// Ids given on the command line.
    pub fn from_args(ids: Vec<String>) -> Self {
        let (_, rejected) = mpsc::channel(1);
        Self {
            len: Some(ids.len() as u64),
            ids: stream::iter(ids).boxed(),
            rejected,
            read_error: Arc::default(),
        }
    }

    /// Ids from a file, or from stdin for `-`. The file is opened now, so
    /// that a wrong path is reported before any request.
    pub async fn from_file(path: &Path) -> Result<Self, Fatal> {
        if path == Path::new("-") {
            return Ok(Self::from_reader(tokio::io::stdin(), "stdin".into()));
        }

        let file = tokio::fs::File::open(path).await.map_err(|e| {
            Fatal::usage(format!("cannot open the id file {}: {e}", path.display()))
        })?;
        Ok(Self::from_reader(file, path.to_owned()))
    }

    fn from_reader<R: AsyncRead + Unpin + Send + 'static>(reader: R, name: PathBuf) -> Self {
        let (rejects, rejected) = mpsc::channel(REJECTED_BACKLOG);
        let read_error = Arc::new(Mutex::new(None));
        let lines = Lines {
            reader: BufReader::new(reader),
            buffer: Vec::new(),
            number: 0,
            rejects,
            name,
            read_error: Arc::clone(&read_error),
        };
        Self {
            ids: stream::unfold(lines, |mut lines| async move {
                let id = lines.next_id().await?;
                Some((id, lines))
            })
            .boxed(),
            rejected,
            read_error,
            len: None,
        }
    }
}

/// The reading state of an id file.
struct Lines<R> {
    reader: BufReader<R>,
    buffer: Vec<u8>,
    number: u64,
    rejects: mpsc::Sender<Rejected>,
    name: PathBuf,
    read_error: Arc<Mutex<Option<String>>>,
}

impl<R: AsyncRead + Unpin> Lines<R> {
    /// The next id, skipping blank lines and comments and handing refused
    /// lines to the reject channel; `None` at the end or on a read error.
    async fn next_id(&mut self) -> Option<String> {
        loop {
            let complete = match read_line(&mut self.reader, &mut self.buffer).await {
                Ok(Some(complete)) => complete,
                Ok(None) => return None,
                Err(error) => {
                    let message = format!("cannot read ids from {}: {error}", self.name.display());
                    *self
                        .read_error
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) = Some(message);
                    return None;
                }
            };
            self.number += 1;

            let line = match std::str::from_utf8(&self.buffer) {
                Ok(line) if complete => line,
                Ok(_) => {
                    let reason = format!("line {} is longer than {LINE_LIMIT} bytes", self.number);
                    self.reject(reason).await;
                    continue;
                }
                Err(_) => {
                    let reason = format!("line {} is not valid UTF-8", self.number);
                    self.reject(reason).await;
                    continue;
                }
            };

            // A byte order mark from a Windows editor is not part of the id.
            let line = if self.number == 1 {
                line.trim_start_matches('\u{feff}')
            } else {
                line
            };
            let id = line.trim();
            if id.is_empty() || id.starts_with('#') {
                continue;
            }
            return Some(id.to_owned());
        }
    }

    async fn reject(&mut self, reason: String) {
        let text = printable_prefix(&self.buffer);
        // The receiver is gone only when the batch has stopped.
        let _ = self.rejects.send(Rejected { text, reason }).await;
    }
}

/// Reads one line into `buffer` without its newline, keeping at most
/// [`LINE_LIMIT`] bytes. `Some(false)` when the line was longer than that,
/// `None` at the end of the input.
async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buffer: &mut Vec<u8>,
) -> io::Result<Option<bool>> {
    buffer.clear();
    let mut read_any = false;
    let mut complete = true;
    loop {
        let chunk = reader.fill_buf().await?;
        if chunk.is_empty() {
            return Ok(read_any.then_some(complete));
        }
        read_any = true;

        let (part, used, end_of_line) = match chunk.iter().position(|&b| b == b'\n') {
            Some(at) => (&chunk[..at], at + 1, true),
            None => (chunk, chunk.len(), false),
        };
        let room = LINE_LIMIT - buffer.len();
        if part.len() > room {
            complete = false;
        }
        buffer.extend_from_slice(&part[..part.len().min(room)]);
        reader.consume(used);

        if end_of_line {
            return Ok(Some(complete));
        }
    }
}

/// The start of a refused line as text, for the report.
fn printable_prefix(bytes: &[u8]) -> String {
    const SHOWN: usize = 40;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SHOWN * 4)]);
    let mut shown: String = text.trim().chars().take(SHOWN).collect();
    if shown.len() < text.trim().len() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(text: &'static [u8]) -> (Vec<String>, Vec<Rejected>, Option<String>) {
        let mut input = Input::from_reader(text, "ids.txt".into());
        let ids = input.ids.by_ref().collect().await;
        let mut rejected = Vec::new();
        while let Ok(line) = input.rejected.try_recv() {
            rejected.push(line);
        }
        let error = input.read_error.lock().unwrap().take();
        (ids, rejected, error)
    }

    #[tokio::test]
    async fn skips_blanks_and_comments_and_trims() {
        let (ids, rejected, error) =
            collect(b"\xef\xbb\xbfimg-1\n\n  # a comment\n  img-2 \r\nimg 3\n#x\nlast").await;
        assert_eq!(ids, ["img-1", "img-2", "img 3", "last"]);
        assert!(rejected.is_empty());
        assert!(error.is_none());
    }

    #[tokio::test]
    async fn refuses_bad_lines_and_goes_on() {
        let mut text = b"img-1\nbad\xff\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', LINE_LIMIT + 10));
        text.extend(b"\nimg-2\n");
        let text: &'static [u8] = Box::leak(text.into_boxed_slice());

        let (ids, rejected, _) = collect(text).await;
        assert_eq!(ids, ["img-1", "img-2"]);
        assert_eq!(rejected[0].reason, "line 2 is not valid UTF-8");
        assert_eq!(rejected[0].text, "bad\u{fffd}");
        assert_eq!(rejected[1].reason, "line 3 is longer than 4096 bytes");
        assert!(rejected[1].text.ends_with('…'));
    }

    #[tokio::test]
    async fn a_line_of_exactly_the_limit_is_kept() {
        let text = "y".repeat(LINE_LIMIT);
        let text: &'static [u8] = Box::leak(text.into_bytes().into_boxed_slice());
        let (ids, rejected, _) = collect(text).await;
        assert_eq!(ids.len(), 1);
        assert!(rejected.is_empty());
    }
}
