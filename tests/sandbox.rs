//! The sandbox's documented behaviour, over real HTTP with a plain client.
//!
//! Rate limits are in `sandbox_limiter.rs`, scripted faults in
//! `sandbox_faults.rs`.

mod sandbox_support;

use std::collections::HashSet;
use std::time::Duration;

use onetsolutions::sandbox::{Error, Image, Sandbox, Seed, Token, Visibility, DEMO_TOKEN};
use sandbox_support::{
    client, delete, demo, json_body, path, raw_delete, request_id, url, with_images, ORG, PROJECT,
};

// ---- the documented statuses

#[tokio::test]
async fn missing_malformed_or_unknown_tokens_answer_401() {
    let sandbox = demo().await;
    let url = url(&sandbox, "img-1");

    let missing = client().delete(&url).send().await.unwrap();
    let basic = client()
        .delete(&url)
        .basic_auth("u", Some("p"))
        .send()
        .await
        .unwrap();
    let empty = client()
        .delete(&url)
        .header("authorization", "Bearer ")
        .send()
        .await
        .unwrap();
    let unknown = client()
        .delete(&url)
        .bearer_auth("sk-nope")
        .send()
        .await
        .unwrap();

    for (response, code) in [
        (missing, "missing_token"),
        (basic, "invalid_token"),
        (empty, "invalid_token"),
        (unknown, "invalid_token"),
    ] {
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body = json_body(response).await;
        assert_eq!(body["code"], code);
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_eq!(sandbox.images().len(), 4, "nothing was deleted");
}

#[tokio::test]
async fn a_token_outside_the_organization_answers_403() {
    let sandbox = demo().await;
    let url = format!(
        "{}{}",
        sandbox.base_url(),
        path("org-2", "proj-2", "img-other")
    );

    let response = client()
        .delete(url)
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 403);
    assert_eq!(json_body(response).await["code"], "forbidden");
    assert!(sandbox.images().iter().any(|i| i.id() == "img-other"));
}

#[tokio::test]
async fn images_of_other_organizations_or_projects_are_not_revealed() {
    let sandbox = Sandbox::builder()
        .seed(Seed::demo())
        .token(
            Token::new("sk-both")
                .organization("org-1")
                .organization("org-2"),
        )
        .start()
        .await
        .unwrap();
    let base = sandbox.base_url();

    // img-other exists, but in org-2/proj-2: asked for in org-1, or in
    // another project of org-2, it is simply not found.
    for path in [
        path(ORG, PROJECT, "img-other"),
        path("org-2", "proj-1", "img-other"),
    ] {
        let response = client()
            .delete(format!("{base}{path}"))
            .bearer_auth("sk-both");
        let response = response.send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let body = json_body(response).await;
        assert_eq!(body["code"], "not_found");
        assert_eq!(body["message"], "image not found");
    }
    let unknown = delete(&sandbox, "img-never").await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(sandbox.images().len(), 4);
}

#[tokio::test]
async fn public_images_answer_403_and_images_in_use_409() {
    let sandbox = demo().await;

    let public = delete(&sandbox, "ubuntu-24.04").await;
    assert_eq!(public.status(), 403);
    assert_eq!(json_body(public).await["code"], "public_image");

    let busy = delete(&sandbox, "img-busy").await;
    assert_eq!(busy.status(), 409);
    assert_eq!(json_body(busy).await["code"], "image_in_use");

    let left: Vec<_> = sandbox.images().iter().map(|i| i.id().to_owned()).collect();
    assert!(left.contains(&"ubuntu-24.04".to_owned()) && left.contains(&"img-busy".to_owned()));
}

#[tokio::test]
async fn a_private_image_is_deleted_once() {
    let sandbox = demo().await;

    let first = delete(&sandbox, "img-1").await;
    assert_eq!(first.status(), 204);
    assert!(first.headers().get("content-type").is_none());
    assert!(first.bytes().await.unwrap().is_empty());
    assert!(sandbox.images().iter().all(|i| i.id() != "img-1"));

    let second = delete(&sandbox, "img-1").await;
    assert_eq!(second.status(), 404);
}

#[tokio::test]
async fn concurrent_deletes_of_one_image_succeed_exactly_once() {
    let sandbox = with_images(&["img-race"]).await;

    let client = client();
    let deletes = (0..20).map(|_| {
        client
            .delete(url(&sandbox, "img-race"))
            .bearer_auth(DEMO_TOKEN)
    });
    let responses = futures::future::try_join_all(deletes.map(|d| d.send()))
        .await
        .unwrap();

    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 204).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 404).count(),
        19,
        "{statuses:?}"
    );
}

// ---- request ids and the request log

#[tokio::test]
async fn every_response_carries_a_unique_request_id() {
    let sandbox = demo().await;
    let base = sandbox.base_url().to_owned();
    let client = client();

    let responses = [
        delete(&sandbox, "img-1").await,
        delete(&sandbox, "img-1").await,
        client.delete(url(&sandbox, "img-1")).send().await.unwrap(),
        client.get(url(&sandbox, "img-1")).send().await.unwrap(),
        client.get(format!("{base}/nowhere")).send().await.unwrap(),
    ];

    let ids: Vec<String> = responses.iter().map(request_id).collect();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        ids.len(),
        "{ids:?}"
    );

    let logged: Vec<String> = sandbox
        .requests()
        .into_iter()
        .map(|r| r.request_id)
        .collect();
    assert_eq!(logged, ids);
}

#[tokio::test]
async fn the_log_records_what_was_received_but_not_the_token() {
    let sandbox = demo().await;

    client()
        .delete(url(&sandbox, "img-1"))
        .bearer_auth(DEMO_TOKEN)
        .header("user-agent", "cleanup-job/1.0")
        .send()
        .await
        .unwrap();
    client()
        .delete(url(&sandbox, "img-1?force=1"))
        .send()
        .await
        .unwrap();

    let requests = sandbox.requests();
    assert_eq!(requests.len(), 2);
    let (first, second) = (&requests[0], &requests[1]);

    assert_eq!(first.method, "DELETE");
    assert_eq!(first.path, path(ORG, PROJECT, "img-1"));
    assert_eq!(first.user_agent.as_deref(), Some("cleanup-job/1.0"));
    assert_eq!(first.status, Some(204));
    assert_eq!(first.fault, None);
    assert!(first.has_authorization() && first.sent_bearer(DEMO_TOKEN));
    assert!(!first.sent_bearer("sk-onetsolutions-dem"));
    assert!(!format!("{requests:?}").contains(DEMO_TOKEN));
    assert!(!format!("{sandbox:?}").contains(DEMO_TOKEN));

    // The query is kept as sent; it does not change which image is meant.
    assert_eq!(second.path, path(ORG, PROJECT, "img-1?force=1"));
    assert_eq!(second.status, Some(401));
    assert!(!second.has_authorization());

    sandbox.clear_requests();
    assert!(sandbox.requests().is_empty());
}

// ---- path parameters

#[tokio::test]
async fn each_parameter_is_one_decoded_segment() {
    let ids = ["a/b", "%", "with space", "é", "?x=1", "#f", "a%2Fb"];
    let sandbox = with_images(&ids).await;

    let encoded = [
        "a%2Fb",
        "%25",
        "with%20space",
        "%C3%A9",
        "%3Fx=1",
        "%23f",
        "a%252Fb",
    ];
    for raw in encoded {
        let response = delete(&sandbox, raw).await;
        assert_eq!(response.status(), 204, "{raw}");
    }

    assert!(sandbox.images().is_empty());
    let paths: Vec<String> = sandbox.requests().into_iter().map(|r| r.path).collect();
    let sent: Vec<String> = encoded.iter().map(|raw| path(ORG, PROJECT, raw)).collect();
    assert_eq!(paths, sent);
}

#[tokio::test]
async fn organization_and_project_are_decoded_too() {
    let sandbox = Sandbox::builder()
        .token(Token::new("sk-t").organization("org 1/a"))
        .image(Image::private("org 1/a", "pröj", "img"))
        .start()
        .await
        .unwrap();
    let url = format!(
        "{}{}",
        sandbox.base_url(),
        path("org%201%2Fa", "pr%C3%B6j", "img")
    );

    let response = client()
        .delete(url)
        .bearer_auth("sk-t")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn dot_segments_and_undecodable_ids_name_no_image() {
    let sandbox = with_images(&["..", "."]).await;

    // A normalising server would climb the tree on a dot-segment, encoded or
    // not, and find no route. reqwest would normalise these itself, so they
    // go over a raw socket.
    let cases = [
        ("..", "route_not_found"),
        (".", "route_not_found"),
        ("%2e%2e", "route_not_found"),
        ("%2E", "route_not_found"),
        ("%FF", "not_found"),
    ];
    for (raw, code) in cases {
        let sent = path(ORG, PROJECT, raw);
        let answer = raw_delete(sandbox.local_addr(), &sent).await;
        let (head, body) = answer.split();
        assert!(head.starts_with("HTTP/1.1 404"), "{raw}: {head}");
        let body: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(body["code"], code, "{raw}");
        assert_eq!(sandbox.requests().last().unwrap().path, sent);
    }
    assert_eq!(sandbox.images().len(), 2);
}

// ---- other routes and methods

#[tokio::test]
async fn other_paths_answer_404_and_other_methods_405() {
    let sandbox = demo().await;
    let base = sandbox.base_url();
    let client = client();

    for path in [
        "/".to_owned(),
        "/v1/organizations/org-1/projects/proj-1/compute/images".to_owned(),
        path(ORG, PROJECT, ""),
        format!("{}/extra", path(ORG, PROJECT, "img-1")),
    ] {
        let response = client
            .delete(format!("{base}{path}"))
            .bearer_auth(DEMO_TOKEN);
        let response = response.send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        request_id(&response);
        assert_eq!(json_body(response).await["code"], "route_not_found");
    }

    for method in ["GET", "POST", "PUT", "PATCH"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = client.request(method.clone(), url(&sandbox, "img-1"));
        let response = response.bearer_auth(DEMO_TOKEN).send().await.unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "DELETE");
        request_id(&response);
        assert_eq!(json_body(response).await["code"], "method_not_allowed");
    }
    assert_eq!(sandbox.images().len(), 4);
}

// ---- seeding and changing the world

#[tokio::test]
async fn a_seed_file_sets_tokens_and_images() {
    let file = temp_file(
        "seed.json",
        r#"{
          "tokens": [{ "token": "sk-file", "organizations": ["acme"] }],
          "images": [
            { "organization": "acme", "project": "web", "id": "old" },
            { "organization": "acme", "project": "web", "id": "base", "visibility": "public" },
            { "organization": "acme", "project": "web", "id": "busy", "in_use": true }
          ]
        }"#,
    );
    let sandbox = Sandbox::builder().seed_file(&file).start().await.unwrap();
    let base = sandbox.base_url();

    let mut statuses = Vec::new();
    for id in ["old", "base", "busy", "old"] {
        let url = format!("{base}{}", path("acme", "web", id));
        let response = client()
            .delete(url)
            .bearer_auth("sk-file")
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }

    assert_eq!(statuses, [204, 403, 409, 404]);
    let images = sandbox.images();
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].visibility(), Visibility::Public);
    assert!(images[1].is_in_use());
    std::fs::remove_file(file).unwrap();
}

#[tokio::test]
async fn a_bad_seed_file_stops_start_with_its_path_and_position() {
    let file = temp_file(
        "bad-seed.json",
        r#"{"tokens": [{"token": "t", "orgs": []}]}"#,
    );

    let error = Sandbox::builder()
        .seed_file(&file)
        .start()
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Seed { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert!(
        message.contains("orgs") && message.contains("line 1"),
        "{message}"
    );
    std::fs::remove_file(file).unwrap();

    let missing = Sandbox::builder()
        .seed_file("/nonexistent/seed.json")
        .start()
        .await;
    assert!(matches!(missing, Err(Error::Seed { .. })));
}

#[tokio::test]
async fn images_and_tokens_can_be_added_while_running() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    assert_eq!(delete(&sandbox, "late").await.status(), 401);

    sandbox.add_token(Token::new(DEMO_TOKEN).organization(ORG));
    assert_eq!(delete(&sandbox, "late").await.status(), 404);

    sandbox.add_image(Image::private(ORG, PROJECT, "late"));
    assert_eq!(delete(&sandbox, "late").await.status(), 204);
}

// ---- listening and stopping

#[tokio::test]
async fn it_listens_on_loopback_only() {
    let sandbox = demo().await;
    assert!(sandbox.local_addr().ip().is_loopback());
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    assert!(!sandbox.base_url().ends_with('/'));

    let any = Sandbox::builder()
        .listen("0.0.0.0:0".parse().unwrap())
        .start()
        .await;
    assert!(matches!(any, Err(Error::NotLoopback(_))));

    let taken = Sandbox::builder()
        .listen(sandbox.local_addr())
        .start()
        .await;
    assert!(matches!(taken, Err(Error::Bind { .. })));
}

#[tokio::test]
async fn shutdown_closes_the_port_and_idle_connections() {
    let sandbox = demo().await;
    let addr = sandbox.local_addr();

    // A keep-alive connection stays pooled in this client.
    let client = client();
    let response = client
        .delete(url(&sandbox, "img-1"))
        .bearer_auth(DEMO_TOKEN);
    assert_eq!(response.send().await.unwrap().status(), 204);

    let started = std::time::Instant::now();
    sandbox.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "idle connections must not wait"
    );

    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    let again = client
        .delete(format!("http://{addr}{}", path(ORG, PROJECT, "x")))
        .send();
    assert!(again.await.is_err());
}

#[tokio::test]
async fn dropping_the_sandbox_stops_it() {
    let sandbox = demo().await;
    let addr = sandbox.local_addr();
    drop(sandbox);

    // The aborted task lets go of its listener on the next turn of the runtime.
    let mut refused = false;
    for _ in 0..100 {
        tokio::task::yield_now().await;
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused, "the port stayed open after drop");
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let unique = format!(
        "onet-sandbox-{}-{}-{name}",
        std::process::id(),
        line_unique()
    );
    let path = std::env::temp_dir().join(unique);
    std::fs::write(&path, text).unwrap();
    path
}

fn line_unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
