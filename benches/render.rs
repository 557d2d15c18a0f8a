//! parse + validate + plan + render of the 8-node example, in process.
//! Run: `cargo bench --bench render`. The whole-process number is `benches/cli.sh`.

use criterion::{Criterion, criterion_group, criterion_main};
use hybridctl::jobspec::load::{Overrides, resolve_spec};
use hybridctl::plan::{Allocation, Plan, PlanOptions, simulated_nodes};
use hybridctl::render::{Renderer, manifest_yaml};
use hybridctl::settings::{Env, Settings};

const SPEC: &str = include_str!("../examples/llama-8node-roce.yaml");

fn render_8_node(c: &mut Criterion) {
    let settings = Settings::empty(Env::default());
    let overrides = Overrides::default();
    c.bench_function("validate 8-node spec", |b| {
        b.iter(|| {
            resolve_spec(
                &settings,
                "llama.yaml",
                std::hint::black_box(SPEC),
                &overrides,
            )
        })
    });
    c.bench_function("parse+validate+render 8-node spec", |b| {
        b.iter(|| {
            let loaded = resolve_spec(
                &settings,
                "llama.yaml",
                std::hint::black_box(SPEC),
                &overrides,
            );
            let spec = loaded.spec.expect("valid");
            let alloc = Allocation {
                job_id: "4242".into(),
                nodes: simulated_nodes(spec.slurm.nodes),
            };
            let opts = PlanOptions {
                launcher: "hybridctl".into(),
                spec_path: "llama.yaml".into(),
                ..PlanOptions::default()
            };
            let plan = Plan::new(&spec, &alloc, &opts).expect("plan");
            let renderer = Renderer::new(None).expect("templates");
            let script = renderer.sbatch(&plan).expect("script");
            let manifest = renderer.pytorchjob(&plan).expect("manifest");
            let yaml = manifest_yaml(&plan, &manifest.value).expect("yaml");
            (script, yaml)
        })
    });
}

criterion_group!(benches, render_8_node);
criterion_main!(benches);
