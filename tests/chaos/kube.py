"""A small Kubernetes API client over HTTPS, standard library only.

The chaos suite samples the cluster every 0.5 s with one LIST per kind; kubectl takes longer
than that per call. This client verifies the server against the kubeconfig's CA (never
insecure), sends the kubeconfig's bearer token, and keeps one keep-alive connection per thread,
so threads may share one `Kube`.

Errors: `Unavailable` when the API server cannot answer (connection refused or reset, a
timeout, 5xx): the callers count such samples as skipped. `ApiError` for any other non-2xx
answer, with the status code and the server's message.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import ssl
import subprocess
import threading
import urllib.parse
from typing import Any


class Unavailable(Exception):
    """The API server did not answer (down, restarting, or overloaded)."""


class ApiError(Exception):
    def __init__(self, method: str, path: str, status: int, message: str):
        super().__init__(f"{method} {path}: HTTP {status}: {message}")
        self.status = status


class Kube:
    def __init__(self, kubeconfig: str, timeout: float = 5.0):
        # kubectl turns the YAML into JSON once; the standard library has no YAML parser.
        raw = subprocess.run(
            ["kubectl", "config", "view", "--raw", "--minify", "-o", "json", "--kubeconfig", kubeconfig],
            check=True, capture_output=True, text=True).stdout
        config = json.loads(raw)
        cluster = config["clusters"][0]["cluster"]
        user = config["users"][0]["user"]
        server = urllib.parse.urlparse(cluster["server"])
        if server.scheme != "https":
            raise ValueError(f"{kubeconfig}: server {cluster['server']} is not https")
        self.host = server.hostname or "127.0.0.1"
        self.port = server.port or 443
        ca = cluster.get("certificate-authority-data")
        if ca:
            self.tls = ssl.create_default_context(cadata=base64.b64decode(ca).decode())
        elif cluster.get("certificate-authority"):
            self.tls = ssl.create_default_context(cafile=cluster["certificate-authority"])
        else:
            raise ValueError(f"{kubeconfig}: the cluster has no certificate-authority(-data)")
        token = user.get("token")
        if not token and user.get("tokenFile"):
            with open(user["tokenFile"]) as f:
                token = f.read().strip()
        if not token:
            raise ValueError(f"{kubeconfig}: the user has no bearer token")
        self.token = token
        self.timeout = timeout
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPSConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPSConnection(self.host, self.port, context=self.tls, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def request(self, method: str, path: str, body: Any = None,
                content_type: str = "application/json") -> Any:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        # A kept-alive connection may have been closed by a restarted server: one fresh retry.
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                break
            except (ConnectionError, http.client.HTTPException, ssl.SSLError, socket.timeout, OSError) as e:
                self._drop()
                if attempt == 2 or isinstance(e, socket.timeout):
                    raise Unavailable(f"{method} {path}: {e}") from e
        if resp.status >= 500 or resp.status == 429:
            raise Unavailable(f"{method} {path}: HTTP {resp.status}")
        if resp.status >= 300:
            try:
                message = json.loads(payload).get("message", "")
            except ValueError:
                message = payload[:200].decode(errors="replace")
            raise ApiError(method, path, resp.status, message)
        return json.loads(payload) if payload else None

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def items(self, path: str) -> list[dict]:
        return self.get(path).get("items") or []

    def create(self, path: str, obj: dict) -> Any:
        return self.request("POST", path, obj)

    def merge_patch(self, path: str, patch: dict) -> Any:
        return self.request("PATCH", path, patch, "application/merge-patch+json")

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)


def scrape(address: str, timeout: float = 1.0) -> dict[str, float] | None:
    """GETs http://ADDRESS/metrics and returns the sums of `SERIES`; None when the process does
    not answer."""
    host, port = address.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode(errors="replace")
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()
    return parse_metrics(text)


# The operator series the suite reads: key -> (metric name, a label that must be present).
SERIES = {
    "reconciles": ("cutover_reconcile_total", None),
    "leader": ("cutover_leader", None),
    "forbidden": ("cutover_api_requests_total", 'code="403"'),
}


def parse_metrics(text: str) -> dict[str, float]:
    """Sums, per key of SERIES, the samples of its metric that carry its label."""
    out = {key: 0.0 for key in SERIES}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_labels, _, value = line.rpartition(" ")
        name = name_labels.split("{", 1)[0]
        for key, (metric, label) in SERIES.items():
            if name == metric and (label is None or label in name_labels):
                try:
                    out[key] += float(value)
                except ValueError:
                    pass
    return out
