//! Password hashing with argon2id, run off the async threads.

use argon2::Argon2;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// At most one argon2 computation per core at a time. Each takes 19 MiB and ~all of a core for
/// tens of milliseconds; 32 clients signing in at once would otherwise take 600 MB and starve
/// page loads.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
});
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// A hash of a password no account has, verified when the login is unknown so that an unknown
/// login takes as long as a wrong password and does not reveal which logins exist.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Lx0hD0VfQPMbqfs9gKBDXqc2v1e5wQq9d8a1Nq6Q3iI";

/// Hashes `password` with argon2id (the crate's default parameters: 19 MiB, 2 passes).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    let _permit = HASHING.acquire().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .map_err(|e| anyhow::anyhow!("encoding salt: {e}"))?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| anyhow::anyhow!("hashing password: {e}"))?;
        Ok(hash.to_string())
    })
    .await?
}

/// Whether `password` matches `hash`. `None` verifies against a decoy and returns false.
pub async fn verify_password(hash: Option<String>, password: String) -> anyhow::Result<bool> {
    let _permit = HASHING.acquire().await?;
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DECOY_HASH.to_owned());
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return Ok(false);
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let first = hash_password("门店2026!".to_owned()).await.unwrap();
        let second = hash_password("门店2026!".to_owned()).await.unwrap();
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second, "each hash has its own salt");
        assert!(
            verify_password(Some(first.clone()), "门店2026!".to_owned())
                .await
                .unwrap()
        );
        assert!(
            !verify_password(Some(first), "门店2026".to_owned())
                .await
                .unwrap()
        );
        assert!(!verify_password(None, "anything".to_owned()).await.unwrap());
    }
}
