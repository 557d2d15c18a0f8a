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
