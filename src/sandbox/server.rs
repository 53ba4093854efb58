//! The accept loop: one hyper HTTP/1 connection per socket, each wrapped so
//! that a fault can take over its bytes, and a clean shutdown.
//!
//! `axum::serve` would be shorter, but it hides the socket, and the wire
//! faults need it.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tower_service::Service;

use super::wire::WireIo;

/// How long in-flight requests may run on after shutdown is asked for.
pub(crate) const GRACE: Duration = Duration::from_secs(1);

/// The running server: a signal to stop, and the task that serves.
#[derive(Debug)]
pub(crate) struct Server {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    pub(crate) fn spawn(listener: TcpListener, router: Router) -> Self {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, router, stopped));
        Server {
            stop,
            task: Some(task),
        }
    }

    /// Stops accepting, lets in-flight requests finish within [`GRACE`],
    /// closes idle connections, and waits for all of it.
    pub(crate) async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            // The task ends by itself; an error here means it panicked or was
            // aborted, and either way it is gone.
            let _ = task.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Without an executor to wait on, cut everything at once: aborting the
        // accept loop drops its listener and its set of connection tasks,
        // which aborts them in turn.
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, router: Router, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();

    loop {
        tokio::select! {
            // A dropped sender means the sandbox is gone: stop too.
            () = stop_requested(&mut stopped) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve(stream, router.clone(), stopped.clone()));
                }
                Err(error) => {
                    // Out of file descriptors and the like: pause, don't spin.
                    tracing::debug!(%error, "sandbox accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);

    // Connections shut down gracefully on the same signal; give them a moment.
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(GRACE, drained).await.is_err() {
        tracing::debug!(
            left = connections.len(),
            "sandbox cut connections after grace"
        );
        connections.shutdown().await;
    }
}

async fn serve(stream: TcpStream, router: Router, mut stopped: watch::Receiver<bool>) {
    let (io, connection) = WireIo::new(stream);
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(connection.clone());
        let mut router = router.clone();
        async move { Ok::<_, Infallible>(router.call(request).await.unwrap_or_else(|e| match e {})) }
    });

    let conn = http1::Builder::new().serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);

    tokio::select! {
        result = conn.as_mut() => log_end(result),
        () = stop_requested(&mut stopped) => {
            conn.as_mut().graceful_shutdown();
            log_end(conn.await);
        }
    }
}

/// Completes once shutdown is asked for, or the sandbox handle is gone.
async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    // The guard that `wait_for` returns is not `Send`; drop it right here.
    let _ = stopped.wait_for(|stop| *stop).await;
}

fn log_end(result: hyper::Result<()>) {
    if let Err(error) = result {
        // Clients hang up mid-request, and wire faults end connections on
        // purpose: nothing for a user to act on.
        tracing::trace!(%error, "sandbox connection ended");
    }
}
