//! The file store: where the bytes of uploaded files live, a folder under the data directory
//! (the default) or an S3-compatible bucket (MinIO, 阿里云 OSS, 腾讯云 COS, AWS) when
//! `PRINTDESK_S3_BUCKET` is set (DESIGN.md "Shape": one storage interface for every server).
//!
//! Keys are random (`<kind>/<account set>/<token>.<ext>`, e.g. `order-files/7/…pdf`), never the
//! customer's file name, so a name cannot climb out of the folder or collide. A database row
//! holds the key; this module knows nothing of the documents that own files. It lives in the
//! kernel so that mechanisms such as the recycle bin can remove a document's files without
//! knowing its chapter. The S3 client is `object_store`'s, not ours.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use anyhow::Context;
use axum::body::Bytes;
use futures_util::{Stream, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, WriteMultipart};
use tokio::io::AsyncReadExt;
use tokio_util::io::ReaderStream;

use crate::kernel::web::Config;

/// What [`Storage`] methods return.
pub type StorageFuture<'a, T> = Pin<Box<dyn Future<Output = anyhow::Result<T>> + Send + 'a>>;

/// A file's bytes in chunks, as [`Storage::get`] reads them.
pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// A place to keep file bytes by key. Two real implementations: [`LocalFolder`] and [`S3`].
pub trait Storage: Send + Sync {
    /// Keeps the file at `local` (a received upload, `kernel::spool`) under `key`, whole or not
    /// at all. The file at `local` may be gone afterwards (moved into place).
    fn put_file<'a>(&'a self, key: &'a str, local: &'a Path) -> StorageFuture<'a, ()>;
    /// The bytes under `key`, as a stream read as it is sent (a file may be 1 GiB).
    fn get<'a>(&'a self, key: &'a str) -> StorageFuture<'a, ByteStream>;
    /// Deleting a key that is not there is not an error.
    fn delete<'a>(&'a self, key: &'a str) -> StorageFuture<'a, ()>;
}

/// The store for this process: the bucket when `PRINTDESK_S3_BUCKET` is set, else
/// `<data_dir>/files/`.
pub fn for_config(config: &Config) -> anyhow::Result<Arc<dyn Storage>> {
    static S3_STORE: OnceLock<Result<Arc<S3>, String>> = OnceLock::new();
    match S3Settings::from_env() {
        Some(settings) => {
            let store = S3_STORE.get_or_init(|| {
                S3::new(&settings)
                    .map(Arc::new)
                    .map_err(|err| format!("{err:#}"))
            });
            match store {
                Ok(store) => Ok(Arc::clone(store) as Arc<dyn Storage>),
                Err(err) => Err(anyhow::anyhow!("S3 file store: {err}")),
            }
        }
        None => Ok(Arc::new(LocalFolder::new(config.data_dir.join("files")))),
    }
}

/// Removes the bytes of files whose rows are gone for good: call it only after the transaction
/// that deleted the rows has committed (`kernel::recycle_bin::Purged`). A file the store cannot
/// remove is logged and left behind as an orphan; the purge it belongs to has happened.
pub async fn remove_purged(config: &Config, keys: &[String]) {
    if keys.is_empty() {
        return;
    }
    let store = match for_config(config) {
        Ok(store) => store,
        Err(err) => {
            tracing::warn!(
                error = format!("{err:#}"),
                files = keys.len(),
                "stored files of a purged document left behind"
            );
            return;
        }
    };
    for key in keys {
        if let Err(err) = store.delete(key).await {
            tracing::warn!(
                error = format!("{err:#}"),
                "stored file of a purged document left behind"
            );
        }
    }
}

/// A fresh random key for a file of `extension` in an account set, under `prefix` (the kind of
/// file, e.g. `order-files`).
pub fn new_key(prefix: &str, account_set_id: i64, extension: &str) -> String {
    format!(
        "{prefix}/{account_set_id}/{}.{extension}",
        crate::kernel::auth::random_token()
    )
}

/// Keys are ours, but a row edited by hand must still not reach outside the folder.
fn checked(key: &str) -> anyhow::Result<&str> {
    let fine = !key.is_empty()
        && !key.starts_with('/')
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_'));
    if fine {
        Ok(key)
    } else {
        anyhow::bail!("not a storage key: {key:?}")
    }
}

/// Files in a folder on this machine, one file per key.
pub struct LocalFolder {
    root: PathBuf,
}

impl LocalFolder {
    pub fn new(root: PathBuf) -> LocalFolder {
        LocalFolder { root }
    }
}

impl Storage for LocalFolder {
    fn put_file<'a>(&'a self, key: &'a str, local: &'a Path) -> StorageFuture<'a, ()> {
        Box::pin(async move {
            let path = self.root.join(checked(key)?);
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent)
                    .await
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            // Uploads arrive in `<data dir>/incoming`, beside this folder: a rename on the same
            // disk, atomic, nothing copied.
            if tokio::fs::rename(local, &path).await.is_ok() {
                return Ok(());
            }
            // Another disk (files/ mounted elsewhere): copied aside, synced and renamed, so a
            // crash never leaves half a file under the key.
            let partial = path.with_extension("partial");
            tokio::fs::copy(local, &partial)
                .await
                .with_context(|| format!("copying to {}", partial.display()))?;
            tokio::fs::File::open(&partial)
                .await
                .with_context(|| format!("opening {}", partial.display()))?
                .sync_all()
                .await
                .with_context(|| format!("syncing {}", partial.display()))?;
            tokio::fs::rename(&partial, &path)
                .await
                .with_context(|| format!("renaming to {}", path.display()))
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StorageFuture<'a, ByteStream> {
        Box::pin(async move {
            let path = self.root.join(checked(key)?);
            let file = tokio::fs::File::open(&path)
                .await
                .with_context(|| format!("reading {}", path.display()))?;
            Ok(Box::pin(ReaderStream::with_capacity(file, 256 * 1024)) as ByteStream)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StorageFuture<'a, ()> {
        Box::pin(async move {
            let path = self.root.join(checked(key)?);
            match tokio::fs::remove_file(&path).await {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Err(err).with_context(|| format!("deleting {}", path.display()))
                }
                _ => Ok(()),
            }
        })
    }
}

/// The bucket settings, read from the environment in this one place (README, Settings).
pub struct S3Settings {
    pub bucket: String,
    /// `https://minio.example.com:9000`; empty: AWS itself.
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Settings {
    /// Redacts the secret key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[redacted]")
            .finish()
    }
}

impl S3Settings {
    /// `None` unless `PRINTDESK_S3_BUCKET` is set and not empty.
    pub fn from_env() -> Option<S3Settings> {
        let var = |name: &str| std::env::var(name).unwrap_or_default().trim().to_owned();
        let bucket = var("PRINTDESK_S3_BUCKET");
        if bucket.is_empty() {
            return None;
        }
        Some(S3Settings {
            bucket,
            endpoint: var("PRINTDESK_S3_ENDPOINT"),
            region: var("PRINTDESK_S3_REGION"),
            access_key_id: var("PRINTDESK_S3_ACCESS_KEY_ID"),
            secret_access_key: var("PRINTDESK_S3_SECRET_ACCESS_KEY"),
        })
    }
}

/// Files up to this size go to the bucket in one request; larger ones in parts.
const S3_SINGLE_PUT_BYTES: u64 = 8 * 1024 * 1024;

/// An S3-compatible bucket through `object_store`.
pub struct S3 {
    store: AmazonS3,
}

impl S3 {
    pub fn new(settings: &S3Settings) -> anyhow::Result<S3> {
        let mut builder = AmazonS3Builder::new().with_bucket_name(&settings.bucket);
        if !settings.region.is_empty() {
            builder = builder.with_region(&settings.region);
        }
        if !settings.endpoint.is_empty() {
            // Self-hosted stores (MinIO) answer on a path, not a virtual host, often over plain
            // HTTP inside the shop's network.
            builder = builder
                .with_endpoint(&settings.endpoint)
                .with_virtual_hosted_style_request(false)
                .with_allow_http(settings.endpoint.starts_with("http://"));
        }
        if !settings.access_key_id.is_empty() {
            builder = builder
                .with_access_key_id(&settings.access_key_id)
                .with_secret_access_key(&settings.secret_access_key);
        }
        let store = builder.build().context("configuring the S3 file store")?;
        Ok(S3 { store })
    }
}

impl Storage for S3 {
    fn put_file<'a>(&'a self, key: &'a str, local: &'a Path) -> StorageFuture<'a, ()> {
        Box::pin(async move {
            let path = ObjectPath::from(checked(key)?);
            let len = tokio::fs::metadata(local)
                .await
                .with_context(|| format!("reading {}", local.display()))?
                .len();
            if len <= S3_SINGLE_PUT_BYTES {
                let bytes = tokio::fs::read(local)
                    .await
                    .with_context(|| format!("reading {}", local.display()))?;
                self.store
                    .put(&path, bytes.into())
                    .await
                    .with_context(|| format!("putting {key} in the bucket"))?;
                return Ok(());
            }
            // Larger files go up in 5 MiB parts, at most four in flight, so memory stays
            // bounded whatever the file's size; the object appears only when all parts are in.
            let upload = self
                .store
                .put_multipart(&path)
                .await
                .with_context(|| format!("starting the upload of {key} to the bucket"))?;
            let mut writer = WriteMultipart::new(upload);
            let sent: anyhow::Result<()> = async {
                let mut file = tokio::fs::File::open(local)
                    .await
                    .with_context(|| format!("opening {}", local.display()))?;
                let mut buffer = vec![0; 1024 * 1024];
                loop {
                    let n = file
                        .read(&mut buffer)
                        .await
                        .with_context(|| format!("reading {}", local.display()))?;
                    if n == 0 {
                        return Ok(());
                    }
                    writer
                        .wait_for_capacity(4)
                        .await
                        .with_context(|| format!("uploading {key} to the bucket"))?;
                    writer.write(&buffer[..n]);
                }
            }
            .await;
            match sent {
                Ok(()) => {
                    writer
                        .finish()
                        .await
                        .with_context(|| format!("finishing the upload of {key}"))?;
                    Ok(())
                }
                Err(err) => {
                    // An unfinished multipart upload keeps its parts (and their cost) in the bucket.
                    if let Err(abort) = writer.abort().await {
                        tracing::warn!(error = %abort, "could not abort an S3 multipart upload");
                    }
                    Err(err)
                }
            }
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StorageFuture<'a, ByteStream> {
        Box::pin(async move {
            let path = ObjectPath::from(checked(key)?);
            let got = self
                .store
                .get(&path)
                .await
                .with_context(|| format!("getting {key} from the bucket"))?;
            Ok(Box::pin(got.into_stream().map_err(std::io::Error::other)) as ByteStream)
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StorageFuture<'a, ()> {
        Box::pin(async move {
            let path = ObjectPath::from(checked(key)?);
            match self.store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(err) => Err(err).with_context(|| format!("deleting {key} from the bucket")),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_folder_keeps_bytes_by_key() {
        let root = std::env::temp_dir().join(format!(
            "printdesk-storage-{}",
            crate::kernel::auth::random_token()
        ));
        let storage = LocalFolder::new(root.join("files"));
        let key = new_key("order-files", 1, "pdf");
        let received = root.join("received.partial");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(&received, b"%PDF-1.5").unwrap();
        storage.put_file(&key, &received).await.unwrap();
        assert!(!received.exists(), "moved, not copied");
        let bytes: Vec<Bytes> = storage
            .get(&key)
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(bytes.concat(), b"%PDF-1.5");
        storage.delete(&key).await.unwrap();
        storage.delete(&key).await.unwrap();
        assert!(storage.get(&key).await.is_err());
        assert!(storage.put_file("../escape", &received).await.is_err());
        assert!(storage.get("/etc/passwd").await.is_err());
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn keys_are_random_and_safe() {
        let (a, b) = (
            new_key("order-files", 7, "jpg"),
            new_key("order-files", 7, "jpg"),
        );
        assert_ne!(a, b);
        assert!(a.starts_with("order-files/7/") && a.ends_with(".jpg"));
        assert_eq!(checked(&a).unwrap(), a);
    }
}
