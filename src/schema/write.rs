//! Replacing a file without ever leaving a half-written one behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::{ErrorKind, SchemaError};

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`, so readers see the old content or the new, never a mix.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SchemaError> {
    let location = path.display().to_string();
    let failed = |what: &str, e: std::io::Error| {
        SchemaError::new(ErrorKind::Write, &location, format!("{what}: {e}"))
    };

    let temp = temp_path(path);
    let result = (|| {
        let mut file = std::fs::File::create(&temp)
            .map_err(|e| failed("cannot create a temporary file", e))?;
        file.write_all(bytes)
            .map_err(|e| failed("cannot write", e))?;
        file.sync_all().map_err(|e| failed("cannot write", e))?;
        std::fs::rename(&temp, path).map_err(|e| failed("cannot replace", e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// `dir/.name.PID.tmp`: in the same directory, so the rename stays on one
/// file system.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = format!(".{name}.{}.tmp", std::process::id());
    match path.parent() {
        Some(dir) => dir.join(temp),
        None => PathBuf::from(temp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_directory_is_a_write_error() {
        let error = write_atomically(Path::new("/nonexistent-dir/a.yaml"), b"x").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Write);
    }
}
