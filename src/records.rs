//! Job records: what `submit` sent to Slurm, so later commands find a job by id or by name.
//!
//! Each submission is a directory `$XDG_STATE_HOME/hybridctl/jobs/<job id>/` (default
//! `~/.local/state/hybridctl/jobs/`) holding `record.json`, the resolved spec
//! (`spec.json`) and the exact script that was submitted (`job.sbatch`). It is written to a
//! temporary directory first and renamed into place, so a reader never sees half a record.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::settings::Env;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    pub job_id: String,
    pub name: String,
    #[serde(default)]
    pub cluster: Option<String>,
    /// Seconds since the Unix epoch.
    pub submitted_at: u64,
    pub spec_path: String,
    pub submit_dir: String,
    pub nodes: u32,
    pub gpus_per_node: u32,
    #[serde(default)]
    pub partition: Option<String>,
    /// The `--output` pattern of the script.
    pub output: String,
}

impl JobRecord {
    /// Where the batch output went: `slurm.output` with Slurm's `%j` (job id), `%x` (job
    /// name), `%u` (user) and `%%` filled in, relative to the submit directory. Other
    /// patterns (`%N`, `%t`, ...) are left as they are, and the file will not be found.
    /// <https://slurm.schedmd.com/sbatch.html#SECTION_FILENAME-PATTERN>
    pub fn output_path(&self, user: Option<&str>) -> std::path::PathBuf {
        let mut out = String::new();
        let mut chars = self.output.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('j' | 'A') => out.push_str(&self.job_id),
                Some('x') => out.push_str(&self.name),
                Some('u') if user.is_some() => out.push_str(user.unwrap_or_default()),
                Some('%') => out.push('%'),
                Some(other) => {
                    out.push('%');
                    out.push(other);
                }
                None => out.push('%'),
            }
        }
        std::path::Path::new(&self.submit_dir).join(out)
    }
}

#[derive(Debug, Error)]
pub enum RecordError {
    #[error("could not write the job record into `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not read the job records in `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Debug, Clone)]
pub struct Records {
    pub dir: PathBuf,
}

impl Records {
    /// `$XDG_STATE_HOME/hybridctl/jobs`, else `~/.local/state/hybridctl/jobs`.
    pub fn from_env(env: &Env) -> Option<Self> {
        let base = env
            .get("XDG_STATE_HOME")
            .map(PathBuf::from)
            .or_else(|| env.get("HOME").map(|h| Path::new(h).join(".local/state")))?;
        Some(Self {
            dir: base.join("hybridctl").join("jobs"),
        })
    }

    pub fn save(
        &self,
        record: &JobRecord,
        spec_json: &str,
        script: &str,
    ) -> Result<PathBuf, RecordError> {
        let write_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| RecordError::Write { path, source }
        };
        std::fs::create_dir_all(&self.dir).map_err(write_err(&self.dir))?;
        let target = self.dir.join(&record.job_id);
        let tmp = self
            .dir
            .join(format!(".{}.tmp-{}", record.job_id, std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(write_err(&tmp))?;
        let json = serde_json::to_string_pretty(record).unwrap_or_default();
        for (name, text) in [
            ("record.json", json.as_str()),
            ("spec.json", spec_json),
            ("job.sbatch", script),
        ] {
            let p = tmp.join(name);
            std::fs::write(&p, text).map_err(write_err(&p))?;
        }
        // Slurm reuses job ids after a controller reset; the newer record wins.
        let _ = std::fs::remove_dir_all(&target);
        std::fs::rename(&tmp, &target).map_err(write_err(&target))?;
        Ok(target)
    }

    pub fn load(&self, job_id: &str) -> Result<Option<JobRecord>, RecordError> {
        if job_id.is_empty() || !job_id.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        let path = self.dir.join(job_id).join("record.json");
        match crate::bounded::read_string(&path, crate::bounded::RECORD) {
            Ok(text) => Ok(serde_json::from_str(&text).ok()),
            Err(e) if e.is_not_found() => Ok(None),
            Err(crate::bounded::ReadError::Io { source, .. }) => {
                Err(RecordError::Read { path, source })
            }
            // An oversized or non-regular record is not one hybridctl wrote.
            Err(_) => Ok(None),
        }
    }

    /// The resolved spec a job was submitted with.
    pub fn spec(&self, job_id: &str) -> Option<crate::jobspec::Spec> {
        if job_id.is_empty() || !job_id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let text = crate::bounded::read_string(
            &self.dir.join(job_id).join("spec.json"),
            crate::bounded::RECORD,
        )
        .ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Every readable record, newest first.
    pub fn list(&self) -> Result<Vec<JobRecord>, RecordError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(RecordError::Read {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut out: Vec<JobRecord> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                if name.starts_with('.') {
                    return None;
                }
                let text = crate::bounded::read_string(
                    &e.path().join("record.json"),
                    crate::bounded::RECORD,
                )
                .ok()?;
                serde_json::from_str(&text).ok()
            })
            .collect();
        out.sort_by(|a, b| {
            b.submitted_at
                .cmp(&a.submitted_at)
                .then_with(|| numeric(&b.job_id).cmp(&numeric(&a.job_id)))
        });
        Ok(out)
    }

    /// A job by id, or the newest job with that name. Only a job id is looked up as a
    /// directory name, so a name such as `../x` never reads outside the records.
    pub fn find(&self, id_or_name: &str) -> Result<Option<JobRecord>, RecordError> {
        if crate::jobid::JobId::parse(id_or_name).is_ok()
            && let Some(r) = self.load(id_or_name)?
        {
            return Ok(Some(r));
        }
        self.find_by_name(id_or_name)
    }

    /// The newest job with that name.
    pub fn find_by_name(&self, name: &str) -> Result<Option<JobRecord>, RecordError> {
        Ok(self.list()?.into_iter().find(|r| r.name == name))
    }
}

fn numeric(id: &str) -> u64 {
    id.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, name: &str, at: u64) -> JobRecord {
        JobRecord {
            job_id: id.into(),
            name: name.into(),
            cluster: Some("c".into()),
            submitted_at: at,
            spec_path: "s.yaml".into(),
            submit_dir: "/tmp".into(),
            nodes: 2,
            gpus_per_node: 8,
            partition: None,
            output: "o".into(),
        }
    }

    #[test]
    fn save_load_find() {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = Records {
            dir: dir.path().join("jobs"),
        };
        assert_eq!(r.find("7").expect("ok"), None);
        r.save(&rec("7", "train", 10), "{}", "#!/bin/bash\n")
            .expect("save");
        r.save(&rec("9", "train", 20), "{}", "#!/bin/bash\n")
            .expect("save");
        r.save(&rec("8", "eval", 15), "{}", "#!/bin/bash\n")
            .expect("save");
        assert_eq!(
            r.load("7").expect("ok").map(|j| j.name),
            Some("train".into())
        );
        assert_eq!(
            r.find("train").expect("ok").map(|j| j.job_id),
            Some("9".into())
        );
        assert_eq!(r.list().expect("ok").len(), 3);
        assert!(dir.path().join("jobs/9/job.sbatch").is_file());
        assert_eq!(r.load("../etc").expect("ok"), None);
    }
}
