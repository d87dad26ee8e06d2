//! HMAC-SHA256 signatures (payment callbacks, webhooks) and random ids.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, message: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut m =
        <HmacSha256 as Mac>::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!());
    m.update(message);
    m
}

/// Lowercase hex HMAC-SHA256 of `message` keyed with `secret`.
pub fn hmac_hex(secret: &str, message: &[u8]) -> String {
    hex::encode(mac(secret, message).finalize().into_bytes())
}

/// Constant-time check of a hex HMAC-SHA256 signature (case-insensitive hex).
pub fn verify_hex(secret: &str, message: &[u8], signature_hex: &str) -> bool {
    match hex::decode(signature_hex.trim()) {
        Ok(sig) if sig.len() == 32 => mac(secret, message).verify_slice(&sig).is_ok(),
        _ => false,
    }
}

/// Razorpay's payment signature: HMAC of `order_id|payment_id` with the key secret.
pub fn payment_signature(key_secret: &str, order_id: &str, payment_id: &str) -> String {
    hmac_hex(key_secret, format!("{order_id}|{payment_id}").as_bytes())
}

/// Checks a payment signature in constant time.
pub fn verify_payment_signature(
    key_secret: &str,
    order_id: &str,
    payment_id: &str,
    signature: &str,
) -> bool {
    verify_hex(
        key_secret,
        format!("{order_id}|{payment_id}").as_bytes(),
        signature,
    )
}

/// Hex SHA-256 (request fingerprints).
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` random characters of `[0-9A-Za-z]` from the OS generator.
pub fn random_alnum(n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut buf = [0u8; 32];
    while out.len() < n {
        if getrandom::fill(&mut buf).is_err() {
            // No OS randomness is a broken machine; ids must never repeat.
            panic!("the operating system's random generator is unavailable");
        }
        for b in buf {
            // 248 = 4 * 62: reject the tail to keep the distribution uniform.
            if b < 248 && out.len() < n {
                out.push(char::from(ALPHANUMERIC[usize::from(b % 62)]));
            }
        }
    }
    out
}

/// A Razorpay-style id: `prefix_` + 14 alphanumerics.
pub fn random_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_alnum(14))
}

/// True for `prefix_` + 14 alphanumerics (safe to put in a URL path).
pub fn is_id(value: &str, prefix: &str) -> bool {
    value
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .is_some_and(|r| r.len() == 14 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_roundtrip() {
        let sig = payment_signature("secret", "order_1", "pay_1");
        assert_eq!(sig.len(), 64);
        assert!(verify_payment_signature("secret", "order_1", "pay_1", &sig));
        assert!(verify_payment_signature(
            "secret",
            "order_1",
            "pay_1",
            &sig.to_uppercase()
        ));
        assert!(!verify_payment_signature(
            "secret", "order_1", "pay_2", &sig
        ));
        assert!(!verify_payment_signature("other", "order_1", "pay_1", &sig));
        assert!(!verify_payment_signature(
            "secret", "order_1", "pay_1", "zz"
        ));
    }

    #[test]
    fn known_hmac_vector() {
        // RFC 4231 test case 2.
        assert_eq!(
            hmac_hex("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn ids() {
        let id = random_id("pay");
        assert!(is_id(&id, "pay"), "{id}");
        assert!(!is_id("pay_short", "pay"));
        assert!(!is_id("pay_../../v1/xx", "pay"));
        assert_ne!(random_id("pay"), random_id("pay"));
    }
}
