//! Password hashing with argon2id, run off the async threads.

use std::sync::LazyLock;
use std::sync::mpsc;

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use tokio::sync::oneshot;

/// A hash of a password no account has, verified when the login is unknown so that an unknown
/// login takes as long as a wrong password and does not reveal which logins exist.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Lx0hD0VfQPMbqfs9gKBDXqc2v1e5wQq9d8a1Nq6Q3iI";

type Job = Box<dyn FnOnce() + Send>;

/// Argon2 runs on its own small pool: one thread per core, fed by a queue. Each computation takes
/// 19 MiB and a core for tens of milliseconds. On tokio's blocking pool, 32 clients signing in at
/// once ran 32 at a time on 32 threads, and the allocator kept every thread's 19 MiB (625 MB
/// resident afterwards, docs/performance.md); a fixed pool bounds both CPU and memory.
static HASHERS: LazyLock<Option<mpsc::Sender<Job>>> = LazyLock::new(|| {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    for n in 0..threads {
        let receiver = std::sync::Arc::clone(&receiver);
        let spawned = std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || {
                loop {
                    let job = match receiver.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            });
        if spawned.is_err() {
            return None;
        }
    }
    Some(sender)
});

/// Runs `work` on the hashing pool and waits for its result without blocking the async threads.
async fn on_hasher<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let (done, result) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    HASHERS
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the password hashing threads could not start"))?
        .send(job)
        .map_err(|_| anyhow::anyhow!("the password hashing threads stopped"))?;
    Ok(result.await?)
}

thread_local! {
    /// Each hashing thread keeps its argon2 working memory and reuses it. Allocating 19 MiB per
    /// computation let the allocator keep a new chunk almost every time (about 10 MB more resident
    /// per sign-in, measured with `ps` on `printdesk serve`).
    static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs argon2 with this thread's reusable working memory.
fn compute(
    argon: &Argon2<'_>,
    block_count: usize,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < block_count {
            memory.resize(block_count, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut memory[..block_count])
    })
}

/// Hashes `password` with argon2id (the crate's default parameters: 19 MiB, 2 passes) into the
/// standard PHC string form, `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    on_hasher(move || {
        let params = Params::default();
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let salt: [u8; 16] = rand::random();
        let mut out = [0u8; 32];
        compute(
            &argon,
            params.block_count(),
            password.as_bytes(),
            &salt,
            &mut out,
        )
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))?;
        let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
        Ok(format!(
            "$argon2id$v=19$m={},t={},p={}${}${}",
            params.m_cost(),
            params.t_cost(),
            params.p_cost(),
            b64.encode(salt),
            b64.encode(out)
        ))
    })
    .await?
}

/// Whether `password` matches `hash`. `None` verifies against a decoy and returns false.
pub async fn verify_password(hash: Option<String>, password: String) -> anyhow::Result<bool> {
    on_hasher(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DECOY_HASH.to_owned());
        known && matches_phc(&hash, password.as_bytes()).unwrap_or(false)
    })
    .await
}

/// Verifies a PHC string; `None` when it cannot be read.
fn matches_phc(hash: &str, password: &[u8]) -> Option<bool> {
    let parsed = PasswordHash::new(hash).ok()?;
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = Version::try_from(parsed.version.unwrap_or(0x13)).ok()?;
    let params = Params::try_from(&parsed).ok()?;
    let mut salt = [0u8; 64];
    let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
    let expected = parsed.hash?;
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params.clone());
    compute(&argon, params.block_count(), password, salt, &mut out).ok()?;
    // `Output`'s equality is constant-time.
    Some(argon2::password_hash::Output::new(&out).ok()? == expected)
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
        // The stored form is standard PHC: the argon2 crate's own verifier accepts it.
        use argon2::password_hash::PasswordVerifier;
        let hash = hash_password("Abc12345".to_owned()).await.unwrap();
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"Abc12345", &parsed)
                .is_ok()
        );
        assert!(
            Argon2::default()
                .verify_password(b"Abc12346", &parsed)
                .is_err()
        );
    }
}
