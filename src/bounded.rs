//! Bounded reads: the one way hybridctl reads a file.
//!
//! A login node is shared by hundreds of users, so no input may make this process the one
//! that eats it: a job spec that is `/dev/zero`, a sysfs attribute that is a FIFO or a link to
//! a device, an `nccl.conf` of a gigabyte. [`read`] therefore
//! * refuses anything but a regular file (after following links) *before* opening it for
//!   reading: a FIFO would block forever, a device would never end, and opening some devices
//!   has side effects. `/dev/null` alone is read as the empty file, since it is the documented
//!   way to say "no config file";
//! * opens with `O_NONBLOCK` and checks the opened file again (`fstat`), so a file swapped for
//!   a FIFO between the two checks cannot block us either;
//! * reads at most the cap plus one byte, so a larger file is an error naming the file and the
//!   cap instead of an allocation the size of the file.
//!
//! Each kind of file has its own [`Cap`], sized for what it is (a sysfs attribute is at most a
//! page, a job spec a few MiB). Streams whose nature is to be read as they come (`-` for
//! standard input, `nccl-check` of a live log) go through [`read_stream`] (capped) or a
//! streaming parser with a bounded buffer (`nccl::scan`). Tool output is capped in
//! [`crate::process`] with [`TOOL_OUTPUT`].

use std::fmt;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use thiserror::Error;

/// The most a read of one kind of file may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// What is read, for messages: "job spec", "sysfs attribute".
    pub what: &'static str,
    pub bytes: u64,
}

const MIB: u64 = 1 << 20;

/// A job spec (`render`, `validate`, `submit`, ...): real ones are a few KiB.
pub const SPEC: Cap = Cap {
    what: "job spec",
    bytes: 4 * MIB,
};
/// The site and user config files.
pub const CONFIG: Cap = Cap {
    what: "config file",
    bytes: 4 * MIB,
};
/// Hostlists piped into `hybridctl hostlist expand -` (one per line).
pub const HOSTLISTS: Cap = Cap {
    what: "list of hostlists",
    bytes: 16 * MIB,
};
/// The frozen spec `launch` reads inside the allocation (JSON written by `render`).
pub const FROZEN_SPEC: Cap = Cap {
    what: "frozen spec",
    bytes: 4 * MIB,
};
/// A job record or a recorded spec under the records directory.
pub const RECORD: Cap = Cap {
    what: "job record",
    bytes: 4 * MIB,
};
/// A template override (`templates:` in a config file).
pub const TEMPLATE: Cap = Cap {
    what: "template",
    bytes: MIB,
};
/// A kubeconfig: embedded certificates make them a few KiB per cluster; merged ones for many
/// clusters stay far below this.
pub const KUBECONFIG: Cap = Cap {
    what: "kubeconfig",
    bytes: 16 * MIB,
};
/// `nccl.conf` (`NCCL_CONF_FILE` or `/etc/nccl.conf`): `KEY=value` lines.
pub const NCCL_CONF: Cap = Cap {
    what: "NCCL config file",
    bytes: MIB,
};
/// A sysfs attribute: the kernel gives a `show` method one page (`PAGE_SIZE`,
/// Documentation/filesystems/sysfs.rst). 64 KiB is the largest page size in use (arm64 and
/// ppc64le kernels with 64K pages), so no real attribute is refused on any architecture.
pub const SYSFS: Cap = Cap {
    what: "sysfs attribute",
    bytes: 64 << 10,
};
/// A log read as a stream (`nccl-check`): no cap on its length, since the scanner's memory is
/// one block whatever the size; only used to name the kind of file in messages.
pub const LOG: Cap = Cap {
    what: "log",
    bytes: u64::MAX,
};
/// What one external program may print on one stream (stdout or stderr); the program is
/// stopped when it prints more. `squeue`/`sacct` for our jobs and `mmlsquota -Y` for every
/// fileset of a large site print well under 1 MiB.
pub const TOOL_OUTPUT: Cap = Cap {
    what: "tool output",
    bytes: 8 * MIB,
};

impl fmt::Display for Cap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&human_bytes(self.bytes))
    }
}

/// `4 MiB`, `64 KiB`, `100 bytes`.
pub fn human_bytes(n: u64) -> String {
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

#[derive(Debug, Error)]
pub enum ReadError {
    #[error("could not read the {} `{name}`", cap.what)]
    Io {
        cap: Cap,
        name: String,
        #[source]
        source: io::Error,
    },
    #[error("the {} `{name}` is {kind}, not a regular file", cap.what)]
    NotRegular {
        cap: Cap,
        name: String,
        kind: &'static str,
    },
    #[error("the {} `{name}` is larger than {cap}, the limit for a {}", cap.what, cap.what)]
    TooLarge { cap: Cap, name: String },
    #[error("the {} `{name}` is not UTF-8 text (invalid byte at offset {offset})", cap.what)]
    NotUtf8 {
        cap: Cap,
        name: String,
        offset: usize,
    },
}

impl ReadError {
    /// The file does not exist (callers for which a missing file is fine check this).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

impl crate::error::Advice for ReadError {
    /// The next step, in one sentence.
    fn hint(&self) -> String {
        match self {
            Self::Io { .. } => "check the path and its permissions".into(),
            Self::NotRegular { .. } => {
                "give the path of a regular file (devices, FIFOs and sockets are not read)".into()
            }
            Self::TooLarge { cap, .. } => format!(
                "a {} is never this large: is this the right file? ({} at most)",
                cap.what, cap
            ),
            Self::NotUtf8 { .. } => "save the file as UTF-8 text".into(),
        }
    }
}

/// What a file that is not a regular one is, for messages.
fn kind_of(ft: std::fs::FileType) -> Option<&'static str> {
    if ft.is_file() {
        None
    } else if ft.is_dir() {
        Some("a directory")
    } else if ft.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if ft.is_char_device() {
        Some("a character device")
    } else if ft.is_block_device() {
        Some("a block device")
    } else if ft.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    }
}

/// `/dev/null` (or a link to it): the character device 1:3 on Linux (devices.txt).
fn is_dev_null(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.file_type().is_char_device() && meta.rdev() == libc::makedev(1, 3)
}

/// Read a regular file, at most `cap.bytes`; see the module documentation.
pub fn read(path: &Path, cap: Cap) -> Result<Vec<u8>, ReadError> {
    let name = || path.display().to_string();
    let io_err = |source| ReadError::Io {
        cap,
        name: name(),
        source,
    };
    // Refused before opening: opening a FIFO blocks, opening a device may have effects.
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if is_dev_null(&meta) {
        // The documented way to say "no config file": empty, and it never blocks.
        return Ok(Vec::new());
    }
    if let Some(kind) = kind_of(meta.file_type()) {
        return Err(ReadError::NotRegular {
            cap,
            name: name(),
            kind,
        });
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(io_err)?;
    // The path may have been replaced between the two calls.
    let meta = file.metadata().map_err(io_err)?;
    if let Some(kind) = kind_of(meta.file_type()) {
        return Err(ReadError::NotRegular {
            cap,
            name: name(),
            kind,
        });
    }
    read_capped(file, cap, &name())
}

/// [`read`] as UTF-8 text.
pub fn read_string(path: &Path, cap: Cap) -> Result<String, ReadError> {
    let bytes = read(path, cap)?;
    utf8(bytes, cap, &path.display().to_string())
}

/// Read a stream (standard input) to its end, at most `cap.bytes`; `name` is for messages.
pub fn read_stream(reader: impl Read, name: &str, cap: Cap) -> Result<String, ReadError> {
    let bytes = read_capped(reader, cap, name)?;
    utf8(bytes, cap, name)
}

fn read_capped(reader: impl Read, cap: Cap, name: &str) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    reader
        .take(cap.bytes.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|source| ReadError::Io {
            cap,
            name: name.to_string(),
            source,
        })?;
    if buf.len() as u64 > cap.bytes {
        return Err(ReadError::TooLarge {
            cap,
            name: name.to_string(),
        });
    }
    Ok(buf)
}

fn utf8(bytes: Vec<u8>, cap: Cap, name: &str) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        cap,
        name: name.to_string(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Check that `path` may be read as a stream (a regular file or a FIFO, e.g. a live log):
/// devices and sockets are refused, since `/dev/zero` or `/dev/urandom` would never end.
pub fn check_stream_source(path: &Path, cap: Cap) -> Result<(), ReadError> {
    let meta = std::fs::metadata(path).map_err(|source| ReadError::Io {
        cap,
        name: path.display().to_string(),
        source,
    })?;
    let ft = meta.file_type();
    if ft.is_fifo() {
        return Ok(());
    }
    match kind_of(ft) {
        None => Ok(()),
        Some(kind) => Err(ReadError::NotRegular {
            cap,
            name: path.display().to_string(),
            kind,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Cap = Cap {
        what: "test file",
        bytes: 8,
    };

    #[test]
    fn reads_a_file_within_its_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a");
        std::fs::write(&p, "12345678").expect("write");
        assert_eq!(read_string(&p, SMALL).expect("reads"), "12345678");
    }

    #[test]
    fn a_file_over_its_cap_is_refused_with_the_cap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a");
        std::fs::write(&p, "123456789").expect("write");
        let err = read_string(&p, SMALL).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "the test file `{}` is larger than 8 bytes, the limit for a test file",
                p.display()
            )
        );
    }

    #[test]
    fn dev_null_is_the_empty_file() {
        assert_eq!(
            read_string(Path::new("/dev/null"), CONFIG).expect("empty"),
            ""
        );
    }

    #[test]
    fn devices_fifos_and_directories_are_refused_before_reading() {
        let err = read(Path::new("/dev/zero"), SPEC).unwrap_err();
        assert!(err.to_string().contains("a character device"), "{err}");
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("cstring");
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read(&fifo, SYSFS).unwrap_err();
        assert!(err.to_string().contains("a FIFO"), "{err}");
        assert!(check_stream_source(&fifo, SYSFS).is_ok());
        assert!(check_stream_source(Path::new("/dev/zero"), SYSFS).is_err());
        let err = read(dir.path(), CONFIG).unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
    }

    #[test]
    fn a_link_to_dev_zero_is_refused_and_a_link_loop_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let z = dir.path().join("z");
        std::os::unix::fs::symlink("/dev/zero", &z).expect("symlink");
        assert!(matches!(
            read(&z, SYSFS).unwrap_err(),
            ReadError::NotRegular { .. }
        ));
        let a = dir.path().join("loop");
        std::os::unix::fs::symlink(&a, &a).expect("symlink");
        let err = read(&a, SYSFS).unwrap_err();
        assert!(matches!(err, ReadError::Io { .. }), "{err:?}");
        assert!(!err.is_not_found());
    }

    #[test]
    fn streams_are_capped_and_must_be_utf8() {
        let err = read_stream(&b"123456789"[..], "<stdin>", SMALL).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { .. }));
        let err = read_stream(&b"ab\xffcd"[..], "<stdin>", SMALL).unwrap_err();
        assert!(
            err.to_string().contains("invalid byte at offset 2"),
            "{err}"
        );
        assert_eq!(human_bytes(4 << 20), "4 MiB");
        assert_eq!(human_bytes(64 << 10), "64 KiB");
        assert_eq!(human_bytes(100), "100 bytes");
    }
}
