//! The auth plan of one call made concrete: the keys it signs with (configured, or from the
//! `credentialProvider` at call time) and the headers it adds (namespace, session-token mode),
//! plus the signing of each attempt (docs/protocol.md §3.3–3.4).

use super::errors::ErrorContext;
use crate::config::AuthPlan;
use crate::ops::{ErrorCode, OpError};
use crate::runtime::{HttpRequest, Runtime};
use crate::secret::KeyPair;
use crate::signing::{presign_url, sign_request};
use crate::sigv4::PresignRequest;

/// Why a call has no keys to sign with: no credentials and no provider result.
const NO_CREDENTIALS: &str = "Session token or credentials are required";

/// How every attempt of one call is authenticated.
pub(super) struct RequestAuth {
    /// The keys each attempt is signed with; `None` in the Tigris session-token mode.
    keys: Option<KeyPair>,
    /// Headers added to the request before signing.
    extra_headers: Vec<(String, String)>,
}

fn namespace_header(namespace: Option<String>) -> Vec<(String, String)> {
    namespace
        .map(|n| vec![("X-Tigris-Namespace".to_owned(), n)])
        .unwrap_or_default()
}

impl RequestAuth {
    /// Turns `plan` into keys and headers, calling the credential provider when the plan says
    /// so. Every secret it uses is hidden from `errors`' messages.
    pub async fn resolve<R: Runtime>(
        plan: AuthPlan,
        runtime: &R,
        errors: &mut ErrorContext,
    ) -> Result<RequestAuth, OpError> {
        let (keys, extra_headers) = match plan {
            AuthPlan::Sign { keys, namespace } => (Some(keys), namespace_header(namespace)),
            AuthPlan::Token { token, namespace } => {
                errors.hide(&token);
                let headers = vec![
                    ("x-amz-security-token".to_owned(), token.expose().to_owned()),
                    ("X-Tigris-Namespace".to_owned(), namespace),
                ];
                (None, headers)
            }
            AuthPlan::Provider { namespace } => match runtime.provide_credentials().await {
                Some(Ok(mut keys)) => {
                    keys.session_token = keys.session_token.filter(|t| !t.is_empty());
                    (Some(keys), namespace_header(namespace))
                }
                Some(Err(message)) => {
                    return Err(errors.error(ErrorCode::AccessDenied, &message));
                }
                None => return Err(errors.unprefixed(ErrorCode::InvalidArgument, NO_CREDENTIALS)),
            },
        };
        if let Some(keys) = &keys {
            errors.hide(&keys.secret_access_key);
            if let Some(token) = &keys.session_token {
                errors.hide(token);
            }
        }
        Ok(RequestAuth {
            keys,
            extra_headers,
        })
    }

    /// `request` with this call's headers, signed at `now_ms` when the call signs. A request
    /// the signer refuses is an error: it is never sent unsigned.
    pub fn apply(
        &self,
        request: &HttpRequest,
        now_ms: f64,
        errors: &ErrorContext,
    ) -> Result<HttpRequest, OpError> {
        let mut r = request.clone();
        r.headers.extend(self.extra_headers.iter().cloned());
        if let Some(keys) = &self.keys {
            sign_request(&mut r, keys, now_ms)
                .map_err(|e| errors.error(ErrorCode::InvalidArgument, e.message()))?;
        }
        Ok(r)
    }

    /// `request` presigned at `now_ms` with this call's keys (see
    /// [`presign_url`]); a call without keys (the session-token mode) cannot presign.
    pub fn presign(
        &self,
        request: &PresignRequest<'_>,
        now_ms: f64,
        errors: &ErrorContext,
    ) -> Result<(String, f64), OpError> {
        let keys = self
            .keys
            .as_ref()
            .ok_or_else(|| errors.unprefixed(ErrorCode::InvalidArgument, NO_CREDENTIALS))?;
        presign_url(request, keys, now_ms)
            .map_err(|e| errors.error(ErrorCode::InvalidArgument, e.message()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::client::test_runtime::{block_on, ScriptedRuntime};
    use crate::secret::Secret;

    fn request(url: &str) -> HttpRequest {
        HttpRequest {
            method: "GET",
            url: url.into(),
            headers: vec![],
            body: vec![],
        }
    }

    fn names(r: &HttpRequest) -> Vec<&str> {
        r.headers.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn sign_plan_signs_with_the_namespace_header() {
        let runtime = ScriptedRuntime::new(vec![]);
        let mut errors = ErrorContext::new("");
        let plan = AuthPlan::Sign {
            keys: KeyPair::new("tid", "tsec_secret", None),
            namespace: Some("org".into()),
        };
        let auth = block_on(RequestAuth::resolve(plan, &runtime, &mut errors)).unwrap();
        let signed = auth.apply(&request("http://h/"), 0.0, &errors).unwrap();
        assert_eq!(
            names(&signed),
            [
                "X-Tigris-Namespace",
                "x-amz-date",
                "x-amz-content-sha256",
                "authorization"
            ]
        );
        assert_eq!(errors.scrub("tsec_secret"), "******");
    }

    #[test]
    fn token_plan_sends_the_token_unsigned_and_hides_it() {
        let runtime = ScriptedRuntime::new(vec![]);
        let mut errors = ErrorContext::new("");
        let plan = AuthPlan::Token {
            token: Secret::new("tok_secret"),
            namespace: "org".into(),
        };
        let auth = block_on(RequestAuth::resolve(plan, &runtime, &mut errors)).unwrap();
        let sent = auth.apply(&request("http://h/"), 0.0, &errors).unwrap();
        assert_eq!(names(&sent), ["x-amz-security-token", "X-Tigris-Namespace"]);
        assert_eq!(errors.scrub("a tok_secret"), "a ******");
    }

    #[test]
    fn provider_failures_and_absence() {
        let mut runtime = ScriptedRuntime::new(vec![]);
        runtime.provider = Some(Err("credentialProvider failed: nope".into()));
        let mut errors = ErrorContext::new("P ");
        let plan = || AuthPlan::Provider { namespace: None };
        let e = block_on(RequestAuth::resolve(plan(), &runtime, &mut errors))
            .err()
            .unwrap();
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::AccessDenied, "P credentialProvider failed: nope")
        );
        runtime.provider = None;
        let e = block_on(RequestAuth::resolve(plan(), &runtime, &mut errors))
            .err()
            .unwrap();
        assert_eq!(e.code, ErrorCode::InvalidArgument);
        runtime.provider = Some(Ok(KeyPair::new(
            "tid",
            "tsec_provided",
            Some(Secret::new("")),
        )));
        let auth = block_on(RequestAuth::resolve(plan(), &runtime, &mut errors)).unwrap();
        let signed = auth.apply(&request("http://h/"), 0.0, &errors).unwrap();
        assert!(
            !names(&signed).contains(&"x-amz-security-token"),
            "empty token dropped"
        );
        assert_eq!(errors.scrub("tsec_provided"), "******");
    }

    #[test]
    fn a_request_the_signer_refuses_is_an_error() {
        let runtime = ScriptedRuntime::new(vec![]);
        let mut errors = ErrorContext::new("Unable to remove bucket ");
        let plan = AuthPlan::Sign {
            keys: KeyPair::new("tid", "tsec", None),
            namespace: None,
        };
        let auth = block_on(RequestAuth::resolve(plan, &runtime, &mut errors)).unwrap();
        let e = auth
            .apply(&request("/no-host"), 0.0, &errors)
            .err()
            .unwrap();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::InvalidArgument,
                "Unable to remove bucket Invalid URL"
            )
        );
    }
}
