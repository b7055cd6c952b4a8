//! Who is calling: session token (docs/protocol.md §3.4) or strict SigV4 (header auth, or a presigned URL)
//! against the root or a minted key.

use super::{Api, ApiError, Op, Request};
use crate::clock;
use crate::keys::Principal;
use crate::sigv4;

impl Api {
    /// Checks the signature (or session token) for `op` and returns the caller.
    /// The signature is verified without holding the data lock.
    pub fn authenticate(&self, req: &Request, op: &Op) -> Result<Principal, ApiError> {
        self.authenticate_with(req, op, sigv4::Body::Read)
    }

    /// [`Api::authenticate`] from the request head alone, before a large body is read (see
    /// [`sigv4::Body::Pending`]); `req.body` is ignored.
    pub fn authenticate_head(&self, req: &Request, op: &Op) -> Result<Principal, ApiError> {
        self.authenticate_with(req, op, sigv4::Body::Pending)
    }

    fn authenticate_with(
        &self,
        req: &Request,
        op: &Op,
        body: sigv4::Body,
    ) -> Result<Principal, ApiError> {
        if let (Some(expected), Some(given)) = (
            &self.config.session_token,
            req.header("x-amz-security-token"),
        ) {
            if !expected.0.is_empty() && sigv4::ct_eq(given, &expected.0) {
                return Ok(Principal::Admin);
            }
            return Err(ApiError::new(
                403,
                "InvalidToken",
                "The provided token is malformed or otherwise invalid.",
            ));
        }
        let presigned = match req.header("authorization") {
            Some(_) => None,
            None => sigv4::parse_presigned(&req.query).transpose()?,
        };
        let auth = match (&presigned, req.header("authorization")) {
            (Some(p), _) => p.auth.clone(),
            (None, Some(header)) => sigv4::parse_authorization(header)?,
            (None, None) => return Err(sigv4::SigError::Missing.into()),
        };
        if auth.region != "auto" {
            return Err(ApiError::new(400, "AuthorizationHeaderMalformed", format!("The authorization header is malformed; the region '{}' is wrong; expecting 'auto'", auth.region)));
        }
        let services = op.services();
        if !services.contains(&auth.service.as_str()) {
            return Err(ApiError::new(400, "AuthorizationHeaderMalformed", format!("The authorization header is malformed; the service '{}' is wrong; expecting '{}'", auth.service, services.join("' or '"))));
        }
        let (secret, principal) = self.key(&auth.key_id)?;
        let parts = sigv4::RequestParts {
            method: &req.method,
            path: &req.path,
            query: &req.query,
            headers: &req.headers,
            body: &req.body,
        };
        let now = Some(clock::now_secs());
        match (&presigned, body) {
            (_, sigv4::Body::Pending) => {
                sigv4::verify_before_body(&parts, &auth, presigned.as_ref(), &secret, now)?
            }
            (Some(p), sigv4::Body::Read) => sigv4::verify_presigned(&parts, p, &secret, now)?,
            (None, sigv4::Body::Read) => sigv4::verify(&parts, &auth, &secret, now)?,
        }
        Ok(principal)
    }

    /// The secret and principal of the root key or a minted key.
    pub(super) fn key(&self, key_id: &str) -> Result<(String, Principal), ApiError> {
        if key_id == self.config.root_key_id {
            return Ok((self.config.root_secret.0.clone(), Principal::Admin));
        }
        let data = self.data();
        let key = data.keys.get(key_id).ok_or_else(|| {
            ApiError::new(
                403,
                "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.",
            )
        })?;
        Ok((
            key.secret.0.clone(),
            Principal::Scoped {
                id: key.id.clone(),
                roles: key.roles.clone(),
            },
        ))
    }
}
