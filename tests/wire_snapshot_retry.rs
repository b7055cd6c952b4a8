//! A snapshot request whose response is lost: for a named checkpoint the client lists the
//! bucket's snapshots before sending again and adopts one with that name created since the first
//! attempt was sent (with a second of clock slack); unnamed snapshots are simply retried.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "wire_support.rs"]
mod support;

use support::*;
use tigris_agent_kit::client::TigrisClient;
use tigris_agent_kit::config::{ConfigInput, NoEnvironment};
use tigris_agent_kit::ops::TigrisOps;
use tigris_agent_kit::runtime::{HttpResponse, TransportError};

// The fake runtime's clock reads 2026-01-01T00:00:00Z at the first send and moves 1 s per
// request.

fn client(script: Vec<Result<HttpResponse, TransportError>>) -> TigrisClient<FakeRuntime> {
    let config = ConfigInput {
        access_key_id: Some("AKIDTEST".into()),
        secret_access_key: Some("secret-canary-8f3a".into()),
        endpoint: Some("http://s3.local.test:9999".into()),
        ..ConfigInput::default()
    };
    TigrisClient::new(config, &NoEnvironment, FakeRuntime::with(script))
}

fn lost() -> Result<HttpResponse, TransportError> {
    Err(TransportError::Network("socket hang up".into()))
}

fn created(version: &str) -> Result<HttpResponse, TransportError> {
    Ok(resp(
        200,
        "OK",
        &[("x-tigris-snapshot-version", version)],
        "",
    ))
}

/// A listing of `(version, name, CreationDate)` entries.
fn listing(entries: &[(&str, &str, &str)]) -> Result<HttpResponse, TransportError> {
    let buckets: String = entries
        .iter()
        .map(|(v, n, d)| {
            format!("<Bucket><Name>{v}; name={n}</Name><CreationDate>{d}</CreationDate></Bucket>")
        })
        .collect();
    let body =
        format!("<ListAllMyBucketsResult><Buckets>{buckets}</Buckets></ListAllMyBucketsResult>");
    Ok(resp(
        200,
        "OK",
        &[("content-type", "application/xml")],
        &body,
    ))
}

/// `(method, url)` of every request sent.
fn sent(c: &TigrisClient<FakeRuntime>) -> Vec<(String, String)> {
    c.runtime()
        .requests()
        .iter()
        .map(|r| (r.method.to_owned(), r.url.clone()))
        .collect()
}

const PUT: (&str, &str) = ("PUT", "http://data.s3.local.test:9999/");
const LIST: (&str, &str) = (
    "GET",
    "http://s3.local.test:9999/?max-buckets=100&x-id=ListBuckets",
);

fn calls(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(m, u)| ((*m).to_owned(), (*u).to_owned()))
        .collect()
}

#[test]
fn a_named_snapshot_made_by_a_lost_attempt_is_adopted_not_taken_again() {
    let c = client(vec![
        lost(),
        listing(&[
            ("300", "other", "2026-01-01T00:00:01.5Z"),
            ("200", "ck", "2026-01-01T00:00:00.4Z"),
            ("100", "ck", "2025-12-31T23:59:58.9Z"),
        ]),
    ]);
    assert_eq!(
        block_on(c.create_snapshot("data", Some("ck"))).unwrap(),
        "200"
    );
    assert_eq!(sent(&c), calls(&[PUT, LIST]), "no second snapshot request");
    let list = &c.runtime().requests()[1];
    assert_eq!(header(list, "X-Tigris-Snapshot"), Some("data"));
}

#[test]
fn a_named_snapshot_is_sent_again_when_the_listing_shows_none_from_the_lost_attempt() {
    // Only an older "ck" (more than the second of slack before the first send): not ours.
    let c = client(vec![
        lost(),
        listing(&[("100", "ck", "2025-12-31T23:59:58.9Z")]),
        created("400"),
    ]);
    assert_eq!(
        block_on(c.create_snapshot("data", Some("ck"))).unwrap(),
        "400"
    );
    assert_eq!(sent(&c), calls(&[PUT, LIST, PUT]));
    assert_eq!(
        c.runtime().sleeps.borrow().len(),
        1,
        "the backoff still runs before the resend"
    );
}

#[test]
fn a_server_clock_slightly_behind_is_allowed_for() {
    let c = client(vec![
        lost(),
        listing(&[("150", "ck", "2025-12-31T23:59:59.5Z")]),
    ]);
    assert_eq!(
        block_on(c.create_snapshot("data", Some("ck"))).unwrap(),
        "150"
    );
}

#[test]
fn a_failed_listing_or_a_timeout_falls_back_to_sending_again() {
    let c = client(vec![
        Err(TransportError::Timeout),
        Ok(s3_error(403, "AccessDenied", "Access Denied")),
        created("400"),
    ]);
    assert_eq!(
        block_on(c.create_snapshot("data", Some("ck"))).unwrap(),
        "400"
    );
    assert_eq!(sent(&c), calls(&[PUT, LIST, PUT]));
}

#[test]
fn lost_attempts_use_the_whole_budget_with_a_look_between_each() {
    let empty = || listing(&[]);
    let c = client(vec![
        lost(),
        empty(),
        lost(),
        empty(),
        lost(),
        empty(),
        lost(),
    ]);
    let e = block_on(c.create_snapshot("data", Some("ck"))).unwrap_err();
    assert_eq!(e.message, "Unable to create bucket snapshot socket hang up");
    assert_eq!(
        sent(&c),
        calls(&[PUT, LIST, PUT, LIST, PUT, LIST, PUT]),
        "4 attempts, no look after the last"
    );
}

#[test]
fn unnamed_snapshots_and_error_answers_are_retried_without_a_look() {
    let c = client(vec![lost(), created("400")]);
    assert_eq!(block_on(c.create_snapshot("data", None)).unwrap(), "400");
    assert_eq!(sent(&c), calls(&[PUT, PUT]));
    let c = client(vec![lost(), created("400")]);
    assert_eq!(
        block_on(c.create_snapshot("data", Some(""))).unwrap(),
        "400"
    );
    assert_eq!(sent(&c), calls(&[PUT, PUT]), "an empty name is no name");
    let c = client(vec![Ok(s3_error(503, "SlowDown", "busy")), created("400")]);
    assert_eq!(
        block_on(c.create_snapshot("data", Some("ck"))).unwrap(),
        "400"
    );
    assert_eq!(
        sent(&c),
        calls(&[PUT, PUT]),
        "a 5xx answer is retried as before"
    );
}
