//! The Tigris JSON transport: bucket metadata GET, settings PATCH and the fork-lifecycle calls on
//! the S3 endpoint host, IAM calls on the IAM endpoint; JSON error bodies and unprefixed messages
//! (docs/protocol.md §3.2, §5.6–5.8, §5.11–5.13, §6.2).

use super::errors::{classify, ErrorContext};
use super::{header, is_success, TigrisClient};
use crate::ops::{ErrorCode, OpError};
use crate::parse::json::Value;
use crate::parse::responses;
use crate::requests::{settings, Endpoint};
use crate::retry::Idempotency;
use crate::runtime::{HttpRequest, HttpResponse, Runtime};

/// Which host a JSON-transport call goes to.
#[derive(Clone, Copy)]
pub(super) enum JsonHost {
    /// The S3 endpoint (bucket metadata and settings).
    Storage,
    /// The IAM endpoint (access keys).
    Iam,
}

impl<R: Runtime> TigrisClient<R> {
    /// Runs one JSON-transport call up to its final answer: a 2xx response; no response at all or
    /// a non-2xx answer ([`json_failure`]) is an error.
    pub(super) async fn json_call(
        &self,
        errors: &mut ErrorContext,
        host: JsonHost,
        build: &(dyn Fn(&Endpoint) -> HttpRequest + Sync),
        idempotency: Idempotency<'_>,
    ) -> Result<HttpResponse, OpError> {
        let plan = self
            .config
            .http_auth()
            .map_err(|e| errors.unprefixed(ErrorCode::InvalidArgument, &e.0))?;
        let url = match host {
            JsonHost::Storage => self.config.endpoint.present(),
            JsonHost::Iam => self.config.iam_endpoint.present(),
        };
        let endpoint = Endpoint::parse(url.unwrap_or(""))
            .map_err(|e| errors.unprefixed(ErrorCode::InvalidArgument, &e.0))?;
        let request = build(&endpoint);
        match self.exchange(plan, request, errors, idempotency).await? {
            Ok(response) if is_success(response.status) => Ok(response),
            Ok(response) => Err(json_failure(errors, &response)),
            Err(e) => Err(errors.transport_error(&e, false)),
        }
    }

    /// `getBucketInfo` as JSON (`{}` for a non-JSON 2xx).
    pub(super) async fn bucket_info(
        &self,
        errors: &mut ErrorContext,
        bucket: &str,
    ) -> Result<Value, OpError> {
        let response = self
            .json_call(
                errors,
                JsonHost::Storage,
                &|e| settings::bucket_info(e, bucket),
                Idempotency::Idempotent,
            )
            .await?;
        if !responses::is_json(header(&response, "content-type")) {
            return Ok(Value::Object(Vec::new()));
        }
        responses::json_body(&String::from_utf8_lossy(&response.body)).map_err(|_| {
            errors.unprefixed(
                ErrorCode::ServerError,
                "Invalid JSON in bucket info response",
            )
        })
    }

    /// A merge or rebase `PUT`: the `X-Tigris-Snapshot-Version` of its 2xx answer (`""` when
    /// absent, as the SDK reads it). Sent again after a failed attempt, like every call, so a lost
    /// attempt may have taken a snapshot already (docs/protocol.md §6.4).
    pub(super) async fn snapshot_put(
        &self,
        build: &(dyn Fn(&Endpoint) -> HttpRequest + Sync),
    ) -> Result<String, OpError> {
        let mut errors = self.errors("");
        let response = self
            .json_call(
                &mut errors,
                JsonHost::Storage,
                build,
                Idempotency::NotIdempotent,
            )
            .await?;
        Ok(header(&response, "x-tigris-snapshot-version")
            .unwrap_or("")
            .to_owned())
    }

    /// The settings PATCH with `body` (the whole section it sets, so repeating it is harmless).
    pub(super) async fn patch_settings(
        &self,
        errors: &mut ErrorContext,
        bucket: &str,
        body: String,
    ) -> Result<(), OpError> {
        let response = self
            .json_call(
                errors,
                JsonHost::Storage,
                &|e| settings::patch(e, bucket, &body),
                Idempotency::Idempotent,
            )
            .await?;
        let text = String::from_utf8_lossy(&response.body);
        responses::patch_outcome(header(&response, "content-type"), &text)
            .map_err(|m| errors.unprefixed(classify(response.status, None, &m), &m))
    }
}

/// The error of a non-2xx JSON answer: its `Message` (or status text), coded from its status
/// and `Code`.
pub(super) fn json_failure(errors: &ErrorContext, response: &HttpResponse) -> OpError {
    let body = String::from_utf8_lossy(&response.body);
    let (code, message) = responses::json_error(&response.status_text, &body);
    let error = errors.unprefixed(
        classify(response.status, code.as_deref(), &message),
        &message,
    );
    ErrorContext::answered(error, response.status, code)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::client::test_runtime::{answer, block_on, ScriptedRuntime};
    use crate::config::{ConfigInput, NoEnvironment};

    fn client(
        script: Vec<Result<HttpResponse, crate::runtime::TransportError>>,
    ) -> TigrisClient<ScriptedRuntime> {
        let config = ConfigInput {
            access_key_id: Some("tid".into()),
            secret_access_key: Some("tsec_json_secret".into()),
            endpoint: Some("http://127.0.0.1:9".into()),
            ..ConfigInput::default()
        };
        TigrisClient::new(config, &NoEnvironment, ScriptedRuntime::new(script))
    }

    #[test]
    fn json_refusals_are_unprefixed_and_coded() {
        let c = client(vec![Ok(answer(
            403,
            &[("content-type", "application/json")],
            r#"{"Code":"AccessDenied","Message":"denied for tsec_json_secret"}"#,
        ))]);
        let mut errors = c.errors("");
        let e = block_on(c.bucket_info(&mut errors, "b-1")).err().unwrap();
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::AccessDenied, "denied for ******")
        );
    }

    #[test]
    fn metadata_bodies() {
        let c = client(vec![
            Ok(answer(200, &[("content-type", "text/html")], "<html>")),
            Ok(answer(
                200,
                &[("content-type", "application/json")],
                "{\"a\":",
            )),
        ]);
        let mut errors = c.errors("");
        assert_eq!(
            block_on(c.bucket_info(&mut errors, "b-1")).unwrap(),
            Value::Object(Vec::new())
        );
        let e = block_on(c.bucket_info(&mut errors, "b-1")).err().unwrap();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::ServerError,
                "Invalid JSON in bucket info response"
            )
        );
    }

    #[test]
    fn an_error_status_in_a_2xx_patch_answer() {
        let c = client(vec![Ok(answer(
            200,
            &[("content-type", "application/json")],
            r#"{"status":"error","message":"nope"}"#,
        ))]);
        let mut errors = c.errors("");
        let e = block_on(c.patch_settings(&mut errors, "b-1", "{}".into()))
            .err()
            .unwrap();
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::ServerError, "nope")
        );
    }
}
