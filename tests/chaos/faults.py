"""The faults: operator replicas killed with SIGKILL, and the world's kube-apiserver and
Prometheus restarted or stopped through `scripts/cluster`.

Every process signalled here is one this suite started itself (a replica, by its PID), or a
part of the world that `scripts/cluster` controls by the PIDs in world.json.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Replica:
    name: str
    proc: subprocess.Popen | None = None
    metrics: str = ""  # host:port of its /metrics
    started_at: float = 0.0
    killed: bool = False  # the current process was SIGKILLed by us


@dataclass
class Kill:
    at: float
    replica: str
    pid: int
    was_leader: bool
    why: str  # random | leader


@dataclass
class Operators:
    """Two deploy-operator replicas with leader election, kept running: a replica that was killed
    is started again after `restart_delay`; one that exited by itself (it cannot reach the API
    server at start-up, say) is started again too, and counted."""
    binary: str
    kubeconfig: str
    namespace: str
    prometheus_url: str
    logdir: str
    clock: callable
    replicas: list[Replica] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)
    self_exits: list[tuple[float, str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start_all(self, count: int = 2) -> None:
        self.replicas = [Replica(f"r{i}") for i in range(count)]
        for r in self.replicas:
            self._start(r)

    def _start(self, r: Replica) -> None:
        metrics, probes = free_port(), free_port()
        log = open(os.path.join(self.logdir, f"operator-{r.name}.log"), "ab")
        r.proc = subprocess.Popen(
            [self.binary, "--kubeconfig", self.kubeconfig, "--namespace", self.namespace,
             "--leader-elect=true", "--leader-election-namespace", self.namespace,
             "--lease-duration", "6", "--renew-deadline", "4", "--retry-period", "1",
             "--metrics-bind-address", f"127.0.0.1:{metrics}",
             "--health-probe-bind-address", f"127.0.0.1:{probes}",
             "--prometheus-url", self.prometheus_url],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        r.metrics = f"127.0.0.1:{metrics}"
        r.started_at = self.clock()
        r.killed = False

    def live(self) -> list[Replica]:
        with self.lock:
            return [r for r in self.replicas if r.proc and r.proc.poll() is None]

    def kill(self, r: Replica, why: str, was_leader: bool) -> Kill | None:
        with self.lock:
            if r.proc is None or r.proc.poll() is not None:
                return None
            pid = r.proc.pid
            os.kill(pid, signal.SIGKILL)
            r.proc.wait()
            r.killed = True
            k = Kill(self.clock(), r.name, pid, was_leader, why)
            self.kills.append(k)
            return k

    def supervise(self, stop: threading.Event, restart_delay: callable) -> None:
        """Restarts replicas that are down, until `stop` is set."""
        due: dict[str, float] = {}
        while not stop.is_set():
            with self.lock:
                for r in self.replicas:
                    if r.proc is None or r.proc.poll() is None:
                        continue
                    if r.name not in due:
                        if not r.killed:
                            self.self_exits.append((self.clock(), r.name, r.proc.returncode))
                        due[r.name] = self.clock() + (restart_delay() if r.killed else 1.0)
                    if self.clock() >= due[r.name]:
                        del due[r.name]
                        self._start(r)
            stop.wait(0.2)

    def stop_all(self) -> None:
        """SIGTERM (a clean shutdown that releases the Lease), then SIGKILL after 10 s."""
        with self.lock:
            for r in self.replicas:
                if r.proc and r.proc.poll() is None:
                    r.proc.terminate()
            for r in self.replicas:
                if r.proc:
                    try:
                        r.proc.wait(10)
                    except subprocess.TimeoutExpired:
                        r.proc.kill()
                        r.proc.wait()


@dataclass
class WorldEvent:
    what: str  # apiserver-restart | apiserver-crash | prometheus-outage
    began: float  # when the command was issued
    down_at: float = 0.0  # when the part was down (the stop command returned)
    up_at: float = 0.0  # when it served again (the start command returned)
    output: str = ""


class World:
    """The world's controls, through scripts/cluster (same state folder as the test)."""

    def __init__(self, script: str, state: str, clock: callable):
        self.script = script
        self.env = dict(os.environ, CUTOVER_CLUSTER_STATE=state)
        self.clock = clock
        self.events: list[WorldEvent] = []

    def _run(self, *args: str) -> str:
        done = subprocess.run([self.script, *args], env=self.env, capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise RuntimeError(f"scripts/cluster {' '.join(args)} failed ({done.returncode}):\n"
                               f"{done.stdout}{done.stderr}")
        return (done.stdout + done.stderr).strip()

    def restart_apiserver(self, crash: bool) -> WorldEvent:
        e = WorldEvent("apiserver-crash" if crash else "apiserver-restart", self.clock())
        self.events.append(e)
        if crash:
            e.output = self._run("restart", "apiserver", "--kill")
        else:
            e.output = self._run("restart", "apiserver")
        e.up_at = self.clock()
        return e

    def prometheus_outage(self, seconds: float, each_second=lambda: None) -> WorldEvent:
        """Stops Prometheus for `seconds` (calling `each_second` meanwhile), then starts it. No
        query can succeed from `down_at` (stopped) to `up_at` (the start command returned: it
        waits for /-/ready, and a starting Prometheus answers 503 until its TSDB is loaded)."""
        e = WorldEvent("prometheus-outage", self.clock())
        self.events.append(e)
        e.output = self._run("stop", "prometheus")
        e.down_at = self.clock()
        while self.clock() < e.down_at + seconds:
            each_second()
            time.sleep(min(1.0, max(0.0, e.down_at + seconds - self.clock())))
        e.output += "\n" + self._run("start", "prometheus")
        e.up_at = self.clock()
        return e

    def ensure_up(self) -> None:
        """Starts anything a failed run left stopped (a no-op on a healthy world)."""
        self._run("start", "prometheus")
