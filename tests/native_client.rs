//! The native client (`--features native`) against a real tigris-local started in process:
//! every method (presigned URLs used with reqwest), the results' shapes, the server's state after each call, and the failure paths
//! the JS package tests cover for config, validation and partial failure.
#![cfg(feature = "native")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "native_support.rs"]
mod support;

use serde_json::json;
use std::collections::HashMap;
use support::{unique, Local};
use tigris_agent_kit::{
    Access, AgentKit, CheckpointOptions, Config, CreateForksOptions, CreateWorkspaceOptions,
    CredentialProvider, CredentialsOptions, Environment, KeyPair, ListCheckpointsOptions,
    ObjectMethod, PresignOptions, ProcessEnvironment, ReceiveCoordinationOptions, RestoreOptions,
    Role, Secret, SetupCoordinationOptions, TeardownForksOptions, Ttl, WebhookAuth, Workspace,
};

fn snapshots() -> CreateWorkspaceOptions {
    CreateWorkspaceOptions {
        enable_snapshots: true,
        ..Default::default()
    }
}

/// Asserts that `result` failed with `code` and exactly `message`.
fn assert_failure<T: std::fmt::Debug>(
    result: Result<T, tigris_agent_kit::Error>,
    code: &str,
    message: &str,
) {
    let error = result.unwrap_err();
    assert_eq!((error.code(), error.to_string().as_str()), (code, message));
}

fn xml(code: &str, message: &str) -> String {
    format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_with_every_option_and_its_teardown() {
    let local = Local::start().await;
    let kit = local.kit();
    let name = unique("ws-all");
    let ws = kit
        .create_workspace(
            &name,
            CreateWorkspaceOptions {
                access: Some(Access::Public),
                ttl: Some(Ttl { days: 1 }),
                enable_snapshots: false,
                credentials: Some(CredentialsOptions { role: Role::Editor }),
                atomic: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(ws.bucket, name);
    let credentials = ws.credentials.clone().expect("a scoped key");
    assert!(credentials.access_key_id.starts_with("tid_"));
    assert!(!format!("{ws:?}").contains(credentials.secret_access_key.expose()));
    assert_eq!(local.buckets(&name), std::slice::from_ref(&name));
    assert_eq!(local.keys(&name), [format!("{name}-key")]);
    let bucket = local.state()["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name.as_str())
        .cloned()
        .unwrap();
    assert_eq!(bucket["lifecycle_rules"].as_array().map(Vec::len), Some(1));

    kit.teardown_workspace(&ws, Default::default())
        .await
        .unwrap();
    assert!(local.buckets(&name).is_empty());
    assert!(local.keys(&name).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpoint_list_and_restore() {
    let local = Local::start().await;
    let kit = local.kit();
    let bucket = kit
        .create_workspace(unique("ck"), snapshots())
        .await
        .unwrap()
        .bucket;
    let named = kit
        .checkpoint(
            &bucket,
            CheckpointOptions {
                name: Some("epoch-50".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(named.snapshot_id.len(), 19, "{named:?}");
    assert_eq!(named.name.as_deref(), Some("epoch-50"));
    assert!(named.created_at_ms.is_some());
    let unnamed = kit.checkpoint(&bucket, Default::default()).await.unwrap();
    assert!(unnamed.snapshot_id > named.snapshot_id);

    let page = kit
        .list_checkpoints(
            &bucket,
            ListCheckpointsOptions {
                limit: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.checkpoints.len(), 1);
    let token = page.pagination_token.clone().expect("a second page");
    let rest = kit
        .list_checkpoints(
            &bucket,
            ListCheckpointsOptions {
                limit: Some(10),
                pagination_token: Some(token),
            },
        )
        .await
        .unwrap();
    let mut seen: Vec<String> = page
        .checkpoints
        .iter()
        .chain(&rest.checkpoints)
        .map(|c| c.snapshot_id.clone())
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [named.snapshot_id.clone(), unnamed.snapshot_id.clone()]
    );

    let fork_name = unique("ck-restored");
    let restored = kit
        .restore(
            &bucket,
            &named.snapshot_id,
            RestoreOptions {
                fork_name: Some(fork_name.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(restored.bucket, fork_name);
    let auto = kit
        .restore(&bucket, &named.snapshot_id, Default::default())
        .await
        .unwrap();
    assert!(
        auto.bucket.starts_with(&format!("{bucket}-restore-")),
        "{auto:?}"
    );
    assert_eq!(local.buckets(&fork_name), std::slice::from_ref(&fork_name));

    let plain = kit
        .create_workspace(unique("ck-plain"), Default::default())
        .await
        .unwrap()
        .bucket;
    let error = kit
        .checkpoint(&plain, Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "SnapshotsNotEnabled");
    assert!(
        error
            .to_string()
            .starts_with(&format!("Failed to checkpoint bucket \"{plain}\": ")),
        "{error}"
    );
    let missing = kit
        .restore("no-such-bucket", "1751631910196672425", Default::default())
        .await
        .unwrap_err();
    assert!(missing
        .to_string()
        .starts_with("Failed to restore from snapshot \"1751631910196672425\": "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forks_with_keys_and_their_teardown() {
    let local = Local::start().await;
    let kit = local.kit();
    let base = kit
        .create_workspace(unique("base"), snapshots())
        .await
        .unwrap()
        .bucket;
    let prefix = unique("fk");
    let set = kit
        .create_forks(
            &base,
            3,
            CreateForksOptions {
                prefix: Some(prefix.clone()),
                credentials: Some(CredentialsOptions {
                    role: Role::ReadOnly,
                }),
                concurrency: Some(2),
                atomic: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(set.base_bucket, base);
    assert_eq!(set.snapshot_id.len(), 19);
    let names: Vec<&str> = set.forks.iter().map(|f| f.bucket.as_str()).collect();
    assert_eq!(names, [0, 1, 2].map(|i| format!("{prefix}-{i}")));
    assert!(set.forks.iter().all(|f| f.credentials.is_some()));
    assert_eq!(local.keys(&prefix).len(), 3);
    kit.teardown_forks(&set, TeardownForksOptions::default())
        .await
        .unwrap();
    assert!(local.buckets(&prefix).is_empty());
    assert!(local.keys(&prefix).is_empty());
    assert_eq!(
        local.buckets(&base),
        std::slice::from_ref(&base),
        "the base stays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_failures_keep_the_js_contract() {
    let local = Local::start().await;
    let kit = local.kit();
    let base = kit
        .create_workspace(unique("base"), snapshots())
        .await
        .unwrap()
        .bucket;

    // The 3rd fork fails: exactly forks 0 and 1, nothing else left behind.
    let prefix = unique("partial");
    local
        .fail(
            "PUT",
            &format!("/{prefix}-2/"),
            409,
            Some(&xml("BucketAlreadyExists", "taken")),
        )
        .await;
    let options = |prefix: &str| CreateForksOptions {
        prefix: Some(prefix.to_owned()),
        credentials: Some(CredentialsOptions { role: Role::Editor }),
        ..Default::default()
    };
    let set = kit.create_forks(&base, 6, options(&prefix)).await.unwrap();
    let names: Vec<&str> = set.forks.iter().map(|f| f.bucket.as_str()).collect();
    assert_eq!(names, [format!("{prefix}-0"), format!("{prefix}-1")]);
    assert_eq!(local.buckets(&prefix).len(), 2);
    assert_eq!(
        local.keys(&prefix),
        [format!("{prefix}-0-key"), format!("{prefix}-1-key")]
    );

    // Teardown with one failing delete: reported, every other fork still removed.
    local
        .fail(
            "DELETE",
            &format!("/{prefix}-1/"),
            500,
            Some(&xml("InternalError", "disk on fire")),
        )
        .await;
    assert_failure(kit.teardown_forks(&set, Default::default()).await, "PartialFailure", &format!(
            "Fork teardown completed with errors:\nFailed to delete fork \"{prefix}-1\": Unable to remove bucket disk on fire"
        ));
    assert_eq!(local.buckets(&prefix), [format!("{prefix}-1")]);
    assert!(local.keys(&prefix).is_empty());

    // Fork 0 failing: no fork at all, with fork 0's code.
    let zero = unique("zero");
    local
        .fail(
            "PUT",
            &format!("/{zero}-0/"),
            403,
            Some(&xml("AccessDenied", "Access Denied")),
        )
        .await;
    let error = kit
        .create_forks(&base, 3, options(&zero))
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "Failed to create any forks");
    assert_eq!(error.code(), "AccessDenied");
    assert!(local.buckets(&zero).is_empty());

    // A workspace teardown whose two steps fail lists both.
    let ws = kit
        .create_workspace(
            unique("ws-td"),
            CreateWorkspaceOptions {
                credentials: Some(CredentialsOptions { role: Role::Editor }),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let iam_down = json!({"Code": "InternalError", "Message": "iam is down"}).to_string();
    local.fail("POST", "/", 500, Some(&iam_down)).await;
    local
        .fail("DELETE", &format!("/{}/", ws.bucket), 500, None)
        .await;
    let error = kit
        .teardown_workspace(&ws, Default::default())
        .await
        .unwrap_err();
    let message = error.to_string();
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 3, "{message}");
    assert_eq!(lines[0], "Workspace teardown completed with errors:");
    assert_eq!(
        lines[1],
        format!(
            "Failed to remove access key for \"{}\": iam is down",
            ws.bucket
        )
    );
    assert!(lines[2].starts_with(&format!("Failed to delete workspace \"{}\": ", ws.bucket)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_arguments_fail_before_any_request_with_the_js_texts() {
    let local = Local::start().await;
    let kit = local.kit();
    let before = local.requests().await.len();
    let forks = |count, concurrency| {
        kit.create_forks(
            "base",
            count,
            CreateForksOptions {
                concurrency,
                ..Default::default()
            },
        )
    };
    let cases = [
        (forks(0, None).await.map(|_| ()), "count must be a positive integer"),
        (forks(1001, None).await.map(|_| ()), "count must be at most 1000"),
        (forks(2, Some(0)).await.map(|_| ()), "options.concurrency must be a positive integer"),
        (
            kit.create_workspace(
                "ws-ttl",
                CreateWorkspaceOptions {
                    ttl: Some(Ttl { days: 0 }),
                    ..Default::default()
                },
            )
            .await
            .map(|_| ()),
            "options.ttl.days must be a positive integer",
        ),
        (
            kit.list_checkpoints(
                "bucket",
                ListCheckpointsOptions {
                    limit: Some(0),
                    ..Default::default()
                },
            )
            .await
            .map(|_| ()),
            "options.limit must be a positive integer",
        ),
        (
            kit.checkpoint(
                "bucket",
                CheckpointOptions {
                    name: Some("é".into()),
                },
            )
            .await
            .map(|_| ()),
            "Failed to checkpoint bucket \"bucket\": Invalid checkpoint name: only printable ASCII characters are allowed",
        ),
        (
            kit.setup_coordination("bucket", Default::default()).await,
            "Failed to setup coordination on \"bucket\": ",
        ),
        (
            kit.setup_coordination(
                "bucket",
                SetupCoordinationOptions {
                    webhook_url: "https://hooks.example/x".into(),
                    auth: Some(WebhookAuth {
                        token: Some(Secret::new("t")),
                        username: Some("u".into()),
                        password: Some(Secret::new("p")),
                    }),
                    ..Default::default()
                },
            )
            .await,
            "Failed to setup coordination on \"bucket\": ",
        ),
    ];
    for (result, expected) in cases {
        let error = result.map(|_| ()).unwrap_err();
        assert_eq!(error.code(), "InvalidArgument", "{error}");
        assert!(
            error.to_string().starts_with(expected),
            "{error} / {expected}"
        );
    }
    let error = kit
        .create_workspace("Not_A_Bucket", Default::default())
        .await
        .unwrap_err();
    assert!(error
        .to_string()
        .starts_with("Failed to create workspace bucket \"Not_A_Bucket\": Invalid bucket name"));
    assert_eq!(local.requests().await.len(), before, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_failures_and_the_environment() {
    let local = Local::start().await;
    // An incomplete explicit config fails each call, before any request, as in JS.
    let kit = AgentKit::new(Config {
        endpoint: Some(local.endpoint()),
        ..Default::default()
    })
    .unwrap();
    let error = kit
        .create_workspace(unique("ws-nocreds"), Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "InvalidArgument");
    assert!(error.to_string().ends_with(
        "Tigris Config incomplete: accessKeyId is missing. Set TIGRIS_STORAGE_ACCESS_KEY_ID in environment or pass it as an option."
    ), "{error}");
    assert!(local.requests().await.is_empty());

    // The environment constructors fail at once with the JS message.
    struct Vars(HashMap<&'static str, String>);
    impl Environment for Vars {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).cloned()
        }
    }
    let only_key = Vars(HashMap::from([(
        "TIGRIS_STORAGE_ACCESS_KEY_ID",
        "tid_local".to_owned(),
    )]));
    let error = AgentKit::with_environment(Config::default(), &only_key).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Tigris Config incomplete: secretAccessKey is missing. Set TIGRIS_STORAGE_SECRET_ACCESS_KEY in environment or pass it as an option."
    );
    assert_eq!(error.code(), "InvalidArgument");

    // A `.env` file supplies what the config leaves out; the explicit config wins.
    let dir = std::env::temp_dir().join(unique("native-dotenv"));
    std::fs::create_dir_all(&dir).unwrap();
    let dotenv = dir.join(".env");
    std::fs::write(
        &dotenv,
        format!(
            "export TIGRIS_STORAGE_ACCESS_KEY_ID=tid_local\nTIGRIS_STORAGE_SECRET_ACCESS_KEY=\"tsec_local\" \nTIGRIS_STORAGE_ENDPOINT=http://127.0.0.1:9 # not this\nTIGRIS_IAM_ENDPOINT={}\n",
            local.endpoint()
        ),
    )
    .unwrap();
    let kit = AgentKit::with_environment(
        Config {
            endpoint: Some(local.endpoint()),
            ..Default::default()
        },
        &ProcessEnvironment::with_dotenv(&dotenv),
    )
    .unwrap();
    let ws = kit
        .create_workspace(unique("ws-dotenv"), Default::default())
        .await
        .unwrap();
    kit.teardown_workspace(&ws, Default::default())
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    // requestTimeoutMs is checked as in JS; Debug never shows a secret.
    let error = AgentKit::new(Config {
        request_timeout_ms: Some(0),
        ..local.config()
    })
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "options.config.requestTimeoutMs must be a positive integer"
    );
    let shown = format!("{:?} {:?}", local.kit(), local.config());
    assert!(!shown.contains("tsec_local"), "{shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_codes_of_server_and_transport_failures() {
    let local = Local::start().await;
    let name = unique("codes");
    let wrong = AgentKit::new(Config {
        secret_access_key: Some(Secret::new("tsec_wrong")),
        ..local.config()
    })
    .unwrap();
    let error = wrong
        .create_workspace(&name, Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "AccessDenied", "{error}");
    assert!(!error.to_string().contains("tsec_wrong"));

    let kit = local.kit();
    local
        .fail(
            "PUT",
            &format!("/{name}/"),
            500,
            Some(&xml("InternalError", "injected")),
        )
        .await;
    assert_failure(
        kit.create_workspace(&name, Default::default()).await,
        "ServerError",
        &format!("Failed to create workspace bucket \"{name}\": Unable to create bucket injected"),
    );
    local.reset().await;

    local
        .fault(
            json!({"method": "PUT", "path": format!("/{name}/"), "times": 50,
            "action": {"delay_ms": 400}}),
        )
        .await;
    let hasty = AgentKit::new(Config {
        request_timeout_ms: Some(50),
        ..local.config()
    })
    .unwrap();
    assert_failure(hasty.create_workspace(&name, Default::default()).await, "Timeout", &format!("Failed to create workspace bucket \"{name}\": Unable to create bucket Request timed out"));
    local.reset().await;

    let nowhere = AgentKit::new(Config {
        endpoint: Some("http://127.0.0.1:9".into()),
        ..local.config()
    })
    .unwrap();
    let error = nowhere
        .create_workspace(&name, Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "NetworkError");
    assert!(error.to_string().starts_with(&format!(
        "Failed to create workspace bucket \"{name}\": Unable to create bucket "
    )));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_provider_is_an_async_closure() {
    let local = Local::start().await;
    let with_provider = |provider| {
        AgentKit::new(Config {
            access_key_id: None,
            secret_access_key: None,
            credential_provider: Some(provider),
            ..local.config()
        })
        .unwrap()
    };
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counted = calls.clone();
    let kit = with_provider(CredentialProvider::new(move || {
        let counted = counted.clone();
        async move {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            tokio::task::yield_now().await;
            Ok(KeyPair::new("tid_local", "tsec_local", None))
        }
    }));
    let ws = kit
        .create_workspace(unique("ws-provider"), Default::default())
        .await
        .unwrap();
    assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 1);
    kit.teardown_workspace(&ws, Default::default())
        .await
        .unwrap();

    let sealed = with_provider(CredentialProvider::new(|| async {
        Err("vault sealed".to_owned())
    }));
    assert_failure(sealed.create_workspace("ws-sealed", Default::default()).await, "AccessDenied", "Failed to create workspace bucket \"ws-sealed\": Unable to create bucket credentialProvider failed: vault sealed");
    let empty = with_provider(CredentialProvider::new(|| async {
        Ok(KeyPair::new("", "tsec", None))
    }));
    let error = empty
        .create_workspace("ws-empty", Default::default())
        .await
        .unwrap_err();
    assert!(error
        .to_string()
        .ends_with("credentialProvider must resolve to { accessKeyId, secretAccessKey } strings"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordination_setup_and_teardown() {
    let local = Local::start().await;
    let kit = local.kit();
    let bucket = kit
        .create_workspace(unique("coord"), Default::default())
        .await
        .unwrap()
        .bucket;
    kit.setup_coordination(
        &bucket,
        SetupCoordinationOptions {
            webhook_url: "http://127.0.0.1:9/hook".into(),
            filter: Some("WHERE `key` REGEXP \"^tasks/\"".into()),
            auth: Some(WebhookAuth {
                token: Some(Secret::new("hook-token")),
                ..Default::default()
            }),
        },
    )
    .await
    .unwrap();
    let notifications = |local: &Local| {
        local.state()["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == bucket.as_str())
            .unwrap()["notifications"]
            .clone()
    };
    let set = notifications(&local);
    assert!(set.to_string().contains("127.0.0.1:9/hook"), "{set}");
    assert!(!set.to_string().contains("hook-token"), "masked: {set}");
    kit.teardown_coordination(&bucket, Default::default())
        .await
        .unwrap();
    assert!(!notifications(&local).to_string().contains("/hook"));
}

/// A webhook receiver on 127.0.0.1: answers 200 to every POST and sends each one on as
/// (headers, body).
async fn webhook_receiver() -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(http::HeaderMap, Vec<u8>)>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (deliveries, received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut chunk = [0u8; 4096];
            // tigris-local sends Content-Length and closes after the answer: read the head,
            // then the announced body.
            let (head_len, body_len) = loop {
                let n = socket.read(&mut chunk).await.unwrap();
                assert!(n > 0, "the delivery ended early");
                request.extend_from_slice(&chunk[..n]);
                if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&request[..end]).to_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .unwrap()
                        .trim()
                        .parse::<usize>()
                        .unwrap();
                    break (end + 4, len);
                }
            };
            while request.len() < head_len + body_len {
                let n = socket.read(&mut chunk).await.unwrap();
                request.extend_from_slice(&chunk[..n]);
            }
            let mut headers = http::HeaderMap::new();
            let head = String::from_utf8(request[..head_len].to_vec()).unwrap();
            for line in head.lines().skip(1).filter(|l| !l.is_empty()) {
                let (name, value) = line.split_once(':').unwrap();
                headers.append(
                    http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    http::HeaderValue::from_str(value.trim()).unwrap(),
                );
            }
            socket
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .await
                .unwrap();
            let _ = deliveries.send((headers, request[head_len..].to_vec()));
        }
    });
    (url, received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordination_events_are_received_from_a_real_delivery() {
    let local = Local::start().await;
    let kit = local.kit();
    let bucket = kit
        .create_workspace(unique("receive"), Default::default())
        .await
        .unwrap()
        .bucket;
    let (url, mut deliveries) = webhook_receiver().await;
    let token = || WebhookAuth {
        token: Some(Secret::new("rx-native-SECRET")),
        ..Default::default()
    };
    kit.setup_coordination(
        &bucket,
        SetupCoordinationOptions {
            webhook_url: url,
            auth: Some(token()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let before = std::time::SystemTime::now();
    local.put(&bucket, "results/out.txt", b"hello").await;
    let (headers, body) =
        tokio::time::timeout(std::time::Duration::from_secs(10), deliveries.recv())
            .await
            .expect("a delivery within 10 s")
            .unwrap();
    let options = || ReceiveCoordinationOptions {
        auth: Some(token()),
    };
    let events = kit
        .receive_coordination_events(&headers, &body, options())
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.event_name, "OBJECT_CREATED_PUT");
    assert_eq!(
        (event.bucket.as_str(), event.key.as_str()),
        (bucket.as_str(), "results/out.txt")
    );
    assert_eq!(event.size, Some(5));
    assert_eq!(
        event.e_tag.as_deref(),
        Some("5d41402abc4b2a76b9719d911017c592")
    );
    let skew = event
        .event_time
        .duration_since(before)
        .unwrap_or_else(|e| e.duration());
    assert!(skew < std::time::Duration::from_secs(10), "{skew:?}");
    assert_eq!(event.id.len(), 64);
    // The same delivery received again (a redelivery) has the same ids; no auth checks nothing.
    assert_eq!(
        kit.receive_coordination_events(&http::HeaderMap::new(), &body, Default::default())
            .await
            .unwrap(),
        events
    );

    // Wrong, missing, repeated and mixed-up credentials.
    let with = |values: &[&str]| {
        let mut h = http::HeaderMap::new();
        for v in values {
            h.append(http::header::AUTHORIZATION, v.parse().unwrap());
        }
        h
    };
    for values in [
        &["Bearer rx-native-SECRET2"][..],
        &["Bearer rx-native-secret"],
        &["Basic cng6bmF0aXZlLVNFQ1JFVA=="],
        &[],
        &["Bearer rx-native-SECRET", "Bearer rx-native-SECRET"],
    ] {
        let error = kit
            .receive_coordination_events(&with(values), &body, options())
            .await
            .unwrap_err();
        assert_eq!(error.code(), "Unauthorized", "{values:?}");
        assert!(!format!("{error} {error:?}").contains("SECRET"));
    }
    assert!(kit
        .receive_coordination_events(&with(&[" bearer  rx-native-SECRET "]), &body, options())
        .await
        .is_ok());
    let basic = ReceiveCoordinationOptions {
        auth: Some(WebhookAuth {
            username: Some("rx".into()),
            password: Some(Secret::new("native-SECRET")),
            ..Default::default()
        }),
    };
    assert!(kit
        .receive_coordination_events(
            &with(&["Basic cng6bmF0aXZlLVNFQ1JFVA=="]),
            &body,
            basic.clone()
        )
        .await
        .is_ok());
    assert_eq!(
        kit.receive_coordination_events(&with(&["Bearer native-SECRET"]), &body, basic)
            .await
            .unwrap_err()
            .code(),
        "Unauthorized"
    );

    // Invalid options and bodies.
    assert_failure(
        kit.receive_coordination_events(
            &headers,
            &body,
            ReceiveCoordinationOptions {
                auth: Some(WebhookAuth::default()),
            },
        )
        .await,
        "InvalidArgument",
        "Auth must include either token or username and password",
    );
    assert_failure(
        kit.receive_coordination_events(&headers, b"{\"events\":[{}]}", options())
            .await,
        "InvalidArgument",
        "events[0].eventName must be a string",
    );
    assert_failure(
        kit.receive_coordination_events(&headers, &vec![b' '; (1 << 20) + 1], options())
            .await,
        "InvalidArgument",
        "the delivery body is over 1 MiB",
    );
    assert_failure(
        kit.receive_coordination_events(&headers, b"\xff", options())
            .await,
        "InvalidArgument",
        "the delivery body is not JSON",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn futures_are_send_and_static_and_run_concurrently() {
    let local = Local::start().await;
    let kit = local.kit();
    let names: Vec<String> = (0..8).map(|_| unique("spawned")).collect();
    let tasks: Vec<_> = names
        .iter()
        .map(|name| tokio::spawn(kit.create_workspace(name, Default::default())))
        .collect();
    let mut made: Vec<Workspace> = Vec::new();
    for task in tasks {
        made.push(task.await.unwrap().unwrap());
    }
    assert_eq!(local.buckets("spawned-").len(), 8);
    let teardowns: Vec<_> = made
        .iter()
        .map(|ws| tokio::spawn(kit.clone().teardown_workspace(ws, Default::default())))
        .collect();
    for task in teardowns {
        task.await.unwrap().unwrap();
    }
    assert!(local.buckets("spawned-").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadlines_bound_a_server_that_never_answers_and_errors_carry_the_answer() {
    // Accepts connections and never answers.
    let hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", hole.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = hole.accept().await {
            open.push(socket);
        }
    });
    let config = |call: Option<u32>, deadline: Option<u32>| Config {
        access_key_id: Some("tid_hole".into()),
        secret_access_key: Some(Secret::from("tsec_hole_secret")),
        endpoint: Some(endpoint.clone()),
        iam_endpoint: Some(endpoint.clone()),
        call_timeout_ms: call,
        deadline_ms: deadline,
        ..Default::default()
    };
    for (call, deadline, bound) in [(Some(800), None, 800), (None, Some(600), 600)] {
        let kit = AgentKit::new(config(call, deadline)).unwrap();
        let started = std::time::Instant::now();
        let error = kit
            .list_checkpoints("hole-bucket", ListCheckpointsOptions::default())
            .await
            .unwrap_err();
        let elapsed = started.elapsed().as_millis();
        assert_eq!(error.code(), "Timeout", "{error}");
        assert!(
            elapsed + 5 >= bound && elapsed <= bound + 1500,
            "{elapsed} ms for {bound}"
        );
    }
    held.abort();

    let local = Local::start().await;
    let kit = local.kit();
    let name = unique("ws-reply");
    kit.create_workspace(&name, CreateWorkspaceOptions::default())
        .await
        .unwrap();
    let again = kit
        .create_workspace(&name, CreateWorkspaceOptions::default())
        .await
        .unwrap_err();
    assert_eq!(
        (again.code(), again.status(), again.server_code()),
        (
            "BucketAlreadyExists",
            Some(409),
            Some("BucketAlreadyOwnedByYou")
        )
    );
    let invalid = kit
        .create_workspace("Bad_Name", CreateWorkspaceOptions::default())
        .await
        .unwrap_err();
    assert_eq!((invalid.status(), invalid.server_code()), (None, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fork_lifecycle_list_merge_rebase_release() {
    use tigris_agent_kit::{LifecycleOptions, ListForksOptions};
    let local = Local::start().await;
    let kit = local.kit();
    let base = unique("life-base");
    kit.create_workspace(&base, snapshots()).await.unwrap();
    let set = kit
        .create_forks(&base, 3, CreateForksOptions::default())
        .await
        .unwrap();
    let page = kit
        .list_forks(
            &base,
            ListForksOptions {
                limit: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.forks.len(), 2);
    let rest = kit
        .list_forks(
            &base,
            ListForksOptions {
                limit: Some(2),
                pagination_token: page.pagination_token.clone(),
            },
        )
        .await
        .unwrap();
    let mut listed: Vec<_> = page.forks.iter().chain(&rest.forks).collect();
    listed.sort_by(|a, b| a.bucket.cmp(&b.bucket));
    let mut made: Vec<_> = set.forks.iter().map(|f| f.bucket.as_str()).collect();
    made.sort_unstable();
    assert_eq!(
        listed.iter().map(|f| f.bucket.as_str()).collect::<Vec<_>>(),
        made
    );
    for fork in &listed {
        assert_eq!(
            (fork.base_bucket.as_str(), fork.snapshot_id.as_str()),
            (base.as_str(), set.snapshot_id.as_str())
        );
    }
    let fork = |i: usize| set.forks[i].bucket.clone();
    let merged = kit
        .merge_fork(fork(0), &base, LifecycleOptions::default())
        .await
        .unwrap();
    assert!(!merged.snapshot_id.is_empty());
    let rebased = kit
        .rebase_fork(fork(1), LifecycleOptions::default())
        .await
        .unwrap();
    assert!(!rebased.snapshot_id.is_empty());
    let not_a_fork = kit
        .merge_fork(&base, fork(2), LifecycleOptions::default())
        .await
        .unwrap_err();
    assert_eq!(not_a_fork.code(), "InvalidArgument", "{not_a_fork}");
    kit.delete_checkpoint(&base, &merged.snapshot_id, LifecycleOptions::default())
        .await
        .unwrap();
    kit.teardown_forks(
        &set,
        TeardownForksOptions {
            delete_snapshot: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let left = kit
        .list_forks(&base, ListForksOptions::default())
        .await
        .unwrap();
    assert!(left.forks.is_empty(), "{left:?}");
    kit.teardown_workspace(
        &Workspace {
            bucket: base,
            credentials: None,
        },
        Default::default(),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presigned_urls_work_with_reqwest_and_validate_like_js() {
    let local = Local::start().await;
    let kit = local.kit();
    let bucket = kit
        .create_workspace(unique("ps-native"), Default::default())
        .await
        .unwrap()
        .bucket;
    // The crate's own TLS choice (rustls over ring); the URLs here are plain http.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder().build().unwrap();
    let key = "dir/a b+c%d?e#f/ü😀.txt";
    let put = kit
        .presign(
            &bucket,
            key,
            PresignOptions {
                method: Some(ObjectMethod::Put),
                expires_in: Some(120),
                content_type: Some("text/plain".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(put.method, ObjectMethod::Put);
    let signed_at = put.expires_at - std::time::Duration::from_secs(120);
    let now = std::time::SystemTime::now();
    assert!(signed_at <= now && now.duration_since(signed_at).unwrap().as_secs() < 5);
    let upload = |content_type: &'static str| {
        http.put(&put.url)
            .header("content-type", content_type)
            .body("from reqwest")
            .send()
    };
    assert_eq!(upload("application/json").await.unwrap().status(), 403);
    assert_eq!(upload("text/plain").await.unwrap().status(), 200);
    let get = kit.presign(&bucket, key, Default::default()).await.unwrap();
    assert_eq!(get.method, ObjectMethod::Get);
    let got = http.get(&get.url).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.text().await.unwrap(), "from reqwest");
    let tampered = get.url.replace("X-Amz-Expires=3600", "X-Amz-Expires=3599");
    assert_eq!(http.get(&tampered).send().await.unwrap().status(), 403);
    let of = |method| PresignOptions {
        method: Some(method),
        ..Default::default()
    };
    let head = kit
        .presign(&bucket, key, of(ObjectMethod::Head))
        .await
        .unwrap();
    assert_eq!(http.head(&head.url).send().await.unwrap().status(), 200);
    let delete = kit
        .presign(&bucket, key, of(ObjectMethod::Delete))
        .await
        .unwrap();
    assert_eq!(http.delete(&delete.url).send().await.unwrap().status(), 204);
    assert_eq!(http.get(&get.url).send().await.unwrap().status(), 404);

    // The JS texts and order, before anything is signed.
    let bad_bucket = kit.presign("Bad", "k", Default::default()).await;
    assert_failure(
        bad_bucket,
        "InvalidArgument",
        "Failed to presign \"k\" in \"Bad\": Invalid bucket name \"Bad\": may contain only lowercase letters, digits, dots and hyphens",
    );
    let empty_key = kit.presign(&bucket, "", Default::default()).await;
    assert_failure(
        empty_key,
        "InvalidArgument",
        "key must be a non-empty string of at most 1024 bytes",
    );
    let forever = PresignOptions {
        expires_in: Some(604_801),
        ..Default::default()
    };
    assert_failure(
        kit.presign(&bucket, "k", forever).await,
        "InvalidArgument",
        "options.expiresIn must be an integer from 1 to 604800",
    );
    let typed_get = PresignOptions {
        content_type: Some("text/plain".into()),
        ..Default::default()
    };
    assert_failure(
        kit.presign(&bucket, "k", typed_get).await,
        "InvalidArgument",
        "options.contentType is only allowed with method \"PUT\"",
    );
}
