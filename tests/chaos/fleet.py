"""The Rollouts under test, their objects, their second revisions and what each deserves.

Three kinds, in the proportions 40/30/30:
  canary     `c-NN`: replicas 2, Service `c-NN` (spans both slots: the replica-ratio traffic the
             simulator sends), stableService `c-NN-stable`, every other one a canaryService
             `c-NN-canary`; steps setWeight 50, then the `chaos-error-rate` gate.
  blue-green `b-NN`: replicas 1 or 2, activeService `b-NN-active`, previewService `b-NN-preview`
             (the simulator calls both), the gate as prePromotionAnalysis.
  adopted    `a-NN`: a running Deployment `a-NN` and its Service `a-NN`, taken over through
             spec.workloadRef (scaleDown never / onsuccess / progressively in turn); steps
             setWeight 50, pause 3s. A release is an edit of the Deployment.
A fifth of each kind gets a bad second revision: canary and blue-green half an error rate of 0.5
(only the gate can catch it), half crash-looping pods; adopted ones crash (with the Service
pinned to the stable slot their candidate gets no traffic, so a gate would have no data).

The production Services (`Rollout.serving`) must never select zero ready pods. The candidate
Services (canaryService, previewService) are pinned to the candidate when a release starts, before
its pods are ready, by design (as in Argo Rollouts), so they are not held to that.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

GROUP = "cutover.dev/v1alpha1"
GATE = "chaos-error-rate"
BAD_ERROR_RATE = "0.5"
# Two measurements 5 s apart (the simulator is scraped every second: 5 s give rate() its two
# samples). Sized for the 30 s Prometheus outage: 20 errors in a row (100 s) are tolerated, and
# no data (the rate() window right after the outage) is waited out for 3 min. The shipped
# http-error-rate (limit 4, 10 s apart) would end a good release in Error.
POLICY = {
    "apiVersion": GROUP, "kind": "SLOPolicy",
    "metadata": {"name": GATE},
    "spec": {
        "noDataTimeout": "3m",
        "metrics": [{
            "name": "error-rate",
            "initialDelay": "5s",
            "interval": "5s",
            "count": 2,
            "failureLimit": 0,
            "consecutiveErrorLimit": 20,
            "threshold": {
                "query": (
                    '(sum(rate(http_requests_total{namespace="{{rollout.namespace}}",'
                    'pod=~"{{rollout.canaryPods}}",code=~"5.."}[20s])) or vector(0)) / '
                    'sum(rate(http_requests_total{namespace="{{rollout.namespace}}",'
                    'pod=~"{{rollout.canaryPods}}"}[20s]))'),
                "successCondition": "result < 0.1",
            },
        }],
    },
}


@dataclass
class Rollout:
    name: str
    kind: str  # canary | blue-green | adopted
    replicas: int
    bad: str = ""  # "" (good) | error-rate | crash
    scale_down: str = ""  # adopted only
    canary_service: str = ""
    services: dict[str, str] = field(default_factory=dict)  # Service -> role
    targets: dict[str, int] = field(default_factory=dict)  # simulator target Service -> rps

    @property
    def serving(self) -> list[str]:
        """The Services that carry production traffic."""
        return [s for s, role in self.services.items() if role == "serving"]

    def image(self, revision: int) -> str:
        return f"{self.name}:{revision}"

    def expected_image(self) -> str:
        return self.image(1 if self.bad else 2)


def plan(count: int, rng: random.Random) -> list[Rollout]:
    canaries = round(count * 0.4)
    blue_greens = round(count * 0.3)
    adopted = count - canaries - blue_greens
    fleet: list[Rollout] = []
    for i in range(canaries):
        r = Rollout(f"c-{i:02d}", "canary", 2)
        r.services = {r.name: "serving", f"{r.name}-stable": "serving"}
        if i % 2 == 0:
            r.canary_service = f"{r.name}-canary"
            r.services[r.canary_service] = "candidate"
        r.targets = {r.name: 4}
        fleet.append(r)
    for i in range(blue_greens):
        r = Rollout(f"b-{i:02d}", "blue-green", 1 + i % 2)
        r.services = {f"{r.name}-active": "serving", f"{r.name}-preview": "candidate"}
        r.targets = {f"{r.name}-active": 2, f"{r.name}-preview": 4}
        fleet.append(r)
    modes = ["never", "onsuccess", "progressively"]
    for i in range(adopted):
        r = Rollout(f"a-{i:02d}", "adopted", 1 + i % 2, scale_down=modes[i % 3])
        r.services = {r.name: "serving"}
        fleet.append(r)
    for kind in ("canary", "blue-green", "adopted"):
        members = [r for r in fleet if r.kind == kind]
        bad = rng.sample(members, round(len(members) / 5))
        for j, r in enumerate(bad):
            r.bad = "crash" if kind == "adopted" or j % 2 else "error-rate"
    return fleet


def _service(name: str, app: str) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": app}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}}


def _template(r: Rollout, revision: int, annotations: dict[str, str] | None = None) -> dict:
    meta: dict = {"labels": {"app": r.name}}
    if annotations:
        meta["annotations"] = annotations
    return {"metadata": meta, "spec": {"containers": [{"name": "app", "image": r.image(revision)}]}}


def services(r: Rollout) -> list[dict]:
    return [_service(s, r.name) for s in r.services]


def deployment(r: Rollout) -> dict:
    """The adopted kind's own Deployment, running before the Rollout exists."""
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": r.name},
            "spec": {"replicas": r.replicas, "selector": {"matchLabels": {"app": r.name}},
                     "template": _template(r, 1)}}


# The old slot's pods stay this long after the serving Service moves to the new slot (Argo's
# default and ours). It is the time kube-proxy and the EndpointSlice controller have to follow
# the selector; the zero-ready check holds the operator to it. It was 2 s, and an API server
# crash right after a promotion (the selector written as it came back, the slot scaled down 2 s
# later) left 13 stable Services without a ready endpoint for 1 s while kube-controller-manager
# was still relisting: the EndpointSlice controller's lag, not the operator's order. Every fault
# here is shorter than 30 s (the longest, an API server restart, about 15 s).
SCALE_DOWN_DELAY = 30


def rollout(r: Rollout) -> dict:
    spec: dict = {"replicas": r.replicas}
    gate = {"policies": [{"name": GATE}]}
    if r.kind == "adopted":
        spec["workloadRef"] = {"apiVersion": "apps/v1", "kind": "Deployment", "name": r.name,
                               "scaleDown": r.scale_down}
        spec["strategy"] = {"canary": {
            "stableService": r.name, "scaleDownDelaySeconds": SCALE_DOWN_DELAY, "abortScaleDownDelaySeconds": 0,
            "steps": [{"setWeight": 50}, {"pause": {"duration": "3s"}}]}}
    else:
        spec["selector"] = {"matchLabels": {"app": r.name}}
        spec["template"] = _template(r, 1)
    if r.kind == "canary":
        canary: dict = {"stableService": f"{r.name}-stable", "scaleDownDelaySeconds": SCALE_DOWN_DELAY,
                        "abortScaleDownDelaySeconds": 0,
                        "steps": [{"setWeight": 50}, {"analysis": gate}]}
        if r.canary_service:
            canary["canaryService"] = r.canary_service
        spec["strategy"] = {"canary": canary}
    elif r.kind == "blue-green":
        spec["strategy"] = {"blueGreen": {
            "activeService": f"{r.name}-active", "previewService": f"{r.name}-preview",
            "autoPromotionEnabled": True, "scaleDownDelaySeconds": SCALE_DOWN_DELAY, "abortScaleDownDelaySeconds": 0,
            "prePromotionAnalysis": gate}}
    return {"apiVersion": GROUP, "kind": "Rollout", "metadata": {"name": r.name}, "spec": spec}


def second_revision(r: Rollout) -> tuple[str, dict]:
    """The merge patch of the release: (API path below the namespace, patch)."""
    annotations = {}
    if r.bad == "error-rate":
        annotations["sim.cutover.dev/error-rate"] = BAD_ERROR_RATE
    elif r.bad == "crash":
        annotations["sim.cutover.dev/crash"] = "true"
    patch = {"spec": {"template": _template(r, 2, annotations)}}
    if r.kind == "adopted":
        return f"/apis/apps/v1/namespaces/{{ns}}/deployments/{r.name}", patch
    return f"/apis/{GROUP}/namespaces/{{ns}}/rollouts/{r.name}", patch
