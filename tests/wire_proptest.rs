//! Property tests: arbitrary input never panics the XML/JSON parsers, the response readers, the
//! endpoint parser, the request builders or a whole client call.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "wire_support.rs"]
mod support;

use proptest::prelude::*;
use support::*;
use tigris_agent_kit::client::TigrisClient;
use tigris_agent_kit::config::{ConfigInput, NoEnvironment};
use tigris_agent_kit::ops::*;
use tigris_agent_kit::parse::{json, responses, xml};
use tigris_agent_kit::requests::{iam, s3, settings, Endpoint};

fn xmlish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("<".to_string()),
            Just(">".to_string()),
            Just("</".to_string()),
            Just("/>".to_string()),
            Just("<Name>".to_string()),
            Just("</Name>".to_string()),
            Just("<Bucket>".to_string()),
            Just("</Bucket>".to_string()),
            Just("<Buckets>".to_string()),
            Just("<ListAllMyBucketsResult>".to_string()),
            Just("<CreationDate>".to_string()),
            Just("</CreationDate>".to_string()),
            Just("<![CDATA[".to_string()),
            Just("]]>".to_string()),
            Just("<!--".to_string()),
            Just("-->".to_string()),
            Just("&amp;".to_string()),
            Just("&#x".to_string()),
            Just(";".to_string()),
            Just("<Error><Code>".to_string()),
            Just("<Message>".to_string()),
            "\\PC{0,8}".prop_map(|s| s),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn jsonish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just(",".to_string()),
            Just(":".to_string()),
            Just("\"".to_string()),
            Just("\\u".to_string()),
            Just("\\ud83d".to_string()),
            Just("\"lifecycle_rules\"".to_string()),
            Just("\"object_notifications\"".to_string()),
            Just("\"expiration\"".to_string()),
            Just("\"auth\"".to_string()),
            Just("\"Message\"".to_string()),
            Just("-0.5e-3".to_string()),
            Just("null".to_string()),
            Just("true".to_string()),
            "\\PC{0,6}".prop_map(|s| s),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn xml_never_panics(s in xmlish(), name in "[A-Za-z]{1,6}") {
        let _ = xml::elements(&s, &name);
        let _ = xml::text(&s, "Name");
        let _ = xml::decode(&s);
        let _ = responses::s3_error(&s);
        let _ = responses::snapshot_page(&s);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,200}") {
        let _ = xml::elements(&s, "a");
        let _ = json::parse(&s);
        let _ = responses::rfc3339_ms(&s);
        let _ = responses::json_error("x", &s);
        let _ = responses::access_key(Some("application/json"), &s);
        let _ = responses::patch_outcome(Some("application/json"), &s);
        let _ = Endpoint::parse(&s);
    }

    #[test]
    fn json_never_panics_and_round_trips(s in jsonish()) {
        if let Ok(v) = json::parse(&s) {
            let again = json::parse(&v.to_json()).unwrap();
            prop_assert_eq!(again.to_json(), v.to_json());
            let _ = settings::ttl_body(&v, 3, "id");
            let cfg = NotificationConfig { url: "https://x".into(), filter: s.clone(), auth: None };
            let body = settings::notifications_body(&v, &cfg);
            prop_assert!(json::parse(&body).is_ok());
        }
    }

    #[test]
    fn dates_from_rfc3339_shape(y in 0u32..10000, mo in 0u32..14, d in 0u32..33, h in 0u32..25, mi in 0u32..61, se in 0u32..62, frac in "[0-9]{0,12}") {
        let f = if frac.is_empty() { String::new() } else { format!(".{frac}") };
        let _ = responses::rfc3339_ms(&format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{se:02}{f}Z"));
    }

    #[test]
    fn builders_never_panic(endpoint in "\\PC{0,30}", bucket in "\\PC{0,70}", name in "\\PC{0,30}", limit in proptest::option::of(any::<u32>())) {
        let candidates = [endpoint.clone(), format!("http://{endpoint}"), "http://127.0.0.1:9".to_string()];
        for e in candidates.iter().filter_map(|e| Endpoint::parse(e).ok()) {
            let opts = CreateBucketOptions { access: Some(Access::Public), enable_snapshot: true, fork_of: Some(ForkSource { bucket: name.clone(), snapshot: Some(bucket.clone()) }) };
            let _ = s3::create_bucket(&e, &bucket, &opts);
            let _ = s3::create_snapshot(&e, &bucket, Some(&name));
            let _ = s3::list_snapshots(&e, &bucket, limit, Some(&name));
            let _ = s3::remove_bucket(&e, &bucket);
            let body = iam::create_access_key_json(&name, &bucket, &name, Role::Editor);
            prop_assert!(json::parse(&body).is_ok());
            let _ = iam::create_access_key(&e, &name, &bucket, &bucket, Role::ReadOnly);
            let _ = iam::delete_access_key(&e, &bucket);
            let _ = settings::bucket_info(&e, &bucket);
        }
    }

    #[test]
    fn client_calls_never_panic(endpoint in "\\PC{0,30}", bucket in "\\PC{0,40}", status in 100u16..600, body in xmlish(), jbody in jsonish()) {
        let cfg = ConfigInput {
            access_key_id: Some("AK".into()),
            secret_access_key: Some("SK".into()),
            endpoint: Some(endpoint.clone()),
            iam_endpoint: Some(format!("http://{endpoint}")),
            ..ConfigInput::default()
        };
        let responses = vec![
            Ok(resp(status, "", &[("content-type", "application/xml")], &body)),
            Ok(resp(status, "", &[("content-type", "application/json")], &jbody)),
            Ok(resp(200, "", &[("content-type", "application/json")], &jbody)),
        ];
        let c = TigrisClient::new(cfg, &NoEnvironment, FakeRuntime::with(responses.clone()));
        let _ = block_on(c.create_bucket(&bucket, &CreateBucketOptions::default()));
        let _ = block_on(c.list_snapshots(&bucket, Some(1), Some(&bucket)));
        let c = TigrisClient::new(ConfigInput { endpoint: Some("http://127.0.0.1:1".into()), ..c_cfg() }, &NoEnvironment, FakeRuntime::with(responses));
        let _ = block_on(c.list_snapshots(&bucket, None, None));
        let _ = block_on(c.set_bucket_ttl(&bucket, std::num::NonZeroU32::new(5).unwrap()));
        let _ = block_on(c.create_access_key(&bucket, &bucket, Role::Editor));
    }
}

fn c_cfg() -> ConfigInput {
    ConfigInput {
        access_key_id: Some("AK".into()),
        secret_access_key: Some("SK".into()),
        ..ConfigInput::default()
    }
}
