//! The minimal server the latency and bulk figures run against: it answers
//! every request with 204 and an empty body, on loopback only.
//!
//! It runs on its own thread with a single-threaded tokio runtime, so the
//! server uses one core and the client under test the rest, the same for
//! every variant that is compared.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::thread::JoinHandle;

use bytes::Bytes;
use http_body_util::Empty;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A running 204 server; it stops when dropped.
pub struct NoContentServer {
    base_url: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl NoContentServer {
    /// Binds `127.0.0.1:0` and starts serving.
    pub fn start() -> Self {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("no-content-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a tokio runtime for the server");
                runtime.block_on(serve(ready_tx, stopped));
            })
            .expect("a thread for the server");

        let addr = ready_rx.recv().expect("the server reports its address");
        Self {
            base_url: format!("http://{addr}"),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Such as `http://127.0.0.1:41235`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Drop for NoContentServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Accepts connections until told to stop; dropping the runtime afterwards
/// ends the connections still open.
async fn serve(ready: std::sync::mpsc::Sender<SocketAddr>, mut stopped: oneshot::Receiver<()>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("the bound address");
    ready.send(addr).expect("the starter waits for the address");

    loop {
        let stream = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let service = service_fn(|_request| async {
                let mut response = Response::new(Empty::<Bytes>::new());
                *response.status_mut() = StatusCode::NO_CONTENT;
                Ok::<_, Infallible>(response)
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
