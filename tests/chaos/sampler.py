"""The 0.5 s sampler: one LIST per kind (Services, EndpointSlices, Rollouts, AnalysisRuns) and a
scrape of each live operator replica per sample, checked as it goes.

What it records:
- zero-ready: a production Service (fleet.Rollout.serving) of a Rollout that is live (its first
  revision was Healthy; an adopted one from the start, its Deployment was serving), once it has
  had a ready endpoint, whose EndpointSlices hold no ready endpoint;
- AnalysisRuns: the spec of every run seen, and its status once final; any later difference,
  or a run that disappears, is a violation;
- reconcile evidence: sample pairs (t_prev, t) between which a replica's
  cutover_reconcile_total rose or a Rollout's status changed;
- leadership: which replica reports cutover_leader 1; stretches with none; samples with two;
- 403s: the rises of cutover_api_requests_total{code="403"} between two scrapes of each process
  (a killed process takes its counters with it, so each one is scraped until it dies).
Samples the API server does not answer are skipped and counted.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import fleet as fleet_mod
from kube import ApiError, Kube, Unavailable, scrape

FINAL_RUN_PHASES = {"Successful", "Failed", "Inconclusive", "Error", "Terminated"}


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@dataclass
class RunRecord:
    uid: str
    spec: str
    first_seen: float
    final_status: str | None = None
    last: dict = field(default_factory=dict)
    lost_at: float | None = None


class Sampler:
    def __init__(self, kube: Kube, namespace: str, rollouts: list[fleet_mod.Rollout], operators, clock):
        self.kube = kube
        self.ns = namespace
        self.fleet = {r.name: r for r in rollouts}
        self.operators = operators
        self.clock = clock  # wall-clock seconds: compared with the runs' RFC 3339 times
        self.t0 = clock()  # messages say t= seconds since this
        self.pool = ThreadPoolExecutor(max_workers=4)
        self.lock = threading.Lock()

        self.samples = 0
        self.skipped = 0
        self.sample_errors: list[str] = []
        self.first_healthy: set[str] = set()  # Rollouts seen Healthy on their first revision
        self.live: set[str] = set()  # Rollouts whose serving Services are checked
        self.armed: set[str] = set()  # Services of live Rollouts that have had a ready endpoint
        self.zero_ready_samples = 0
        self.zero_ready: list[str] = []
        self.candidate_zero_ready = 0
        self.runs: dict[str, RunRecord] = {}
        self.run_violations: list[str] = []
        self.running_runs = 0
        self.measuring_runs = 0  # Running, and measured (or tried to) at least once
        self.list_seconds: dict[str, list[float]] = {}  # LIST latency per kind
        self.rollouts: dict[str, dict] = {}
        self._statuses: dict[str, str] = {}
        self._last_rollouts_at: float | None = None  # the last sample that listed Rollouts
        self.reconcile_evidence: list[tuple[float, float, str]] = []
        self._counters: dict[tuple[str, int], tuple[float, float]] = {}
        self.forbidden: dict[tuple[str, int], float] = {}
        # (t_prev, t, how many, replica, pid): 403s counted between two scrapes of a process.
        self.forbidden_rises: list[tuple[float, float, float, str, int]] = []
        self.leader_flags: dict[str, bool] = {}
        self._last_leader_at: float | None = None
        self._leaderless_since: float | None = None
        self.leaderless: list[tuple[float, float]] = []
        self.dual_leader_samples = 0

    # ---- the loop -------------------------------------------------------------------------

    def run(self, stop: threading.Event, period: float = 0.5) -> None:
        due = self.clock()
        while not stop.is_set():
            self.sample()
            due += period
            now = self.clock()
            if due < now:  # a slow sample: keep the grid, skip the missed slots
                due += ((now - due) // period + 1) * period
            stop.wait(due - now)

    def sample(self) -> None:
        t = self.clock()
        self._scrape_operators(t)
        base = f"/namespaces/{self.ns}"
        paths = {
            "services": f"/api/v1{base}/services",
            "slices": f"/apis/discovery.k8s.io/v1{base}/endpointslices",
            "rollouts": f"/apis/{fleet_mod.GROUP}{base}/rollouts",
            "runs": f"/apis/{fleet_mod.GROUP}{base}/analysisruns",
        }
        if self.samples % 2:
            # The largest LIST (100 Rollouts with their status): every second sample, 1 s apart.
            del paths["rollouts"]
        futures = {k: self.pool.submit(self._timed, k, p) for k, p in paths.items()}
        got: dict[str, list[dict]] = {}
        failed = ""
        for k, f in futures.items():
            try:
                got[k] = f.result()
            except Unavailable as e:
                failed = failed or str(e)
            except ApiError as e:
                failed = failed or str(e)
                if len(self.sample_errors) < 10:
                    self.sample_errors.append(f"t={t - self.t0:.1f}s {e}")
        with self.lock:
            self.samples += 1
            if failed:
                self.skipped += 1
                return
            if "rollouts" in got:
                self._rollouts(t, got["rollouts"])
                self._last_rollouts_at = t
            self._services(t, got["services"], got["slices"])
            self.observe_runs(t, got["runs"])

    def _timed(self, kind: str, path: str) -> list[dict]:
        t = self.clock()
        items = self.kube.items(path)
        self.list_seconds.setdefault(kind, []).append(self.clock() - t)
        return items

    def list_latency(self) -> str:
        """Mean and worst LIST latency per kind, e.g. `rollouts 0.08/0.9s`."""
        return " ".join(f"{k} {sum(v) / len(v):.2f}/{max(v):.2f}s" for k, v in self.list_seconds.items() if v)

    # ---- Rollouts and Services ------------------------------------------------------------

    def _rollouts(self, t: float, items: list[dict]) -> None:
        changed = []
        for obj in items:
            name = obj["metadata"]["name"]
            self.rollouts[name] = obj
            status = obj.get("status") or {}
            key = canonical(status)
            if self._statuses.get(name) not in (None, key):
                changed.append(name)
            self._statuses[name] = key
            r = self.fleet.get(name)
            if r and name not in self.first_healthy and status.get("phase") == "Healthy":
                history = status.get("history") or [{}]
                if (history[-1].get("images") or [""])[0] == r.image(1):
                    self.first_healthy.add(name)
                    self.live.add(name)
        if changed and self._last_rollouts_at is not None:
            self.reconcile_evidence.append((self._last_rollouts_at, t, f"status of {changed[0]}"))

    def activate(self, name: str) -> None:
        """Checks the serving Services of `name` from now on (adopted: before the Rollout
        exists, since its Deployment serves already)."""
        with self.lock:
            self.live.add(name)

    def _services(self, t: float, services: list[dict], slices: list[dict]) -> None:
        ready: dict[str, int] = {}
        for s in slices:
            svc = (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name", "")
            n = sum(1 for e in s.get("endpoints") or [] if (e.get("conditions") or {}).get("ready") is not False)
            ready[svc] = ready.get(svc, 0) + n
        by_name = {s["metadata"]["name"]: s for s in services}
        zero_here = False
        for name in sorted(self.live):
            r = self.fleet[name]
            for svc, role in r.services.items():
                if ready.get(svc, 0) > 0:
                    # Armed from its first ready endpoint on: the EndpointSlice controller may
                    # lag a moment behind the Rollout's first Healthy.
                    self.armed.add(svc)
                    continue
                if role != "serving":
                    self.candidate_zero_ready += 1
                    continue
                if svc not in self.armed:
                    continue
                zero_here = True
                selector = (by_name.get(svc) or {}).get("spec", {}).get("selector", "(Service missing)")
                st = (self.rollouts.get(name) or {}).get("status") or {}
                if len(self.zero_ready) < 50:
                    self.zero_ready.append(
                        f"t={t - self.t0:.1f}s sample {self.samples}: Service {svc} of Rollout {name} ({r.kind}, "
                        f"{r.bad or 'good'}) selects {selector} with 0 ready endpoints; Rollout phase="
                        f"{st.get('phase')} step={st.get('currentStepIndex')} stableSlot={st.get('stableSlot')} "
                        f"message={st.get('message')!r}")
        if zero_here:
            self.zero_ready_samples += 1

    # ---- AnalysisRuns ---------------------------------------------------------------------

    def observe_runs(self, t: float, items: list[dict]) -> None:
        running = measuring = 0
        present = set()
        for obj in items:
            meta = obj["metadata"]
            name = meta["name"]
            present.add(name)
            status = obj.get("status") or {}
            phase = status.get("phase", "")
            running += phase in ("Running", "Pending", "")
            measuring += phase == "Running" and any(
                m.get("lastAttemptAt") for m in status.get("metricResults") or [])
            rec = self.runs.get(name)
            spec = canonical(obj.get("spec"))
            if rec is None:
                rec = self.runs[name] = RunRecord(meta.get("uid", ""), spec, t)
            else:
                if rec.lost_at is not None:
                    self.run_violations.append(f"t={t - self.t0:.1f}s AnalysisRun {name} is back after it was gone at "
                                               f"t={rec.lost_at - self.t0:.1f}s")
                    rec.lost_at = None
                if meta.get("uid") != rec.uid:
                    self.run_violations.append(f"t={t - self.t0:.1f}s AnalysisRun {name} was replaced (uid {rec.uid} -> "
                                               f"{meta.get('uid')})")
                    rec.uid = meta.get("uid", "")
                if spec != rec.spec:
                    self.run_violations.append(f"t={t - self.t0:.1f}s AnalysisRun {name}: spec changed")
                    rec.spec = spec
            if phase in FINAL_RUN_PHASES:
                st = canonical(status)
                if rec.final_status is None:
                    rec.final_status = st
                elif st != rec.final_status:
                    self.run_violations.append(
                        f"t={t - self.t0:.1f}s AnalysisRun {name}: status changed after it was final ({phase})")
                    rec.final_status = st
            elif rec.final_status is not None:
                self.run_violations.append(
                    f"t={t - self.t0:.1f}s AnalysisRun {name}: final status replaced by phase {phase!r}")
            rec.last = obj
        for name, rec in self.runs.items():
            if name not in present and rec.lost_at is None:
                rec.lost_at = t
                self.run_violations.append(f"t={t - self.t0:.1f}s AnalysisRun {name} is gone (first seen t={rec.first_seen - self.t0:.1f}s)")
        self.running_runs = running
        self.measuring_runs = measuring

    # ---- operator replicas ----------------------------------------------------------------

    def _scrape_operators(self, t: float) -> None:
        leaders = []
        for r in self.operators.live():
            proc = r.proc
            m = scrape(r.metrics)
            if m is None or proc is None:
                continue
            key = (r.name, proc.pid)
            before_t, before = self._counters.get(key, (r.started_at, 0.0))
            if m["reconciles"] > before:
                self.reconcile_evidence.append((before_t, t, f"cutover_reconcile_total of {r.name}"))
            self._counters[key] = (t, m["reconciles"])
            before_forbidden = self.forbidden.get(key, 0.0)
            if m["forbidden"] > before_forbidden:
                self.forbidden_rises.append((before_t, t, m["forbidden"] - before_forbidden, r.name, proc.pid))
            self.forbidden[key] = m["forbidden"]
            self.leader_flags[r.name] = m["leader"] == 1
            if m["leader"] == 1:
                leaders.append(r.name)
        with self.lock:
            if len(leaders) > 1:
                self.dual_leader_samples += 1
            if leaders:
                if self._leaderless_since is not None:
                    self.leaderless.append((self._leaderless_since, t))
                    self._leaderless_since = None
                self._last_leader_at = t
            elif self._last_leader_at is not None and self._leaderless_since is None:
                since = self._last_leader_at
                for k in self.operators.kills:
                    if k.was_leader and since <= k.at <= t:
                        since = max(since, k.at)
                self._leaderless_since = since

    def is_leader(self, replica: str) -> bool:
        return self.leader_flags.get(replica, False)

    def longest_without_leader(self, now: float) -> float:
        spans = [b - a for a, b in self.leaderless]
        if self._leaderless_since is not None:
            spans.append(now - self._leaderless_since)
        return max(spans, default=0.0)

    def kill_to_reconcile(self, kills, end: float) -> tuple[float, list[str]]:
        """The longest time from a kill to the first reconcile evidence gathered entirely after
        it; kills with none before `end` count until `end` and are listed."""
        worst = 0.0
        unanswered = []
        for k in kills:
            after = [t for (t0, t, _) in self.reconcile_evidence if t0 >= k.at]
            if after:
                worst = max(worst, min(after) - k.at)
            else:
                worst = max(worst, end - k.at)
                unanswered.append(f"kill of {k.replica} (pid {k.pid}) at t={k.at - self.t0:.1f}s: no reconcile after it")
        return worst, unanswered

    def forbidden_outside(self, windows: list[tuple[float, float]]) -> tuple[list[str], float]:
        """403s counted outside `windows` (each an API server restart: from the command to a
        few seconds after it served again; a starting kube-apiserver answers 403 until its RBAC
        caches are synced). Returns the details of those, and how many fell inside."""
        outside, inside = [], 0.0
        for t0, t, n, name, pid in self.forbidden_rises:
            if any(t0 <= hi and t >= lo for lo, hi in windows):
                inside += n
            else:
                outside.append(f"{name} (pid {pid}): {n:.0f} requests answered 403 between "
                               f"t={t0 - self.t0:.1f}s and t={t - self.t0:.1f}s")
        return outside, inside
