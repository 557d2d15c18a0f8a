-- Lmod modulefile for hybridctl (https://lmod.readthedocs.io/en/latest/015_writing_modules.html).
-- Install it as MODULEPATH_DIR/hybridctl/<version>.lua, for a tree installed with
--   scripts/install.sh --prefix /opt/hybridctl/<version>
-- (or edit `prefix` below). `module load hybridctl` then puts the binary on PATH, the man pages
-- on MANPATH, and the bash/fish completions (XDG_DATA_DIRS) and zsh completions (FPATH)
-- where the shells' completion loaders look.

help([[
hybridctl: run Kubeflow PyTorchJobs inside Slurm allocations, from one job spec.
  hybridctl validate SPEC   check a job spec
  hybridctl submit SPEC     submit it to Slurm
  man hybridctl             the manual
]])
whatis("Name: hybridctl")
whatis("Version: " .. myModuleVersion())
whatis("Category: tools, scheduling")
whatis("Description: one job spec for Slurm and Kubernetes (Kubeflow PyTorchJob)")

local prefix = "/opt/hybridctl/" .. myModuleVersion()

prepend_path("PATH", pathJoin(prefix, "bin"))
prepend_path("MANPATH", pathJoin(prefix, "share/man"))
-- bash-completion and fish search $XDG_DATA_DIRS/{bash-completion/completions,fish/vendor_completions.d};
-- an unset XDG_DATA_DIRS means /usr/local/share:/usr/share, which must stay searched
if os.getenv("XDG_DATA_DIRS") == nil or os.getenv("XDG_DATA_DIRS") == "" then
  append_path("XDG_DATA_DIRS", "/usr/local/share")
  append_path("XDG_DATA_DIRS", "/usr/share")
end
prepend_path("XDG_DATA_DIRS", pathJoin(prefix, "share"))
-- zsh adds $FPATH to fpath at start-up; a running zsh: fpath+=($FPATH:s/:/ /) then compinit
prepend_path("FPATH", pathJoin(prefix, "share/zsh/site-functions"))
