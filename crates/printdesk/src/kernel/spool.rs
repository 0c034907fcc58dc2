//! Uploads too large to hold in memory (an order's artwork, print files of hundreds of MB):
//! the body is streamed to `<data dir>/incoming/<random>.partial` while its bytes are counted,
//! and refused as soon as the caller's limit is passed.
//!
//! [`SpooledUpload`] is the extractor: it takes the same two shapes as `web::Upload` (a page's
//! multipart form with the file in `file`, or the file itself as the body) with the same CSRF
//! rules, but reads nothing until [`SpooledUpload::receive`] is given the limit, which is a
//! setting of the account set and so known only inside the handler. [`SpooledFile`] is what
//! arrived: a file on disk that removes itself when dropped, unless the file store has taken it
//! (`Storage::put_file` moves it into place).
//!
//! This module does not look at the content: what a file is and whether it is acceptable are the
//! caller's rules. Everything here is bounded by [`MAX_SPOOLED_BYTES`], the route body limit of
//! [`body_limit`]; past it the connection is cut rather than read.

use std::path::{Path, PathBuf};

use anyhow::Context;
use axum::extract::{FromRequest, Request};
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};

use crate::kernel::auth::random_token;
use crate::kernel::error::{AppError, AppResult};
use crate::kernel::i18n::Message;
use crate::kernel::web::{self, AppState, Config, UploadBody};

/// The hard ceiling of a spooled upload, 1 GiB: no setting can raise a limit past it. It bounds
/// disk use per upload and the time a connection may hold a request open, not memory (the body
/// is never held whole).
pub const MAX_SPOOLED_BYTES: u64 = 1024 * 1024 * 1024;

/// The route layer of a spooled upload route: the body may be [`MAX_SPOOLED_BYTES`] plus room
/// for a multipart form's boundaries and CSRF field.
pub fn body_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES)
}

/// [`MAX_SPOOLED_BYTES`] plus 64 KiB of form around the file.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024 * 1024 + 64 * 1024;

/// The folder uploads are received in, `<data dir>/incoming`. Beside `files/` so that moving a
/// received file into the local file store is a rename on the same disk.
pub fn incoming_dir(config: &Config) -> PathBuf {
    config.data_dir.join("incoming")
}

/// An upload not read yet. See the module documentation.
pub struct SpooledUpload {
    body: UploadBody,
}

impl FromRequest<AppState> for SpooledUpload {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> AppResult<SpooledUpload> {
        Ok(SpooledUpload {
            body: UploadBody::from_request(req, state).await?,
        })
    }
}

/// A received upload on disk, `len` bytes. Dropped, it removes its file (if still there).
#[derive(Debug)]
pub struct SpooledFile {
    path: PathBuf,
    len: u64,
    file_name: String,
}

impl SpooledUpload {
    /// Streams the file into a new `.partial` file under [`incoming_dir`], at most `max_bytes`.
    ///
    /// Past `max_bytes` nothing more is written and the partial file is removed at once; the
    /// rest of the body is still read and thrown away (up to [`MAX_SPOOLED_BYTES`]), because a
    /// browser whose upload is cut off shows "connection reset" instead of the answer. The answer
    /// is then a field error on `file` with `too_large`. A wrong or missing CSRF token of a form
    /// is 403: our pages send the token before the file, so a forged form is refused before a
    /// byte is written; a form sending it after the file has that file removed. A form without a
    /// file gives an empty file: the caller says what to upload.
    pub async fn receive(
        self,
        config: &Config,
        max_bytes: u64,
        too_large: Message,
    ) -> AppResult<SpooledFile> {
        let dir = incoming_dir(config);
        tokio::fs::create_dir_all(&dir)
            .await
            .with_context(|| format!("creating {}", dir.display()))?;
        let mut spooled = SpooledFile {
            path: dir.join(format!("{}.partial", random_token())),
            len: 0,
            file_name: String::new(),
        };
        let file = tokio::fs::File::create_new(&spooled.path)
            .await
            .with_context(|| format!("creating {}", spooled.path.display()))?;
        let mut sink = Sink {
            writer: Some(BufWriter::with_capacity(256 * 1024, file)),
            path: &spooled.path,
            written: 0,
            max_bytes,
        };
        let too_large_error = || AppError::field("file", too_large.clone());
        match self.body {
            UploadBody::Raw(mut body) => {
                while let Some(frame) = body.frame().await {
                    let frame = frame.map_err(|err| {
                        if is_length_limit(&err) {
                            too_large_error()
                        } else {
                            web::malformed_upload()
                        }
                    })?;
                    if let Ok(data) = frame.into_data() {
                        sink.accept(&data).await?;
                    }
                }
            }
            UploadBody::Multipart {
                mut multipart,
                expected_csrf,
            } => {
                let field_error = |err: axum::extract::multipart::MultipartError| {
                    if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        too_large_error()
                    } else {
                        web::malformed_upload()
                    }
                };
                let mut csrf_checked = false;
                let mut file_seen = false;
                while let Some(mut field) = multipart.next_field().await.map_err(field_error)? {
                    match field.name() {
                        Some("csrf_token") => {
                            let sent = field.text().await.map_err(field_error)?;
                            if !web::csrf_sent_matches(expected_csrf.as_deref(), Some(&sent)) {
                                return Err(AppError::CsrfRejected);
                            }
                            csrf_checked = true;
                        }
                        Some("file") if !file_seen => {
                            file_seen = true;
                            spooled.file_name = field.file_name().unwrap_or("").to_owned();
                            while let Some(chunk) = field.chunk().await.map_err(field_error)? {
                                sink.accept(&chunk).await?;
                            }
                        }
                        // Other fields, and a second file, are skipped by `next_field`.
                        _ => {}
                    }
                }
                if !csrf_checked {
                    return Err(AppError::CsrfRejected);
                }
            }
        }
        if sink.written > max_bytes {
            return Err(too_large_error());
        }
        spooled.len = sink.finish().await?;
        Ok(spooled)
    }
}

impl SpooledFile {
    /// Where the file is, until the file store takes it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing arrived (a form sent without choosing a file).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The name the browser gave the file; empty for a raw body.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The first `max_bytes` of the file (all of it when it is smaller), to inspect. Reading is
    /// the only way to hold its bytes in memory, so the caller chooses how many.
    pub async fn read_head(&self, max_bytes: u64) -> anyhow::Result<Vec<u8>> {
        let file = tokio::fs::File::open(&self.path)
            .await
            .with_context(|| format!("opening {}", self.path.display()))?;
        let capacity = usize::try_from(self.len.min(max_bytes)).unwrap_or(0);
        let mut head = Vec::with_capacity(capacity);
        file.take(max_bytes)
            .read_to_end(&mut head)
            .await
            .with_context(|| format!("reading {}", self.path.display()))?;
        Ok(head)
    }
}

impl Drop for SpooledFile {
    /// Removes what is left: an upload refused, or failed before the file store took it. A
    /// plain unlink, short enough not to need a blocking thread.
    fn drop(&mut self) {
        match std::fs::remove_file(&self.path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => tracing::warn!(
                error = %err,
                "could not remove a received upload"
            ),
            _ => {}
        }
    }
}

/// Removes received uploads left by a crash or a killed server: `.partial` files in
/// [`incoming_dir`] older than `older_than` (an upload in progress is younger). Run at start-up;
/// returns how many went.
pub fn sweep_incoming(config: &Config, older_than: std::time::Duration) -> anyhow::Result<u64> {
    let dir = incoming_dir(config);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(err).with_context(|| format!("reading {}", dir.display())),
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|ext| ext != "partial") {
            continue;
        }
        let age = std::fs::metadata(&path)
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok());
        if age.is_some_and(|age| age >= older_than) {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Where received bytes go: the partial file until the limit is passed, nowhere after.
struct Sink<'a> {
    /// `None` once the limit was passed and the partial file removed.
    writer: Option<BufWriter<tokio::fs::File>>,
    path: &'a Path,
    /// Every byte received, kept or not.
    written: u64,
    max_bytes: u64,
}

impl Sink<'_> {
    async fn accept(&mut self, chunk: &[u8]) -> anyhow::Result<()> {
        self.written = self
            .written
            .saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        if self.written > self.max_bytes {
            if self.writer.take().is_some() {
                // Refused: nothing of it is kept from this moment on.
                tokio::fs::remove_file(self.path)
                    .await
                    .with_context(|| format!("removing {}", self.path.display()))?;
            }
            return Ok(());
        }
        if let Some(writer) = &mut self.writer {
            writer
                .write_all(chunk)
                .await
                .with_context(|| format!("writing {}", self.path.display()))?;
        }
        Ok(())
    }

    /// Flushes and syncs the file, so that a row saved afterwards never points at bytes a power
    /// cut could still take away. Returns the size.
    async fn finish(mut self) -> anyhow::Result<u64> {
        if let Some(mut writer) = self.writer.take() {
            writer
                .flush()
                .await
                .with_context(|| format!("writing {}", self.path.display()))?;
            writer
                .into_inner()
                .sync_all()
                .await
                .with_context(|| format!("syncing {}", self.path.display()))?;
        }
        Ok(self.written)
    }
}

/// Whether a body error is a length limit (the route's or the server's), not a broken client.
fn is_length_limit(err: &axum::Error) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(err) = current {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(data_dir: PathBuf) -> Config {
        Config {
            addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            database_url: String::new(),
            secure_cookies: false,
            trust_proxy: false,
        }
    }

    #[test]
    fn sweeping_removes_old_partial_files_only() {
        let data_dir = std::env::temp_dir().join(format!("printdesk-spool-{}", random_token()));
        let config = config(data_dir.clone());
        assert_eq!(
            sweep_incoming(&config, std::time::Duration::ZERO).unwrap(),
            0
        );
        let incoming = incoming_dir(&config);
        std::fs::create_dir_all(&incoming).unwrap();
        std::fs::write(incoming.join("a.partial"), b"half").unwrap();
        std::fs::write(incoming.join("keep.txt"), b"not ours").unwrap();
        assert_eq!(
            sweep_incoming(&config, std::time::Duration::from_secs(3600)).unwrap(),
            0,
            "a fresh upload may still be arriving"
        );
        assert_eq!(
            sweep_incoming(&config, std::time::Duration::ZERO).unwrap(),
            1
        );
        assert!(!incoming.join("a.partial").exists());
        assert!(incoming.join("keep.txt").exists());
        std::fs::remove_dir_all(data_dir).unwrap();
    }
}
