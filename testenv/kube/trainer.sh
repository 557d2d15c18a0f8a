# shellcheck shell=bash
# testenv/kube/trainer.sh - Kubeflow Trainer v2 and JobSet in the test control plane.
#
# Sourced by kube.sh (not run alone). It adds two daemons, both built by build.sh from the
# wrapper module go/trainer: the JobSet controller (sigs.k8s.io/jobset) and the Trainer
# controller manager (github.com/kubeflow/trainer/v2). Their CRDs, their webhook
# configurations and the `torch-distributed` ClusterTrainingRuntime come from the same
# module versions (build.sh copies them into the cache). A TrainJob goes: Trainer -> JobSet
# -> JobSet controller -> Jobs -> kube-controller-manager's job controller -> pods ->
# kube-scheduler -> kwok.
#
# Webhooks: the JobSet controller NEEDS its mutating webhook (without it JobSet's defaults
# are never set and the controller panics on a nil spec.network), and the Trainer's
# validating webhooks check runtimes and TrainJobs. Both run their webhook servers on
# 127.0.0.1 with a key pair signed by the test CA (SAN IP:127.0.0.1); the webhook
# configurations of the modules are registered with `clientConfig.url` instead of a Service
# and the test CA as caBundle, and with upstream's kustomize patches applied (names, and
# JobSet's pod webhooks limited to JobSet pods by an objectSelector).
#
# Settings (saved with the others):
#   HYBRIDCTL_KUBE_TRAINER_WEBHOOK_PORT  default API port + 2   Trainer webhook server (https)
#   HYBRIDCTL_KUBE_JOBSET_WEBHOOK_PORT   default API port + 3   JobSet webhook server (https)
#   HYBRIDCTL_KUBE_TRAINER_HEALTH_PORT   default operator health port + 1   /readyz (http)
#   HYBRIDCTL_KUBE_JOBSET_HEALTH_PORT    default operator health port + 2   /readyz (http)
# (derived defaults, so that control planes with distinct base ports do not collide)

HK_TRAINER_WEBHOOK_PORT=${HYBRIDCTL_KUBE_TRAINER_WEBHOOK_PORT:-$((HK_API_PORT + 2))}
HK_JOBSET_WEBHOOK_PORT=${HYBRIDCTL_KUBE_JOBSET_WEBHOOK_PORT:-$((HK_API_PORT + 3))}
HK_TRAINER_HEALTH_PORT=${HYBRIDCTL_KUBE_TRAINER_HEALTH_PORT:-$((HK_OPERATOR_HEALTH_PORT + 1))}
HK_JOBSET_HEALTH_PORT=${HYBRIDCTL_KUBE_JOBSET_HEALTH_PORT:-$((HK_OPERATOR_HEALTH_PORT + 2))}
HK_SETTING_VARS+=(HK_TRAINER_WEBHOOK_PORT HK_JOBSET_WEBHOOK_PORT HK_TRAINER_HEALTH_PORT HK_JOBSET_HEALTH_PORT)
HK_DAEMONS+=(jobset trainer-controller-manager)
# shellcheck disable=SC2034 # used by kube.sh
HK_KF_BIN_FILES=(jobset trainer-controller-manager trainer-manifests jobset-manifests)
HK_KF_RUNTIME=torch-distributed

hk_kf_ports() { echo "$HK_TRAINER_WEBHOOK_PORT $HK_JOBSET_WEBHOOK_PORT $HK_TRAINER_HEALTH_PORT $HK_JOBSET_HEALTH_PORT"; }

hk_kf_validate() {
  local v
  command -v jq >/dev/null || hk_die "\`jq\` is needed for the Trainer/JobSet webhook configurations (Debian: jq)"
  for v in HK_TRAINER_WEBHOOK_PORT HK_JOBSET_WEBHOOK_PORT HK_TRAINER_HEALTH_PORT HK_JOBSET_HEALTH_PORT; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || hk_die "${v/HK_/HYBRIDCTL_KUBE_} must be a positive integer, not \`${!v}\`"
  done
}

# the CRDs `up` creates with the others
hk_kf_crd_files() {
  local t=$HK_BIN/trainer-manifests
  printf -- '-f\n%s\n' "$t/crds_trainer.kubeflow.org_trainjobs.yaml" \
    "$t/crds_trainer.kubeflow.org_trainingruntimes.yaml" \
    "$t/crds_trainer.kubeflow.org_clustertrainingruntimes.yaml" \
    "$HK_BIN/jobset-manifests/crd_bases_jobset.x-k8s.io_jobsets.yaml"
}
# shellcheck disable=SC2034 # used by kube.sh
HK_KF_CRDS=(crd/trainjobs.trainer.kubeflow.org crd/trainingruntimes.trainer.kubeflow.org
  crd/clustertrainingruntimes.trainer.kubeflow.org crd/jobsets.jobset.x-k8s.io)

# The restricted user's extra rights for the TrainJob backend: exactly `hybridctl rbac
# --api trainjob` (TrainJobs; JobSets to read and to remove orphans; the runtime to check).
hk_kf_rbac() {
  cat <<EOF
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: hybridctl-trainjob
  namespace: $HK_NAMESPACE
rules:
- apiGroups: [trainer.kubeflow.org]
  resources: [trainjobs]
  verbs: [create, get, list, watch, delete]
- apiGroups: [jobset.x-k8s.io]
  resources: [jobsets]
  verbs: [get, list, delete]
- apiGroups: [trainer.kubeflow.org]
  resources: [trainingruntimes]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: hybridctl-trainjob
  namespace: $HK_NAMESPACE
subjects:
- {kind: User, name: $HK_USER, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: Role, name: hybridctl-trainjob, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: hybridctl-trainjob-runtimes
rules:
- apiGroups: [trainer.kubeflow.org]
  resources: [clustertrainingruntimes]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: hybridctl-trainjob-runtimes
subjects:
- {kind: User, name: $HK_USER, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: ClusterRole, name: hybridctl-trainjob-runtimes, apiGroup: rbac.authorization.k8s.io}
EOF
}

hk_kf_files() { # key pair and configuration files of both daemons (after hk_gen_pki)
  local d=$HK_DIR/kubeflow
  mkdir -p "$d/certs" "$d/trainer-tmp/k8s-webhook-server/serving-certs"
  (
    cd "$HK_PKI"
    openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=kubeflow-webhooks" \
      -keyout kubeflow-webhook.key -out kubeflow-webhook.csr 2>/dev/null
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >kubeflow-webhook.ext
    openssl x509 -req -sha256 -days 3650 -in kubeflow-webhook.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -extfile kubeflow-webhook.ext -out kubeflow-webhook.crt 2>/dev/null
    rm -f kubeflow-webhook.csr kubeflow-webhook.ext
    chmod 600 kubeflow-webhook.key
  ) || hk_fail "openssl failed to make the Trainer/JobSet webhook key pair in $HK_PKI"
  # JobSet takes a directory (webhook.certDir); the Trainer's webhook server reads
  # $TMPDIR/k8s-webhook-server/serving-certs (no setting), so it runs with its own TMPDIR
  for c in "$d/certs" "$d/trainer-tmp/k8s-webhook-server/serving-certs"; do
    cp "$HK_PKI/kubeflow-webhook.crt" "$c/tls.crt"
    cp "$HK_PKI/kubeflow-webhook.key" "$c/tls.key"
  done
  cat >"$d/trainer-config.yaml" <<EOF
apiVersion: config.trainer.kubeflow.org/v1alpha1
kind: Configuration
health:
  healthProbeBindAddress: "127.0.0.1:$HK_TRAINER_HEALTH_PORT"
  readinessEndpointName: readyz
  livenessEndpointName: healthz
metrics:
  bindAddress: "0"
webhook:
  port: $HK_TRAINER_WEBHOOK_PORT
  host: 127.0.0.1
leaderElection:
  leaderElect: false
certManagement:
  enable: false
featureGates:
  TrainJobStatus: false
EOF
  cat >"$d/jobset-config.yaml" <<EOF
apiVersion: config.jobset.x-k8s.io/v1alpha1
kind: Configuration
health:
  healthProbeBindAddress: "127.0.0.1:$HK_JOBSET_HEALTH_PORT"
metrics:
  bindAddress: "0"
webhook:
  port: $HK_JOBSET_WEBHOOK_PORT
  host: 127.0.0.1
  certDir: $d/certs
leaderElection:
  leaderElect: false
internalCertManagement:
  enable: false
EOF
}

# The modules' webhook configurations, pointed at 127.0.0.1 by URL with the test CA, and with
# upstream's kustomize patches (trainer manifests/base/webhook/patch_*.yaml, jobset
# config/components/webhook/patches/ and its `jobset-` name prefix).
hk_kf_webhooks() {
  local ca
  ca=$(base64 -w0 <"$HK_PKI/ca.crt")
  {
    hk_k create --dry-run=client -o json -f "$HK_BIN/trainer-manifests/webhook_manifests.yaml" |
      jq --arg url "https://127.0.0.1:$HK_TRAINER_WEBHOOK_PORT" --arg ca "$ca" '
        (if .kind == "List" then .items else [.] end)[]
        | .metadata.name = (if .kind == "MutatingWebhookConfiguration" then "defaulter.trainer.kubeflow.org" else "validator.trainer.kubeflow.org" end)
        | .webhooks |= map(
            .clientConfig = {url: ($url + .clientConfig.service.path), caBundle: $ca}
            | if (.name | test("runtime")) then .objectSelector = {matchExpressions: [{key: "trainer.kubeflow.org/webhook-validation", operator: "NotIn", values: ["disabled"]}]} else . end)'
    hk_k create --dry-run=client -o json -f "$HK_BIN/jobset-manifests/webhook_manifests.yaml" |
      jq --arg url "https://127.0.0.1:$HK_JOBSET_WEBHOOK_PORT" --arg ca "$ca" '
        (if .kind == "List" then .items else [.] end)[]
        | .metadata.name = ("jobset-" + .metadata.name)
        | .webhooks |= map(
            .clientConfig = {url: ($url + .clientConfig.service.path), caBundle: $ca}
            | if (.rules[0].resources == ["pods"]) then .objectSelector = {matchExpressions: [{key: "jobset.sigs.k8s.io/jobset-name", operator: "Exists"}]} else . end)'
  } >"$HK_DIR/kubeflow/webhooks.json" || return 1
  hk_k create -f "$HK_DIR/kubeflow/webhooks.json"
}

hk_kf_start_jobset() {
  hk_spawn jobset "$HK_BIN/jobset" --kubeconfig="$HK_ADMIN_KC" --config="$HK_DIR/kubeflow/jobset-config.yaml" \
    --zap-log-level=info
}
hk_kf_start_trainer() {
  hk_spawn trainer-controller-manager env TMPDIR="$HK_DIR/kubeflow/trainer-tmp" \
    "$HK_BIN/trainer-controller-manager" --kubeconfig="$HK_ADMIN_KC" \
    --config="$HK_DIR/kubeflow/trainer-config.yaml" --zap-log-level=info
}
hk_kf_ready() { # <jobset|trainer>
  local port=$HK_JOBSET_HEALTH_PORT
  [[ $1 == trainer ]] && port=$HK_TRAINER_HEALTH_PORT
  curl --noproxy "*" -fsS --max-time 2 "http://127.0.0.1:$port/readyz" >/dev/null
}
hk_kf_runtime_ready() { # the torch-distributed runtime exists (its creation went through the webhook)
  hk_k get clustertrainingruntime "$HK_KF_RUNTIME" >/dev/null 2>&1 ||
    hk_k create -f "$HK_BIN/trainer-manifests/runtimes_torch_distributed.yaml" >>"$HK_DIR/log/setup.log" 2>&1
}

# `up`, after the CRDs are Established and the other controllers started
hk_kf_up() {
  hk_kf_webhooks >>"$HK_DIR/log/setup.log" 2>&1 ||
    hk_fail "registering the Trainer/JobSet webhooks failed (see $HK_DIR/log/setup.log)" setup
  hk_kf_start_jobset
  hk_kf_start_trainer
  hk_wait "the JobSet controller (http://127.0.0.1:$HK_JOBSET_HEALTH_PORT/readyz)" jobset hk_kf_ready jobset
  hk_wait "the Trainer controller manager (http://127.0.0.1:$HK_TRAINER_HEALTH_PORT/readyz)" trainer-controller-manager hk_kf_ready trainer
  hk_wait "the ClusterTrainingRuntime $HK_KF_RUNTIME (created through the Trainer's webhook)" trainer-controller-manager hk_kf_runtime_ready
}

hk_kf_healthy() { hk_kf_ready jobset && hk_kf_ready trainer; }

# `down`: both, before the API server (they are its clients)
hk_kf_pids() {
  local n pid
  for n in trainer-controller-manager jobset; do
    if pid=$(hk_pid "$n"); then echo "$pid"; fi
  done
}

# `revive`: start them again if they exited (tests stop them on purpose with stop-trainer)
hk_kf_revive() {
  hk_pid jobset >/dev/null || { hk_log "starting jobset again"; hk_kf_start_jobset; }
  hk_pid trainer-controller-manager >/dev/null || { hk_log "starting trainer-controller-manager again"; hk_kf_start_trainer; }
  hk_wait "the JobSet controller" jobset hk_kf_ready jobset
  hk_wait "the Trainer controller manager" trainer-controller-manager hk_kf_ready trainer
}

hk_kf_status() {
  if hk_kf_healthy; then
    echo "trainer-controller-manager, jobset: ready (http://127.0.0.1:$HK_TRAINER_HEALTH_PORT/readyz, :$HK_JOBSET_HEALTH_PORT/readyz)"
  fi
}

# `selftest` (called by hk_selftest, whose `check`, $d, $ns, $tol, $k and $kc it uses): a
# TrainJob on torch-distributed -> the Trainer's JobSet -> the Job controller's 2 pods -> bound
# by the scheduler -> completed by kwok -> Complete; deleting it removes the rest
# shellcheck disable=SC2154 # d, ns, tol, k, kc: locals of hk_selftest (dynamic scope)
hk_kf_selftest() {
  local sel="jobset.sigs.k8s.io/jobset-name=selftest-tj" pod_tol=""
  [[ -n $tol ]] && pod_tol="                    $tol"
  check "trainer: ClusterTrainingRuntime $HK_KF_RUNTIME exists" hk_k get clustertrainingruntime "$HK_KF_RUNTIME"
  cat >"$d/job-tj.yaml" <<EOF2
apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata:
  name: selftest-tj
  namespace: $ns
spec:
  runtimeRef: {name: $HK_KF_RUNTIME}
  trainer:
    numNodes: 2
    image: example.invalid/train:1
    resourcesPerNode:
      limits: {nvidia.com/gpu: $HK_GPUS, $HK_RDMA_RESOURCE: 1}
  runtimePatches:
  - manager: hybridctl.test/selftest
    trainingRuntimeSpec:
      template:
        spec:
          replicatedJobs:
          - name: node
            template:
              spec:
                template:
                  spec:
$pod_tol
EOF2
  check "user: creates a TrainJob (numNodes 2) through the Trainer's webhooks" hk_ku create -f "$d/job-tj.yaml"
  check "trainer + jobset: the JobSet owned by the TrainJob" bash -c \
    "for i in \$(seq 100); do [ \"\$('$k' --kubeconfig '$kc' get jobset -n $ns selftest-tj -o jsonpath='{.metadata.ownerReferences[0].kind}' 2>/dev/null)\" = TrainJob ] && exit 0; sleep 0.2; done; exit 1"
  check "job controller + kube-scheduler: 2 pods of the JobSet bound to kwok nodes" bash -c \
    "for i in \$(seq 150); do [ \"\$('$k' --kubeconfig '$kc' get pods -n $ns -l $sel -o jsonpath='{range .items[*]}{.spec.nodeName}{\"\\n\"}{end}' | grep -c '^node[0-9]')\" = 2 ] && exit 0; sleep 0.2; done; exit 1"
  check "trainer: the TrainJob is Complete after kwok completed its pods" \
    hk_k wait --for=condition=Complete --timeout=60s trainjob/selftest-tj -n "$ns"
  check "user: deletes the TrainJob" hk_ku delete trainjob -n "$ns" selftest-tj --wait=false
  check "kube-controller-manager: the garbage collector deletes its JobSet, Job and pods" bash -c \
    "for i in \$(seq 150); do [ -z \"\$('$k' --kubeconfig '$kc' get jobsets,jobs,pods -n $ns -l $sel -o name; '$k' --kubeconfig '$kc' get jobset -n $ns selftest-tj -o name --ignore-not-found)\" ] && exit 0; sleep 0.2; done; exit 1"
}
