//! The install layout (scripts/install.sh), the Lmod modulefile (examples/packaging/) and
//! what a cluster-free command does not touch at start-up.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{hybridctl, isolated, require_tool, root};

/// The debug binary `cargo test` built.
fn built_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hybridctl"))
}

/// `scripts/install.sh --prefix DIR --bin <the built binary>`, into a fresh directory.
fn install_into(dir: &Path) -> PathBuf {
    let prefix = dir.join("opt/hybridctl");
    let out = Command::new("bash")
        .arg(root().join("scripts/install.sh"))
        .arg("--prefix")
        .arg(&prefix)
        .arg("--bin")
        .arg(built_binary())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "install.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    prefix
}

/// Run a bash script with a clean environment (PATH and HOME only) and return its stdout.
fn bash(script: &str, home: &Path) -> String {
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", home)
        .env("TERM", "dumb")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "script failed ({}):\n{script}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn quoted(p: &Path) -> String {
    shlex::try_quote(&p.display().to_string())
        .expect("a path without NUL")
        .into_owned()
}

#[test]
fn install_sh_puts_binary_man_pages_completions_and_site_config_in_standard_places() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefix = install_into(dir.path());
    for file in [
        "bin/hybridctl",
        "share/man/man1/hybridctl.1",
        "share/man/man1/hybridctl-render.1",
        "share/man/man1/hybridctl-hook-prolog.1",
        "share/bash-completion/completions/hybridctl",
        "share/zsh/site-functions/_hybridctl",
        "share/fish/vendor_completions.d/hybridctl.fish",
        "share/hybridctl/examples/site-config.yaml",
        "share/hybridctl/examples/llama-8node-roce.yaml",
    ] {
        assert!(prefix.join(file).is_file(), "{file} was not installed");
    }
    // the installed man pages are the committed ones (both are generated from the CLI)
    for page in std::fs::read_dir(root().join("man")).expect("man/") {
        let page = page.expect("entry").file_name();
        assert_eq!(
            std::fs::read(prefix.join("share/man/man1").join(&page)).expect("installed page"),
            std::fs::read(root().join("man").join(&page)).expect("committed page"),
            "{page:?} differs from man/"
        );
    }
    // the example site config points the compute nodes at this install and is a valid config
    let site = prefix.join("share/hybridctl/examples/site-config.yaml");
    let text = std::fs::read_to_string(&site).expect("site config");
    assert!(
        text.contains(&format!("launcher: {}/bin/hybridctl\n", prefix.display())),
        "{text}"
    );
    let out = hybridctl()
        .args(["validate", "--config"])
        .arg(&site)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", crate::util::stderr(&out));
}

#[test]
fn installed_man_page_and_bash_completion_load_from_the_prefix() {
    for tool in ["man", "bash"] {
        if !require_tool(tool) {
            return;
        }
    }
    let bash_completion = Path::new("/usr/share/bash-completion/bash_completion");
    assert!(
        bash_completion.is_file(),
        "Debian's bash-completion is not installed; scripts/test.sh installs it"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let prefix = install_into(dir.path());
    let p = quoted(&prefix);

    // `man -M PREFIX/share/man hybridctl` finds and formats the installed page
    let page = bash(
        &format!("MANPAGER=cat MANWIDTH=80 man -M {p}/share/man hybridctl 2>&1"),
        dir.path(),
    );
    assert!(page.contains("hybridctl"), "{page}");
    assert!(page.contains("EXIT STATUS"), "{page}");
    let render = bash(
        &format!("man -M {p}/share/man -w hybridctl-render"),
        dir.path(),
    );
    assert_eq!(
        render.trim(),
        prefix
            .join("share/man/man1/hybridctl-render.1")
            .display()
            .to_string()
    );

    // bash-completion's loader finds the completion through XDG_DATA_DIRS (as `module load`
    // sets it) and it completes the subcommands
    let words = bash(
        &format!(
            "source {bc}
             export XDG_DATA_DIRS={p}/share
             __load_completion hybridctl || exit 3
             complete -p hybridctl
             COMP_WORDS=(hybridctl ren); COMP_CWORD=1; COMP_LINE='hybridctl ren'; COMP_POINT=${{#COMP_LINE}}
             func=$(complete -p hybridctl | sed -E 's/.*-F ([^ ]+).*/\\1/')
             \"$func\" hybridctl ren hybridctl
             printf 'reply:%s\\n' \"${{COMPREPLY[@]}}\"",
            bc = quoted(bash_completion)
        ),
        dir.path(),
    );
    assert!(words.contains("complete "), "{words}");
    assert!(words.contains("reply:render"), "{words}");
}

#[test]
fn lmod_module_load_sets_path_manpath_and_completions() {
    let init = Path::new("/usr/share/lmod/lmod/init/bash");
    assert!(
        init.is_file(),
        "Debian's lmod is not installed ({}); scripts/test.sh installs it",
        init.display()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let prefix = install_into(dir.path());
    let p = quoted(&prefix);
    let version = env!("CARGO_PKG_VERSION");
    // the modulefile as shipped in examples/packaging, installed beside the prefix
    let modules = dir.path().join("modulefiles/hybridctl");
    std::fs::create_dir_all(&modules).expect("mkdir");
    let shipped = root().join("examples/packaging/lmod/hybridctl.lua");
    let text = std::fs::read_to_string(&shipped)
        .expect("examples/packaging/lmod/hybridctl.lua")
        .replace(
            "local prefix = \"/opt/hybridctl/\" .. myModuleVersion()",
            &format!("local prefix = \"{}\"", prefix.display()),
        );
    assert!(
        text.contains(&prefix.display().to_string()),
        "the modulefile's prefix line changed"
    );
    std::fs::write(modules.join(format!("{version}.lua")), text).expect("write modulefile");

    let out = bash(
        &format!(
            "source {init}
             module use {mods}
             module load hybridctl/{version} || exit 3
             echo \"hybridctl:$(command -v hybridctl)\"
             hybridctl --version
             echo \"man:$(man -w hybridctl)\"
             echo \"xdg:$XDG_DATA_DIRS\"
             echo \"fpath:$FPATH\"
             source /usr/share/bash-completion/bash_completion
             __load_completion hybridctl && complete -p hybridctl >/dev/null && echo completion:ok
             module unload hybridctl
             echo \"after:$(command -v hybridctl || echo none)\"",
            init = quoted(init),
            mods = quoted(&dir.path().join("modulefiles")),
        ),
        dir.path(),
    );
    let p = p.trim_matches('\'');
    assert!(
        out.contains(&format!("hybridctl:{p}/bin/hybridctl\n")),
        "{out}"
    );
    assert!(out.contains(&format!("hybridctl {version}\n")), "{out}");
    assert!(
        out.contains(&format!("man:{p}/share/man/man1/hybridctl.1")),
        "{out}"
    );
    assert!(out.contains(&format!("xdg:{p}/share:")), "{out}");
    assert!(
        out.contains("/usr/share"),
        "XDG_DATA_DIRS lost the system default: {out}"
    );
    assert!(
        out.contains(&format!("fpath:{p}/share/zsh/site-functions")),
        "{out}"
    );
    assert!(out.contains("completion:ok"), "{out}");
    assert!(out.contains("after:none"), "{out}");
}

#[test]
fn spack_recipe_is_python_that_builds_with_cargo_and_installs_the_layout() {
    let recipe = root().join("examples/packaging/spack/packages/hybridctl/package.py");
    let text = std::fs::read_to_string(&recipe).expect("the Spack recipe");
    // it compiles as Python (Spack itself is not installed here: the recipe is checked for shape)
    let out = Command::new("python3")
        .args(["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())"])
        .arg(&recipe)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("class Hybridctl(CargoPackage)"), "{text}");
    assert!(text.contains(&format!("version(\"{}\"", env!("CARGO_PKG_VERSION"))));
    for wanted in [
        "man1",
        "bash-completion",
        "site-functions",
        "vendor_completions.d",
    ] {
        assert!(
            text.contains(wanted),
            "the recipe does not install {wanted}"
        );
    }
}

/// Cluster-free commands: no kubeconfig read, no async runtime (no epoll instance, no extra
/// thread), no TLS set-up (no CA bundle or certificate file opened), no network socket.
#[test]
fn cluster_free_commands_start_no_runtime_and_read_no_kubeconfig() {
    if !require_tool("strace") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kubeconfig-canary");
    std::fs::write(&kubeconfig, "apiVersion: v1\nkind: Config\n").expect("write");
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".kube")).expect("mkdir");
    std::fs::write(home.join(".kube/config"), "apiVersion: v1\nkind: Config\n").expect("write");
    let log = dir.path().join("nccl.log");
    std::fs::write(
        &log,
        "gpu001:1:1 [0] NCCL INFO NET/IB : Using [0]mlx5_0:1/RoCE ; OOB eth0:10.0.0.1<0>\n\
         gpu001:1:1 [0] NCCL INFO comm 0x1 rank 0 nranks 1 cudaDev 0 busId 1000 - Init COMPLETE\n",
    )
    .expect("write");
    let spec = root().join("examples/llama-8node-roce.yaml");
    let spec = spec.to_str().expect("utf-8 path");
    let log = log.to_str().expect("utf-8 path");
    let man_dir = dir.path().join("man");
    let man_dir = man_dir.to_str().expect("utf-8 path");
    let commands: &[&[&str]] = &[
        &["render", spec],
        &["validate", spec],
        &["hostlist", "expand", "gpu[001-004]"],
        &["nccl-check", log],
        &["completions", "bash"],
        &["man", "--dir", man_dir],
        &["version"],
        &["--version"],
        &["schema", "spec"],
    ];
    for args in commands {
        let trace = dir.path().join("trace");
        let out = isolated("strace")
            .args(["-f", "-qq", "-e"])
            .arg("trace=open,openat,epoll_create,epoll_create1,clone,clone3,socket,connect")
            .arg("-o")
            .arg(&trace)
            .arg(built_binary())
            .args(*args)
            .env("KUBECONFIG", &kubeconfig)
            .env("HOME", &home)
            .output()
            .expect("strace runs");
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{args:?} under strace: {code:?}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let trace = std::fs::read_to_string(&trace).expect("strace output");
        assert!(
            trace.contains("open"),
            "strace recorded no open call: {trace}"
        );
        for line in trace.lines() {
            let bad = line.contains("kubeconfig-canary")
                || line.contains("/.kube/")
                || line.contains("epoll_create")
                || line.contains("clone(")
                || line.contains("clone3(")
                || line.contains("socket(")
                || line.contains("connect(")
                || line.contains("/etc/ssl")
                || line.contains(".pem");
            assert!(
                !bad,
                "{args:?} did something a cluster-free command must not: {line}"
            );
        }
    }
}
