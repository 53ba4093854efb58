//! A socket wrapper that lets a fault take over the bytes of a response.
//!
//! hyper writes well-formed HTTP and nothing else: it will not close a
//! connection before the response, put a body on a 204, or send less body
//! than `Content-Length` promises. The wire faults need exactly that, so the
//! handler arms the connection with raw bytes; the next write from hyper is
//! swallowed, the raw bytes go out instead, and the socket is shut down.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::{Buf, Bytes};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// What the connection sends in place of hyper's response.
#[derive(Debug, Default)]
enum Takeover {
    /// hyper's bytes go out as they are.
    #[default]
    Off,
    /// These bytes still have to be written, then the socket shut down.
    Armed(Bytes),
    /// The raw bytes are out and the socket is shut; the rest is swallowed.
    Done,
}

/// The handle a handler gets, as a request extension, to its connection.
#[derive(Debug, Clone, Default)]
pub(crate) struct Connection(Arc<Mutex<Takeover>>);

/// The status a wire fault put on the wire, or `None` if it sent no status
/// line; the request log reads it instead of the placeholder's status.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WireStatus(pub(crate) Option<StatusCode>);

impl Connection {
    /// Sends `raw` instead of the response and closes the connection. The
    /// returned placeholder is what hyper serialises and the wrapper drops.
    pub(crate) fn replace_response(&self, raw: Bytes, status: Option<StatusCode>) -> Response {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Takeover::Armed(raw);

        let mut placeholder = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        let close = HeaderValue::from_static("close");
        placeholder.headers_mut().insert(header::CONNECTION, close);
        placeholder.extensions_mut().insert(WireStatus(status));
        placeholder
    }
}

/// A TCP stream whose output a [`Connection`] handle can take over.
#[derive(Debug)]
pub(crate) struct WireIo {
    stream: TcpStream,
    takeover: Connection,
}

impl WireIo {
    pub(crate) fn new(stream: TcpStream) -> (Self, Connection) {
        let takeover = Connection::default();
        let io = WireIo {
            stream,
            takeover: takeover.clone(),
        };
        (io, takeover)
    }

    /// Writes what is left of the raw bytes, then shuts the socket down.
    /// Ready(Ok(true)) when the takeover is done, Ready(Ok(false)) when
    /// there was none.
    fn drive_takeover(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<bool>> {
        let mut takeover = self
            .takeover
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let raw = match &mut *takeover {
            Takeover::Off => return Poll::Ready(Ok(false)),
            Takeover::Done => return Poll::Ready(Ok(true)),
            Takeover::Armed(raw) => raw,
        };

        while raw.has_remaining() {
            let written = ready!(Pin::new(&mut self.stream).poll_write(cx, raw.chunk()))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            raw.advance(written);
        }
        ready!(Pin::new(&mut self.stream).poll_shutdown(cx))?;

        *takeover = Takeover::Done;
        Poll::Ready(Ok(true))
    }
}

impl AsyncRead for WireIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let done = matches!(
            *this
                .takeover
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
            Takeover::Done
        );
        if done {
            // The connection is over for hyper: end of input.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for WireIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if ready!(this.drive_takeover(cx))? {
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if ready!(this.drive_takeover(cx))? {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if ready!(this.drive_takeover(cx))? {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}
