//! The secret behind every issued token, CRM.COM's Web API tokens and Billing Care's access
//! tokens alike (`domain::token`; docs/architecture.md "Credentials": 256 random bits, stored
//! only as SHA-256). Each API writes it out in its own form: CRM.COM as upper-case hex,
//! Billing Care as base64url.

// The operating system's generator, as the password salts use it (`super::hash_password`):
// argon2's `password_hash` re-exports it, so no second random-number crate is needed.
use argon2::password_hash::rand_core::{OsRng, RngCore};

/// 256 bits from the operating system's generator.
pub fn token_secret() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_distinct() {
        assert_ne!(token_secret(), token_secret());
    }
}
