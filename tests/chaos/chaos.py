"""The chaos suite (issue 12): 100 Rollouts released while everything around the operator fails.

Driven by chaos.sh (namespace, CRDs, the operator's kubeconfig, clean-up). Environment:
  KUBECONFIG                          admin: setup, sampling and checks
  CUTOVER_CHAOS_OPERATOR_KUBECONFIG   the operator's identity (default: KUBECONFIG)
  CUTOVER_CHAOS_NAMESPACE             the namespace (made by chaos.sh)
  CUTOVER_CHAOS_SEED                  replay a run (default: random; printed first)
  CUTOVER_CHAOS_ROLLOUTS              how many Rollouts (default 100)
  CUTOVER_OPERATOR_BIN, CUTOVER_CLUSTER_SCRIPT, CUTOVER_CLUSTER_STATE, PROMETHEUS_URL, CUTOVER_CHAOS_LOGDIR

The run: two operator replicas with leader election; the Rollouts' first revisions, then a
second revision for each (a fifth of them bad); meanwhile a random replica is SIGKILLed every
5-20 s (and the leader once on purpose), kube-apiserver is restarted twice (a clean restart,
then SIGKILL) and Prometheus is stopped for 30 s while gates run. Sampled every 0.5 s and
checked at the end: see sampler.py and checks.py. Exit 1 on any wrong outcome or violated
invariant, with the details; the last line is the summary.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import threading
import time

import checks
import fleet as fleet_mod
from faults import Operators, World
from kube import ApiError, Kube, Unavailable
from sampler import Sampler

OUTAGE_SECONDS = 30
T0 = time.time()


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} chaos +{time.time() - T0:5.1f}s] {message}", file=sys.stderr, flush=True)


def retry(what: str, call, deadline_s: float = 90.0):
    """Calls `call` until the API server answers it (it may be restarting)."""
    deadline = time.time() + deadline_s
    while True:
        try:
            return call()
        except Unavailable:
            if time.time() > deadline:
                raise
            time.sleep(0.5)
        except ApiError as e:
            raise RuntimeError(f"{what}: {e}") from e


def wait_until(what: str, seconds: float, done) -> None:
    deadline = time.time() + seconds
    while not done():
        if time.time() > deadline:
            raise TimeoutError(f"timed out after {seconds:.0f}s waiting for {what}")
        time.sleep(0.5)


class Run:
    def __init__(self) -> None:
        env = os.environ
        self.seed = env.get("CUTOVER_CHAOS_SEED") or str(random.SystemRandom().randrange(1, 10**9))
        print(f"chaos: seed={self.seed}", flush=True)
        self.ns = env["CUTOVER_CHAOS_NAMESPACE"]
        self.count = int(env.get("CUTOVER_CHAOS_ROLLOUTS", "100"))
        # One generator per purpose, so that threads do not shift each other's draws.
        self.rng_fleet = random.Random(f"{self.seed}/fleet")
        self.rng_kills = random.Random(f"{self.seed}/kills")
        self.rng_restart = random.Random(f"{self.seed}/restart")
        self.rng_world = random.Random(f"{self.seed}/world")
        self.rng_release = random.Random(f"{self.seed}/release")
        self.fleet = fleet_mod.plan(self.count, self.rng_fleet)
        self.kube = Kube(env["KUBECONFIG"])
        self.prometheus_url = env["PROMETHEUS_URL"]
        self.operators = Operators(
            binary=env["CUTOVER_OPERATOR_BIN"],
            kubeconfig=env.get("CUTOVER_CHAOS_OPERATOR_KUBECONFIG") or env["KUBECONFIG"],
            namespace=self.ns, prometheus_url=self.prometheus_url,
            logdir=env["CUTOVER_CHAOS_LOGDIR"], clock=time.time)
        self.world = World(env["CUTOVER_CLUSTER_SCRIPT"], env["CUTOVER_CLUSTER_STATE"], time.time)
        self.sampler = Sampler(self.kube, self.ns, self.fleet, self.operators, time.time)
        self.stop_sampling = threading.Event()
        self.stop_kills = threading.Event()
        self.stop_supervisor = threading.Event()
        self.threads: list[threading.Thread] = []
        self.failures: dict[str, list[str]] = {}
        self.first_release: float | None = None
        self.outage_running = 0  # the most AnalysisRuns seen Running while Prometheus was down
        self.released = 0
        self.world_error = ""
        # Rollouts retried by the harness (as the person an inconclusive gate waits for), and when.
        self.inconclusive_retries: dict[str, float] = {}

    def path(self, rest: str) -> str:
        return rest.replace("{ns}", self.ns)

    def thread(self, target, *args) -> threading.Thread:
        t = threading.Thread(target=target, args=args, daemon=True)
        t.start()
        self.threads.append(t)
        return t

    # ---- setup ----------------------------------------------------------------------------

    def setup(self) -> None:
        ns = self.ns
        kinds = {k: sum(r.kind == k for r in self.fleet) for k in ("canary", "blue-green", "adopted")}
        bad = {b: sum(r.bad == b for r in self.fleet) for b in ("error-rate", "crash")}
        log(f"namespace {ns}: {self.count} Rollouts {kinds}, bad second revisions {bad}")
        self.kube.create(f"/apis/{fleet_mod.GROUP}/namespaces/{ns}/slopolicies", fleet_mod.POLICY)
        for r in self.fleet:
            for svc in fleet_mod.services(r):
                self.kube.create(f"/api/v1/namespaces/{ns}/services", svc)
            if r.kind == "adopted":
                self.kube.create(f"/apis/apps/v1/namespaces/{ns}/deployments", fleet_mod.deployment(r))
        targets = {}
        for r in self.fleet:
            for svc, rps in r.targets.items():
                targets[f"{ns}-{svc}"] = f"kind: Service\nnamespace: {ns}\nname: {svc}\nrps: {rps}\n"
        self.kube.merge_patch("/api/v1/namespaces/cutover-sim/configmaps/targets", {"data": targets})
        self.target_keys = list(targets)

        adopted = [r for r in self.fleet if r.kind == "adopted"]

        def deployments_available() -> bool:
            deps = {d["metadata"]["name"]: d for d in self.kube.items(f"/apis/apps/v1/namespaces/{ns}/deployments")}
            return all((deps.get(r.name, {}).get("status") or {}).get("availableReplicas") == r.replicas
                       for r in adopted)
        wait_until("the adopted Deployments to be available", 120, deployments_available)
        for r in adopted:
            self.sampler.activate(r.name)
        log(f"{len(adopted)} adopted Deployments available; their Services are checked from now on")

    # ---- chaos threads --------------------------------------------------------------------

    def kill_loop(self) -> None:
        while not self.stop_kills.wait(self.rng_kills.uniform(5, 20)):
            target = self.operators.replicas[self.rng_kills.randrange(len(self.operators.replicas))]
            k = self.operators.kill(target, "random", self.sampler.is_leader(target.name))
            if k:
                log(f"SIGKILL {k.replica} (pid {k.pid}{', the leader' if k.was_leader else ''})")

    def leader_kill(self, at: float) -> None:
        if self.stop_kills.wait(max(0.0, at - time.time())):
            return
        deadline = time.time() + 30
        while time.time() < deadline and not self.stop_kills.is_set():
            for r in self.operators.live():
                if self.sampler.is_leader(r.name):
                    k = self.operators.kill(r, "leader", True)
                    if k:
                        log(f"SIGKILL the leader {k.replica} (pid {k.pid})")
                        return
            time.sleep(0.2)
        log("no leader to kill within 30 s")

    def world_schedule(self, t1: float) -> None:
        try:
            time.sleep(max(0.0, t1 + self.rng_world.uniform(5, 15) - time.time()))
            log("restarting kube-apiserver (SIGTERM)")
            e = self.world.restart_apiserver(crash=False)
            log(f"kube-apiserver back after {e.up_at - e.began:.1f}s: {e.output.splitlines()[-1]}")
            # Stop Prometheus once gates are measuring, so that the outage meets them.
            gated = sum(r.kind != "adopted" for r in self.fleet)
            need = max(1, min(10, gated // 4))
            wait_end = t1 + 180
            while time.time() < wait_end and self.sampler.measuring_runs < need:
                time.sleep(0.5)
            log(f"stopping Prometheus for {OUTAGE_SECONDS}s ({self.sampler.measuring_runs} AnalysisRuns measuring)")
            e = self.world.prometheus_outage(OUTAGE_SECONDS, self.note_running_runs)
            log(f"Prometheus back ({e.up_at - e.down_at:.1f}s without it; up to {self.outage_running} "
                f"AnalysisRuns running meanwhile)")
            time.sleep(self.rng_world.uniform(10, 20))
            log("crashing kube-apiserver (SIGKILL) and starting it again")
            e = self.world.restart_apiserver(crash=True)
            log(f"kube-apiserver back after {e.up_at - e.began:.1f}s")
        except Exception as e:  # reported as a failure of the run
            self.world_error = f"{type(e).__name__}: {e}"
            log(f"world schedule failed: {self.world_error}")

    def note_running_runs(self) -> None:
        self.outage_running = max(self.outage_running, self.sampler.running_runs)

    # ---- the releases ---------------------------------------------------------------------

    def create_rollouts(self) -> None:
        for r in self.fleet:
            retry(f"create Rollout {r.name}",
                  lambda r=r: self.kube.create(f"/apis/{fleet_mod.GROUP}/namespaces/{self.ns}/rollouts",
                                               fleet_mod.rollout(r)))

    def release_loop(self, deadline: float) -> None:
        """Gives each Rollout its second revision as soon as its first is Healthy (so the slow
        tail of first deployments overlaps the releases), in a seeded order, at most 5 per 0.5 s."""
        pending = list(self.fleet)
        self.rng_release.shuffle(pending)
        while pending and time.time() < deadline:
            ready = [r for r in pending if r.name in self.sampler.first_healthy][:5]
            for r in ready:
                path, patch = fleet_mod.second_revision(r)
                retry(f"release {r.name}", lambda p=self.path(path), b=patch: self.kube.merge_patch(p, b))
                pending.remove(r)
                self.released += 1
                if self.first_release is None:
                    self.first_release = time.time()
            time.sleep(0.5)
        if pending:
            self.failures["timeout"] = [f"first revisions of {[r.name for r in pending]} not Healthy in time; "
                                        f"{self.progress()}"]

    def done(self, r: fleet_mod.Rollout) -> bool:
        st = (self.sampler.rollouts.get(r.name) or {}).get("status") or {}
        last = (st.get("history") or [{}])[-1]
        if st.get("phase") == "Degraded":
            return True
        return (st.get("phase") == "Healthy" and last.get("result") == "Promoted"
                and (last.get("images") or [""])[0] == r.image(2))

    def retry_inconclusive(self) -> None:
        """Acts, once the faults are over, as the person an inconclusive gate waits for: a gate
        that met the outage (errors, then "no data" past noDataTimeout) pauses the release, by
        design, rather than pass or fail it blind. `deploy retry` (status.retryAnalysis) measures
        again in new AnalysisRuns, the old ones kept; the Rollout then ends as its revision
        deserves, which the end-state checks judge. At most once per Rollout every 30 s."""
        for r in self.fleet:
            st = (self.sampler.rollouts.get(r.name) or {}).get("status") or {}
            paused = any(p.get("reason") == "AnalysisInconclusive" for p in st.get("pauseConditions") or [])
            if not paused or time.time() - self.inconclusive_retries.get(r.name, 0.0) < 30:
                continue
            path = f"/apis/{fleet_mod.GROUP}/namespaces/{self.ns}/rollouts/{r.name}/status"
            try:
                self.kube.merge_patch(path, {"status": {"retryAnalysis": True}})
                self.inconclusive_retries[r.name] = time.time()
                log(f"{r.name}: its gate was inconclusive (it met the outage); retried, as deploy retry does")
            except Exception as e:  # noqa: BLE001 - retried on the next poll
                log(f"{r.name}: retry failed ({e}); again on the next poll")

    def progress(self) -> str:
        s = self.sampler
        done = sum(self.done(r) for r in self.fleet)
        return (f"first_healthy={len(s.first_healthy)}/{self.count} released={self.released} done={done}/{self.count} "
                f"kills={len(self.operators.kills)} measuring={s.measuring_runs} "
                f"samples={s.samples} skipped={s.skipped} runs={len(s.runs)} running={s.running_runs} "
                f"zero_ready_samples={s.zero_ready_samples}")

    def wait_logged(self, what: str, seconds: float, done) -> None:
        deadline = time.time() + seconds
        next_log = time.time() + 15
        while not done():
            if time.time() > deadline:
                raise TimeoutError(f"timed out after {seconds:.0f}s waiting for {what}; {self.progress()}")
            if time.time() >= next_log:
                log(self.progress())
                next_log += 15
            time.sleep(0.5)

    # ---- main -----------------------------------------------------------------------------

    def main(self) -> int:
        started = time.time()
        self.setup()
        self.operators.start_all(2)
        self.thread(self.operators.supervise, self.stop_supervisor, lambda: self.rng_restart.uniform(0, 2))
        self.thread(self.sampler.run, self.stop_sampling)
        wait_until("an operator replica to lead", 60,
                   lambda: any(self.sampler.is_leader(r.name) for r in self.operators.replicas))
        log("operator replicas up; creating the Rollouts (first revisions); random SIGKILLs start")
        self.thread(self.kill_loop)
        self.create_rollouts()
        releases = self.thread(self.release_loop, time.time() + 300)
        wait_until("a first revision to be Healthy", 300, lambda: self.first_release is not None)
        t1 = self.first_release
        log(f"second revisions start as first revisions become Healthy; {self.progress()}")
        world = self.thread(self.world_schedule, t1)
        self.thread(self.leader_kill, t1 + self.rng_world.uniform(10, 60))
        try:
            def every_release_ended() -> bool:
                if not world.is_alive():
                    self.retry_inconclusive()
                return not world.is_alive() and not releases.is_alive() and all(self.done(r) for r in self.fleet)
            self.wait_logged("every release to end", 720, every_release_ended)
        except TimeoutError as e:
            self.failures.setdefault("timeout", []).append(str(e))
        self.stop_kills.set()
        world.join(timeout=200)
        log(f"chaos over; {self.progress()}")
        self.finish(started)
        return 1 if any(self.failures.values()) else 0

    def finish(self, started: float) -> None:
        s = self.sampler
        # Let scale-downs finish (2 s delays), then judge the end state, polling for up to 90 s.
        problems: list[str] = []
        deadline = time.time() + 90
        while True:
            try:
                problems = checks.end_state(self.kube, self.ns, self.fleet)
            except Unavailable as e:
                problems = [f"API server unavailable for the final check: {e}"]
            if not problems or time.time() > deadline:
                break
            time.sleep(3)
        self.failures["wrong_outcomes"] = problems
        wrong = {p.split(" ", 1)[0] for p in problems}

        runs = retry("list AnalysisRuns", lambda: self.kube.items(
            f"/apis/{fleet_mod.GROUP}/namespaces/{self.ns}/analysisruns"))
        with s.lock:
            s.observe_runs(time.time(), runs)
        self.stop_sampling.set()
        events = retry("list Events", lambda: self.kube.items(f"/api/v1/namespaces/{self.ns}/events"))
        duplicates = checks.duplicate_events(events)
        self.dump(runs=runs, events=events, rollouts=list(s.rollouts.values()))

        outage = [e for e in self.world.events if e.what == "prometheus-outage"]
        restarts = [e for e in self.world.events if e.what.startswith("apiserver") and e.up_at]
        passed, outage_errors = [], 0
        outage_len = 0.0
        if outage and outage[0].up_at:
            all_runs = runs + [rec.last for rec in s.runs.values() if rec.lost_at is not None]
            passed, outage_errors = checks.gates_passed_during(all_runs, outage[0].down_at, outage[0].up_at, 1.0)
            outage_len = outage[0].up_at - outage[0].down_at
        lost_or_altered = {v.split(" AnalysisRun ", 1)[1].split()[0].rstrip(":") for v in s.run_violations}

        f = self.failures
        f["zero_ready_samples"] = s.zero_ready
        f["duplicate_events"] = duplicates
        f["lost_or_altered_runs"] = s.run_violations
        f["gate_passed_during_outage"] = passed
        restart_windows = [(e.began, e.up_at + 5.0) for e in restarts]
        f["forbidden"], forbidden_at_start = s.forbidden_outside(restart_windows)
        f["sample_errors"] = s.sample_errors
        schedule = []
        if self.world_error:
            schedule.append(f"world schedule: {self.world_error}")
        if len(restarts) != 2:
            schedule.append(f"kube-apiserver restarted {len(restarts)} times, want 2")
        if not outage or not outage[0].up_at:
            schedule.append("Prometheus was not stopped and started again")
        elif self.outage_running == 0:
            # Error measurements inside the outage (gate_errors_during_outage) are the better proof,
            # but a slow leader may not measure within it; a Running run that did not measure cannot
            # have passed either.
            schedule.append("no AnalysisRun was Running while Prometheus was down: the check of gates "
                            "during the outage proved nothing")
        if not any(k.was_leader for k in self.operators.kills):
            schedule.append("the leader was never killed")
        f["schedule"] = schedule

        end = time.time()
        longest_kill, unanswered = s.kill_to_reconcile(self.operators.kills, end)
        for name, details in f.items():
            for d in details[:40]:
                print(f"FAIL {name}: {d}", file=sys.stderr)
            if len(details) > 40:
                print(f"FAIL {name}: ... and {len(details) - 40} more", file=sys.stderr)
        for line in unanswered:
            log(f"note: {line}")
        if self.operators.self_exits:
            log("replicas that exited by themselves (restarted): " + ", ".join(
                f"{n} exit {c} at +{t - s.t0:.1f}s" for t, n, c in self.operators.self_exits))
        log(f"LIST latency (mean/worst): {s.list_latency()}")
        log(f"candidate Services (canary/preview) with 0 ready endpoints: {s.candidate_zero_ready} Service-samples "
            f"(by design while a release starts or its candidate crash-loops)")
        kills = ", ".join(f"+{k.at - s.t0:.1f}s {k.replica}{'*' if k.was_leader else ''}" for k in self.operators.kills)
        log(f"kills (* = the leader): {kills}")
        print(f"chaos: seed={self.seed} rollouts={self.count} kills={len(self.operators.kills)} "
              f"apiserver_restarts={len(restarts)} prometheus_outage={outage_len:.0f}s "
              f"wrong_outcomes={len(wrong)} "
              f"zero_ready_samples={s.zero_ready_samples} duplicate_events={len(duplicates)} "
              f"lost_or_altered_runs={len(lost_or_altered)} gate_passed_during_outage={len(passed)} "
              f"longest_without_leader={s.longest_without_leader(end):.1f}s "
              f"longest_kill_to_reconcile={longest_kill:.1f}s "
              f"forbidden={len(f['forbidden'])} forbidden_while_apiserver_started={forbidden_at_start:.0f} "
              f"samples={s.samples} skipped_samples={s.skipped} "
              f"analysis_runs={len(s.runs)} gate_errors_during_outage={outage_errors} "
              f"runs_running_during_outage={self.outage_running} "
              f"inconclusive_retried={len(self.inconclusive_retries)} "
              f"dual_leader_samples={s.dual_leader_samples} self_exits={len(self.operators.self_exits)} "
              f"wall={end - started:.0f}s", flush=True)

    def dump(self, **objects: list) -> None:
        """Keeps the end state for a post-mortem: <logdir>/<name>.json."""
        logdir = os.environ["CUTOVER_CHAOS_LOGDIR"]
        for name, items in objects.items():
            with open(os.path.join(logdir, f"{name}.json"), "w") as f:
                json.dump(items, f)
        log(f"end state kept in {logdir}/{{{','.join(objects)}}}.json, operator logs in {logdir}/operator-r*.log")

    def cleanup(self) -> None:
        """Removes the simulator's targets, deletes the Rollouts while the operator still runs (its
        finalizer restores the Services before a Rollout goes), then the namespace, then stops
        the replicas."""
        self.stop_kills.set()
        self.stop_sampling.set()
        try:
            self.world.ensure_up()
        except Exception as e:
            log(f"could not make sure Prometheus runs: {e}")
        try:
            keys = getattr(self, "target_keys", [])
            if keys:
                retry("remove the simulator targets", lambda: self.kube.merge_patch(
                    "/api/v1/namespaces/cutover-sim/configmaps/targets", {"data": {k: None for k in keys}}), 60)
            # The Rollouts first, while their Services exist: the finalizer restores each one.
            rollouts = f"/apis/{fleet_mod.GROUP}/namespaces/{self.ns}/rollouts"
            t = time.time()
            retry("delete the Rollouts", lambda: self.kube.delete(rollouts), 60)
            try:
                wait_until("the operator to let the Rollouts go", 120, lambda: not self.kube.items(rollouts))
                log(f"the operator let the {self.count} Rollouts go in {time.time() - t:.1f}s")
            except TimeoutError as e:
                # Do not leave a namespace stuck in Terminating in the shared world.
                left = self.kube.items(rollouts)
                log(f"clean-up: {e}; {len(left)} left, e.g. {[o['metadata']['name'] for o in left[:5]]}; "
                    f"removing their finalizers")
                for o in left:
                    self.kube.merge_patch(f"{rollouts}/{o['metadata']['name']}", {"metadata": {"finalizers": None}})
            retry("delete the namespace", lambda: self.kube.delete(f"/api/v1/namespaces/{self.ns}"), 60)
        except Exception as e:
            log(f"clean-up: {e}")
        self.stop_supervisor.set()
        self.operators.stop_all()


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run = Run()
    try:
        return run.main()
    finally:
        run.cleanup()


if __name__ == "__main__":
    sys.exit(main())
