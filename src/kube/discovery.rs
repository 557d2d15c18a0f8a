//! Which of the two Kubeflow APIs a cluster serves, through API discovery (one request per
//! group version; a group that is not installed answers 404).

use kube::Client;

use crate::k8s::workload::Backend;

/// The backends whose resource the API server serves. A 404 means "not installed"; any other
/// error (unreachable, 403) is returned, since guessing would pick the wrong backend.
pub async fn served(client: &Client) -> Result<Vec<Backend>, kube::Error> {
    let mut out = Vec::new();
    for b in Backend::ALL {
        let gv = format!("{}/{}", b.group(), b.version());
        match client.list_api_group_resources(&gv).await {
            Ok(list) if list.resources.iter().any(|r| r.name == b.plural()) => out.push(b),
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// The job object with `selector` in `namespace`, of whichever backend has it, and that
/// backend. When neither has it yet (a pending job), the backend `api` resolves to on this
/// cluster (PyTorchJob when that cannot be told). A kind whose CRD is not installed (404),
/// or that the site's role does not grant (403: a site runs one backend), is skipped.
pub async fn find_job(
    client: &Client,
    namespace: &str,
    selector: &str,
    api: crate::jobspec::KubeApi,
) -> Result<(Backend, Option<kube::api::DynamicObject>), kube::Error> {
    use kube::api::{DynamicObject, ListParams};
    let lp = ListParams::default().labels(selector);
    for b in Backend::ALL {
        let jobs: kube::Api<DynamicObject> =
            kube::Api::namespaced_with(client.clone(), namespace, &b.api_resource());
        match jobs.list(&lp).await {
            Ok(list) => {
                if let Some(job) = list.items.into_iter().next() {
                    return Ok((b, Some(job)));
                }
            }
            Err(kube::Error::Api(s)) if s.code == 404 || s.code == 403 => {}
            Err(e) => return Err(e),
        }
    }
    let served = served(client).await?;
    let backend = crate::k8s::workload::resolve(api, &served).unwrap_or(Backend::PyTorchJob);
    Ok((backend, None))
}
