//! Ed25519 signing keys: the first configured key signs, every configured key verifies (so keys
//! can rotate), and the public halves are published as a JWKS. Verification accepts EdDSA only,
//! with a known `kid`, the configured issuer and our audience.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Context;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::SigningKey;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::claims::{Claims, AUDIENCE};

/// Clock skew tolerated on `exp`, `nbf` and `iat` (the spec allows at most 30 s).
pub const LEEWAY_SECS: u64 = 30;

pub struct KeySet {
    issuer: String,
    signing_kid: String,
    signing: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
    jwks: Jwks,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: String,
    pub kid: String,
    pub alg: &'static str,
    #[serde(rename = "use")]
    pub key_use: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token or header")]
    Malformed,
    #[error("unknown key id")]
    UnknownKey,
    #[error("rejected: {0}")]
    Rejected(#[from] jsonwebtoken::errors::Error),
}

impl KeySet {
    /// Builds the set from PKCS#8 PEM private keys, or generates a throw-away development key.
    pub fn from_pems(issuer: &str, pems: &[String]) -> anyhow::Result<KeySet> {
        let keys: Vec<SigningKey> = if pems.is_empty() {
            tracing::warn!(
                "NO JWT SIGNING KEY CONFIGURED: generated a development key; tokens will not \
                 survive a restart. Set DOANKET_JWT_KEY_FILES in any real deployment."
            );
            vec![SigningKey::generate(&mut rand::rngs::OsRng)]
        } else {
            pems.iter()
                .map(|pem| {
                    SigningKey::from_pkcs8_pem(pem).context("JWT key is not a PKCS#8 Ed25519 PEM")
                })
                .collect::<anyhow::Result<_>>()?
        };
        let mut verifying = HashMap::new();
        let mut jwks = Vec::new();
        let mut signing = None;
        for (i, key) in keys.iter().enumerate() {
            let public = key.verifying_key().to_bytes();
            let kid = hex::encode(&Sha256::digest(public)[..8]);
            let x = URL_SAFE_NO_PAD.encode(public);
            verifying.insert(kid.clone(), DecodingKey::from_ed_components(&x)?);
            jwks.push(Jwk {
                kty: "OKP",
                crv: "Ed25519",
                x,
                kid: kid.clone(),
                alg: "EdDSA",
                key_use: "sig",
            });
            if i == 0 {
                let der = key.to_pkcs8_der().context("encoding signing key")?;
                signing = Some((kid, EncodingKey::from_ed_der(der.as_bytes())));
            }
        }
        let (signing_kid, signing) = signing.context("no signing key")?;
        Ok(KeySet {
            issuer: issuer.to_owned(),
            signing_kid,
            signing,
            verifying,
            jwks: Jwks { keys: jwks },
        })
    }

    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.signing_kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.signing)?)
    }

    /// Verifies signature, algorithm, key id, issuer, audience and time claims.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        if header.alg != Algorithm::EdDSA {
            return Err(TokenError::Malformed);
        }
        let kid = header.kid.ok_or(TokenError::UnknownKey)?;
        let key = self.verifying.get(&kid).ok_or(TokenError::UnknownKey)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        let data = jsonwebtoken::decode::<Claims>(token, key, &validation)?;
        let now = chrono::Utc::now().timestamp();
        // jsonwebtoken does not look at iat: a token "issued" in the future is forged or skewed.
        if data.claims.iat > now + LEEWAY_SECS as i64 {
            return Err(TokenError::Malformed);
        }
        Ok(data.claims)
    }
}

/// Lifetime helper for tokens issued now.
pub fn window(ttl: Duration) -> (i64, i64) {
    let now = chrono::Utc::now().timestamp();
    (now, now + ttl.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn claims(keys: &KeySet, exp_offset: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            iss: keys.issuer().to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: Uuid::now_v7(),
            iat: now,
            nbf: now,
            exp: now + exp_offset,
            jti: Uuid::now_v7(),
            roles: vec![],
        }
    }

    #[test]
    fn signs_and_verifies_its_own_tokens() {
        let keys = KeySet::from_pems("doanket", &[]).unwrap();
        let c = claims(&keys, 900);
        assert_eq!(keys.verify(&keys.sign(&c).unwrap()).unwrap(), c);
        assert_eq!(keys.jwks().keys.len(), 1);
    }

    #[test]
    fn rejects_tokens_of_another_key_and_expired_ones() {
        let ours = KeySet::from_pems("doanket", &[]).unwrap();
        let theirs = KeySet::from_pems("doanket", &[]).unwrap();
        assert!(ours
            .verify(&theirs.sign(&claims(&theirs, 900)).unwrap())
            .is_err());
        assert!(ours
            .verify(&ours.sign(&claims(&ours, -120)).unwrap())
            .is_err());
    }
}
