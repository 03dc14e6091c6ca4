"""The checks made once the chaos is over: each Rollout's outcome, duplicate Events, and gates
that passed while Prometheus was down."""

from __future__ import annotations

import datetime
from collections import defaultdict

import fleet as fleet_mod
from kube import Kube


def outcome_problems(r: fleet_mod.Rollout, ro: dict | None, deployments: dict[str, dict],
                     services: dict[str, dict], ready_pods: dict[str, list[str]],
                     pods: dict[str, dict]) -> list[str]:
    """What is wrong with the end state of `r`: good -> Healthy on revision 2, every production
    Service pinned to the stable slot and served only by revision-2 pods; bad -> Degraded and
    aborted, the same Services served only by revision-1 pods."""
    if ro is None:
        return [f"{r.name}: the Rollout is gone"]
    st = ro.get("status") or {}
    want_image = r.expected_image()
    history = st.get("history") or [{}]
    last = history[-1]
    head = f"{r.name} ({r.kind}, {r.bad or 'good'} revision 2)"
    problems = []
    if r.bad:
        if st.get("phase") != "Degraded" or not st.get("abort"):
            problems.append(f"{head}: phase {st.get('phase')} abort={st.get('abort')}, want Degraded and aborted "
                            f"(message {st.get('message')!r})")
        if last.get("result") != "Aborted" or (last.get("images") or [""])[0] != r.image(2):
            problems.append(f"{head}: last history entry {last.get('result')} {last.get('images')}, "
                            f"want Aborted {r.image(2)}")
    else:
        if st.get("phase") != "Healthy" or st.get("abort"):
            problems.append(f"{head}: phase {st.get('phase')} abort={st.get('abort')}, want Healthy "
                            f"(message {st.get('message')!r}, abortReason {st.get('abortReason')!r})")
        if last.get("result") != "Promoted" or (last.get("images") or [""])[0] != r.image(2):
            problems.append(f"{head}: last history entry {last.get('result')} {last.get('images')}, "
                            f"want Promoted {r.image(2)}")
    slot = st.get("stableSlot")
    slot_deploy = deployments.get(f"{r.name}-{slot}")
    images = [c.get("image") for c in
              ((slot_deploy or {}).get("spec", {}).get("template", {}).get("spec", {}).get("containers") or [])]
    if images != [want_image]:
        problems.append(f"{head}: stable slot {slot} Deployment runs {images}, want [{want_image}]")
    for svc in r.serving:
        selector = (services.get(svc) or {}).get("spec", {}).get("selector") or {}
        # The canary's own Service spans both slots on purpose (replica-ratio traffic).
        if svc != r.name or r.kind == "adopted":
            if selector.get("cutover.dev/slot") != slot:
                problems.append(f"{head}: Service {svc} selects {selector}, want cutover.dev/slot={slot}")
        serving = ready_pods.get(svc, [])
        if not serving:
            problems.append(f"{head}: Service {svc} has no ready endpoint")
        wrong = [p for p in serving if _pod_images(pods.get(p)) != [want_image]]
        if wrong:
            problems.append(f"{head}: Service {svc} is served by pods {wrong} running "
                            f"{[_pod_images(pods.get(p)) for p in wrong]}, want only {want_image}")
    return problems


def _pod_images(pod: dict | None) -> list[str]:
    if pod is None:
        return ["(pod gone)"]
    return [c.get("image") for c in pod.get("spec", {}).get("containers") or []]


def end_state(kube: Kube, ns: str, rollouts: list[fleet_mod.Rollout]) -> list[str]:
    """One LIST per kind, then `outcome_problems` for every Rollout."""
    base = f"/namespaces/{ns}"
    ros = {o["metadata"]["name"]: o for o in kube.items(f"/apis/{fleet_mod.GROUP}{base}/rollouts")}
    deps = {o["metadata"]["name"]: o for o in kube.items(f"/apis/apps/v1{base}/deployments")}
    svcs = {o["metadata"]["name"]: o for o in kube.items(f"/api/v1{base}/services")}
    pods = {o["metadata"]["name"]: o for o in kube.items(f"/api/v1{base}/pods")}
    ready: dict[str, list[str]] = defaultdict(list)
    for s in kube.items(f"/apis/discovery.k8s.io/v1{base}/endpointslices"):
        svc = (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name", "")
        for e in s.get("endpoints") or []:
            if (e.get("conditions") or {}).get("ready") is not False:
                ready[svc].append((e.get("targetRef") or {}).get("name", "?"))
    problems = []
    for r in rollouts:
        problems += outcome_problems(r, ros.get(r.name), deps, svcs, ready, pods)
    return problems


def duplicate_events(events: list[dict]) -> list[str]:
    """Events the operator wrote more than once for one transition: the same (involved object,
    reason, message) in two Events, or one Event with a count above 1."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for e in events:
        if (e.get("source") or {}).get("component") != "cutover" and \
                not str(e.get("reportingComponent", "")).startswith("cutover"):
            continue
        io = e.get("involvedObject") or {}
        groups[(io.get("kind"), io.get("name"), e.get("reason"), e.get("message"))].append(e)
    out = []
    for (kind, name, reason, message), es in sorted(groups.items(), key=lambda kv: str(kv[0])):
        total = sum(int(e.get("count") or 1) for e in es)
        if total > 1:
            out.append(f"{kind} {name}: {reason} {message!r} recorded {total} times "
                       f"(Events {', '.join(e['metadata']['name'] for e in es)})")
    return out


def parse_time(text: str) -> float | None:
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        return None


def gates_passed_during(runs: list[dict], down: float, up: float, margin: float) -> tuple[list[str], int]:
    """Successful measurements taken while Prometheus was down (wall-clock [down, up], shrunk by
    `margin` on both sides), and the number of Error measurements in that window (evidence that
    the outage met running gates)."""
    lo, hi = down + margin, up - margin
    passed, errors = [], 0
    for run in runs:
        for result in (run.get("status") or {}).get("metricResults") or []:
            for m in result.get("measurements") or []:
                started = parse_time(m.get("startedAt", ""))
                finished = parse_time(m.get("finishedAt", "")) or started
                if started is None:
                    continue
                inside = lo <= started <= hi or lo <= finished <= hi
                if not inside:
                    continue
                if m.get("phase") == "Successful":
                    passed.append(f"AnalysisRun {run['metadata']['name']} metric {result.get('name')}: "
                                  f"Successful measurement at {m.get('startedAt')} (value {m.get('value')!r}) "
                                  f"while Prometheus was down")
                elif m.get("phase") == "Error":
                    errors += 1
    return passed, errors
