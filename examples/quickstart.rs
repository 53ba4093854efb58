//! The user story end to end, against the sandbox on loopback:
//! `cargo run --example quickstart --features sandbox`.
//!
//! It deletes a private image, deletes it again, tries a public image, an
//! image in use, and a wrong token, printing one line per outcome.

use onetsolutions::sandbox::{Image, Sandbox, Token};
use onetsolutions::{Client, Credentials, Deletion, Error};

const TOKEN: &str = "sk-onetsolutions-quickstart-demo";
const ORGANIZATION: &str = "acme";
const PROJECT: &str = "ci-images";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder()
        .token(Token::new(TOKEN).organization(ORGANIZATION))
        .image(Image::private(ORGANIZATION, PROJECT, "build-2041"))
        .image(Image::public(ORGANIZATION, PROJECT, "ubuntu-24.04"))
        .image(Image::private(ORGANIZATION, PROJECT, "golden-base").in_use())
        .start()
        .await?;
    println!("sandbox listening on {}", sandbox.base_url());

    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::new(TOKEN)?)
        .build()?;
    let images = client.images(ORGANIZATION, PROJECT);

    report("delete build-2041", images.delete("build-2041").await);
    report("delete build-2041 again", images.delete("build-2041").await);
    match images.delete_if_exists("build-2041").await {
        Ok(Deletion::AlreadyAbsent) => {
            println!("{:<36} ok: already absent", "delete_if_exists build-2041")
        }
        other => println!("{:<36} {other:?}", "delete_if_exists build-2041"),
    }
    report(
        "delete ubuntu-24.04 (public)",
        images.delete("ubuntu-24.04").await,
    );
    report(
        "delete golden-base (in use)",
        images.delete("golden-base").await,
    );

    let intruder = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(Credentials::new("sk-onetsolutions-wrong")?)
        .build()?;
    report(
        "delete with a wrong token",
        intruder
            .images(ORGANIZATION, PROJECT)
            .delete("golden-base")
            .await,
    );

    let left: Vec<String> = sandbox.images().iter().map(|i| i.id().to_owned()).collect();
    println!("images left in the sandbox: {}", left.join(", "));
    sandbox.shutdown().await;
    Ok(())
}

/// One readable line per outcome.
fn report(what: &str, result: Result<(), Error>) {
    match result {
        Ok(()) => println!("{what:<36} ok: deleted"),
        Err(error) => println!("{what:<36} failed: {error}"),
    }
}
