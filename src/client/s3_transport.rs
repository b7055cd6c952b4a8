//! The S3 transport: bucket create/fork/snapshot/list/remove on the S3 endpoint, XML error
//! bodies, and messages prefixed as the SDK's S3 wrappers prefix them (docs/protocol.md §3.1,
//! §4, §6.1).

use super::errors::{classify, ErrorContext};
use super::TigrisClient;
use crate::config::{AuthPlan, ConfigError};
use crate::ops::{ErrorCode, OpError};
use crate::parse::responses;
use crate::requests::{BuildError, Endpoint};
use crate::retry::Idempotency;
use crate::runtime::{HttpRequest, HttpResponse, Runtime};

impl<R: Runtime> TigrisClient<R> {
    /// Runs one S3-transport call up to its final answer (no response at all is an error);
    /// returns the answer with the call's error context for reading it.
    pub(super) async fn s3_call(
        &self,
        prefix: &'static str,
        build: &(dyn Fn(&Endpoint) -> Result<HttpRequest, BuildError> + Sync),
        idempotency: Idempotency<'_>,
    ) -> Result<(HttpResponse, ErrorContext), OpError> {
        let mut errors = self.errors(prefix);
        let (plan, endpoint) = self.s3_target(&errors)?;
        let request = build(&endpoint).map_err(|e| errors.build_error(e))?;
        match self
            .exchange(plan, request, &mut errors, idempotency)
            .await?
        {
            Ok(response) => Ok((response, errors)),
            Err(e) => Err(errors.transport_error(&e, true)),
        }
    }

    /// The S3 auth plan and the parsed S3 endpoint of this call's config, or why the config
    /// cannot be used (no request is sent).
    pub(super) fn s3_target(&self, errors: &ErrorContext) -> Result<(AuthPlan, Endpoint), OpError> {
        let config_error = |e: ConfigError| errors.unprefixed(ErrorCode::InvalidArgument, &e.0);
        let plan = self.config.s3_auth().map_err(config_error)?;
        let url = self.config.s3_endpoint().map_err(config_error)?;
        let endpoint = Endpoint::parse(url).map_err(|e| errors.build_error(e))?;
        Ok((plan, endpoint))
    }
}

/// The error of a non-2xx S3 answer: its `<Message>` under the call's prefix, coded from its
/// status and `<Code>`.
pub(super) fn s3_failure(errors: &ErrorContext, response: &HttpResponse) -> OpError {
    let body = String::from_utf8_lossy(&response.body);
    let (code, message) = responses::s3_error(&body);
    let error = errors.error(
        classify(response.status, code.as_deref(), &message),
        &message,
    );
    ErrorContext::answered(error, response.status, code)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::client::test_runtime::{answer, block_on, ScriptedRuntime};
    use crate::config::{ConfigInput, NoEnvironment};
    use crate::requests::s3;
    use crate::retry::RetryPolicy;
    use crate::runtime::TransportError;

    fn client(script: Vec<Result<HttpResponse, TransportError>>) -> TigrisClient<ScriptedRuntime> {
        let config = ConfigInput {
            access_key_id: Some("tid".into()),
            secret_access_key: Some("tsec_s3_secret".into()),
            endpoint: Some("http://127.0.0.1:9".into()),
            ..ConfigInput::default()
        };
        TigrisClient::new(config, &NoEnvironment, ScriptedRuntime::new(script)).with_retry_policy(
            RetryPolicy {
                max_attempts: 2,
                ..RetryPolicy::default()
            },
        )
    }

    fn remove(c: &TigrisClient<ScriptedRuntime>) -> Result<(HttpResponse, ErrorContext), OpError> {
        block_on(c.s3_call(
            "Unable to remove bucket ",
            &|e| s3::remove_bucket(e, "b-1"),
            Idempotency::Delete,
        ))
    }

    #[test]
    fn xml_refusals_are_prefixed_and_coded() {
        let c = client(vec![Ok(answer(
            409,
            &[],
            "<Error><Code>BucketNotEmpty</Code><Message>not empty</Message></Error>",
        ))]);
        let (response, errors) = remove(&c).unwrap();
        let e = s3_failure(&errors, &response);
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::Conflict, "Unable to remove bucket not empty")
        );
        let sent = c.runtime().sent.borrow();
        assert!(sent[0].headers.iter().any(|(k, _)| k == "authorization"));
    }

    #[test]
    fn no_response_after_the_retries_is_a_network_error() {
        let c = client(vec![
            Err(TransportError::Network("reset tsec_s3_secret".into())),
            Err(TransportError::Network("reset tsec_s3_secret".into())),
        ]);
        let e = remove(&c).err().unwrap();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::NetworkError,
                "Unable to remove bucket reset ******"
            )
        );
        assert_eq!(c.runtime().sent.borrow().len(), 2);
    }

    #[test]
    fn a_404_after_a_lost_delete_is_done() {
        let c = client(vec![
            Err(TransportError::Timeout),
            Ok(answer(404, &[], "<Error><Code>NoSuchBucket</Code></Error>")),
        ]);
        let (response, _) = remove(&c).unwrap();
        assert_eq!(response.status, 200);
    }

    #[test]
    fn an_incomplete_config_sends_nothing() {
        let c = TigrisClient::new(
            ConfigInput::default(),
            &NoEnvironment,
            ScriptedRuntime::new(vec![]),
        );
        let e = remove(&c).err().unwrap();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        assert!(e
            .message
            .starts_with("Tigris Config incomplete: accessKeyId"));
        assert!(c.runtime().sent.borrow().is_empty());
    }
}
