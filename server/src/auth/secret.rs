//! Session ids, CSRF tokens and invitation tokens: 256 random bits from the
//! operating system, written as URL-safe base64, and the SHA-256 under which
//! a session id or an invitation token is stored.

use crate::store::{InvitationKey, NewInvitation, SessionKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// 256 random bits as text.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the store knows of a session id.
pub fn session_key(session_id: &str) -> SessionKey {
    SessionKey(Sha256::digest(session_id.as_bytes()).into())
}

/// What the store knows of an invitation token.
pub fn invitation_key(token: &str) -> InvitationKey {
    InvitationKey(Sha256::digest(token.as_bytes()).into())
}

/// A fresh invitation token, with its key.
pub fn new_invitation() -> NewInvitation {
    let token = random_token();
    NewInvitation {
        key: invitation_key(&token),
        token,
    }
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_never_repeat() {
        let first = random_token();
        let decoded = URL_SAFE_NO_PAD.decode(&first).unwrap();
        assert_eq!(decoded.len(), 32);
        assert_ne!(first, random_token());
    }

    #[test]
    fn a_session_is_stored_under_a_hash_not_its_id() {
        let id = random_token();
        let key = session_key(&id);
        assert_eq!(key, session_key(&id));
        assert!(!URL_SAFE_NO_PAD.encode(key.0).contains(&id));
    }

    #[test]
    fn secrets_match_only_when_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
