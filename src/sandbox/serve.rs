//! Running a sandbox in the foreground, for `onet sandbox` and the example.

use std::fmt::Write as _;
use std::future::Future;
use std::io::Write as _;

use super::seed::DEMO_TOKEN;
use super::{Builder, Error, Sandbox};

/// Starts the sandbox, prints its base URL and tokens, and serves until
/// Ctrl-C; then shuts it down cleanly.
///
/// # Errors
/// What [`Builder::start`] reports, or [`Error::Signal`] if Ctrl-C cannot be
/// waited for (the sandbox is then shut down at once).
pub async fn serve(builder: Builder) -> Result<(), Error> {
    let mut signal_error = None;
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            signal_error = Some(error);
        }
    };
    serve_until(builder, ctrl_c).await?;
    signal_error.map_or(Ok(()), |error| Err(Error::Signal(error)))
}

/// Like [`serve`], but runs until `stop` completes instead of Ctrl-C.
///
/// # Errors
/// What [`Builder::start`] reports.
pub async fn serve_until(builder: Builder, stop: impl Future<Output = ()>) -> Result<(), Error> {
    let sandbox = builder.start().await?;

    {
        // A closed stdout is no reason to stop serving.
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(announcement(&sandbox).as_bytes());
        let _ = stdout.flush();
    }

    stop.await;
    sandbox.shutdown().await;
    Ok(())
}

/// What a person needs to use the sandbox: where it is and which token to
/// send. Only the public demo token is printed in full; other tokens may
/// have been copied from somewhere that matters.
fn announcement(sandbox: &Sandbox) -> String {
    let mut text = format!(
        "OnetSolutions sandbox listening on {}\n",
        sandbox.base_url()
    );

    let state = sandbox.app.images();
    for (index, token) in state.tokens().iter().enumerate() {
        let organizations: Vec<&str> = token.organizations().collect();
        let organizations = organizations.join(", ");
        if token.secret() == DEMO_TOKEN {
            let _ = writeln!(text, "token: {DEMO_TOKEN} (organizations: {organizations})");
        } else {
            let _ = writeln!(
                text,
                "token #{}: from the seed (organizations: {organizations})",
                index + 1
            );
        }
    }
    let _ = writeln!(text, "images: {}", state.images().len());
    text.push_str("press Ctrl-C to stop\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{Seed, Token};

    #[tokio::test]
    async fn announcement_prints_only_the_demo_token() {
        let sandbox = Sandbox::builder()
            .seed(Seed::demo())
            .token(Token::new("sk-private").organization("org-9"))
            .start()
            .await
            .unwrap();

        let text = announcement(&sandbox);
        assert!(text.contains(sandbox.base_url()), "{text}");
        assert!(
            text.contains("token: sk-onetsolutions-demo (organizations: org-1)"),
            "{text}"
        );
        assert!(
            text.contains("token #2: from the seed (organizations: org-9)"),
            "{text}"
        );
        assert!(!text.contains("sk-private"), "{text}");
        assert!(text.contains("images: 4"), "{text}");
    }

    #[tokio::test]
    async fn serve_until_stops_and_frees_the_port() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);

        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(serve_until(Sandbox::builder().listen(addr), async {
            let _ = stopped.await;
        }));

        // Wait until it answers, then stop it.
        let url = format!("http://{addr}/");
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let mut answered = false;
        for _ in 0..200 {
            if client.get(&url).send().await.is_ok() {
                answered = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(answered, "the sandbox never answered on {addr}");

        stop.send(()).unwrap();
        served.await.unwrap().unwrap();
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }
}
