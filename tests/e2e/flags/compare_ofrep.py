#!/usr/bin/env python3
"""Compares two OFREP servers (ours and upstream flagd) on random evaluation contexts.

Usage: compare_ofrep.py OURS_URL FLAGD_URL --contexts N [--single K] [--seed S] [--threads T]
                        [--ignore-flag KEY ...]

For each of N random contexts, both servers answer the bulk request
(POST /ofrep/v1/evaluate/flags); for the first K contexts also the single request of every
flag (POST /ofrep/v1/evaluate/flags/{key}) plus one unknown key. Answers are compared on what
a client acts on: HTTP status, and per flag value, variant, reason and errorCode (the
errorDetails sentences differ by design, ours name the flag and field). Prints one line,
`compared contexts=N evaluations=E differences=D errors=X` (plus up to 10 differences), and
exits 1 on any difference or error (a thread that lost its server), otherwise 0.
Flags named by --ignore-flag are left out of the comparison. Keep-alive connections, one per
thread, standard library only (a socket client of its own: see Client).
"""
import argparse
import json
import random
import socket
import string
import sys
import threading
import urllib.parse

FIELDS = ("value", "variant", "reason", "errorCode")


def random_context(rng):
    """A context that exercises every operation in flags.json: names, emails, versions (valid,
    partial, invalid), plans, numbers, nested objects, and sometimes no targetingKey."""
    ctx = {}
    if rng.random() < 0.9:
        ctx["targetingKey"] = "".join(rng.choices(string.ascii_letters + string.digits, k=rng.randint(1, 24)))
    if rng.random() < 0.7:
        ctx["user"] = {"name": rng.choice(["jack", "queen", "ten", "nine", "3", "ace", ""]) + ("" if rng.random() < 0.5 else str(rng.randint(0, 999)))}
    if rng.random() < 0.6:
        ctx["email"] = rng.choice(["ann", "bob", "eve", "ops"]) + "@" + rng.choice(["example.com", "corp.example", "gmail.com"])
    if rng.random() < 0.6:
        ctx["version"] = rng.choice([
            f"{rng.randint(0, 3)}.{rng.randint(0, 12)}.{rng.randint(0, 20)}",
            f"v{rng.randint(0, 3)}.{rng.randint(0, 12)}.0", "2.0.0-rc.1", "1.2", "banana", ""])
    if rng.random() < 0.7:
        ctx["plan"] = rng.choice(["gold", "silver", "free", None, 7])
    if rng.random() < 0.5:
        ctx["age"] = rng.choice([rng.randint(0, 99), rng.random() * 100, "42", None])
    if rng.random() < 0.3:
        ctx["tags"] = rng.sample(["beta", "staff", "eu", "us"], rng.randint(0, 3))
    # For the op-* flags: values of every JSON type, the coercions' edge cases among them.
    for key in ("a", "b", "c"):
        if rng.random() < 0.85:
            ctx[key] = any_value(rng)
    if rng.random() < 0.85:
        ctx["s"] = rng.choice([any_value(rng), rng.choice(PATHS), rng.choice(STRINGS)])
    if rng.random() < 0.85:
        ctx["n"] = rng.choice([any_value(rng), rng.randint(-8, 8), rng.choice(["2", "-1", " 3"])])
    if rng.random() < 0.85:
        ctx["arr"] = [any_value(rng, 1) for _ in range(rng.randint(0, 4))] if rng.random() < 0.8 else any_value(rng)
    if rng.random() < 0.5:
        ctx["obj"] = {"x": any_value(rng, 1), "y": any_value(rng, 1)}
    return ctx


SCALARS = [None, True, False, 0, 1, -1, 2, 2.5, -0.5, 1e21, 1e-7, 123456789.125, 1e300]
STRINGS = ["", " ", "1", "0", "2.5", "abc", "a", "x", "1e3", " 2 ", "inf", "NaN", "0x1p3", "1_0",
           "null", "true", "ab c ", "\u00a0x\n", "é<ü>&", "1e400", "-0", "+5", "[1,2]", "{x:1}"]
PATHS = ["a", "b", "arr.1", "arr.0", "obj.x", "obj", "", ".", "a.b", "arr.x", "user.name", "tags.0"]


def any_value(rng, depth=0):
    """A JSON value of any type: scalars, strings that parse as numbers (or nearly), arrays
    and objects (shallow)."""
    roll = rng.random()
    if depth < 1 and roll < 0.12:
        return [any_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 1 and roll < 0.2:
        return {"x": any_value(rng, depth + 1)} if rng.random() < 0.7 else {}
    if roll < 0.55:
        return rng.choice(SCALARS)
    return rng.choice(STRINGS)


class Client:
    """A keep-alive HTTP/1.1 client over one socket: http.client's header parsing cost more CPU
    than both servers' answers on this test's 100,000 contexts. Reads Content-Length and chunked
    bodies (Go's net/http chunks flagd's larger answers)."""

    def __init__(self, base):
        parsed = urllib.parse.urlparse(base)
        self.address = (parsed.hostname, parsed.port)
        self.sock, self.buffer = None, b""

    def connect(self):
        self.sock = socket.create_connection(self.address, timeout=10)
        self.buffer = b""

    def read_until(self, marker):
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buffer += chunk

    def read_bytes(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection mid-body")
            self.buffer += chunk

    def exchange(self, path, data):
        self.sock.sendall(b"POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n%s" % (path.encode(), self.address[0].encode(),
                                                             self.address[1], len(data), data))
        self.read_until(b"\r\n\r\n")
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked = None, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = value.strip().lower() == b"chunked"
        if status in (204, 304):
            text = b""
        elif chunked:
            text = b""
            while True:
                self.read_until(b"\r\n")
                size_line, self.buffer = self.buffer.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                self.read_bytes(size + 2)
                text, self.buffer = text + self.buffer[:size], self.buffer[size + 2:]
                if size == 0:
                    break
        elif length is not None:
            self.read_bytes(length)
            text, self.buffer = self.buffer[:length], self.buffer[length:]
        else:
            raise ConnectionError("an answer with neither Content-Length nor chunks")
        return status, (json.loads(text) if text else None)

    def post(self, path, body):
        data = json.dumps(body).encode()
        for attempt in range(2):
            try:
                if self.sock is None:
                    self.connect()
                return self.exchange(path, data)
            except (OSError, ValueError):
                if self.sock is not None:
                    self.sock.close()
                self.sock = None
                if attempt:
                    raise


def essence(answer):
    if not isinstance(answer, dict):
        return answer
    return {field: answer.get(field) for field in FIELDS if field in answer}


def bulk_map(body):
    return {flag.get("key"): essence(flag) for flag in (body or {}).get("flags", [])}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ours")
    parser.add_argument("flagd")
    parser.add_argument("--contexts", type=int, default=1000)
    parser.add_argument("--single", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--ignore-flag", action="append", default=[], help="a flag key not to compare")
    args = parser.parse_args()
    ignored = set(args.ignore_flag)

    differences, lock = [], threading.Lock()
    counts = {"evaluations": 0, "differences": 0, "errors": 0}

    def record(what, ours, theirs):
        with lock:
            counts["differences"] += 1
            if len(differences) < 10:
                differences.append(f"{what}: ours={json.dumps(ours, sort_keys=True)} flagd={json.dumps(theirs, sort_keys=True)}")

    def work(index):
        # A thread that dies (a server gone) must fail the comparison, not shrink it.
        try:
            compare(index)
        except Exception as error:  # noqa: BLE001 - reported, then the run fails
            with lock:
                counts["errors"] += 1
                differences.append(f"thread {index} stopped: {error!r}")

    def compare(index):
        rng = random.Random(args.seed * 1_000_003 + index)
        ours, theirs = Client(args.ours), Client(args.flagd)
        for n in range(index, args.contexts, args.threads):
            ctx = random_context(random.Random(args.seed * 7_919 + n))
            body = {"context": ctx}
            s1, b1 = ours.post("/ofrep/v1/evaluate/flags", body)
            s2, b2 = theirs.post("/ofrep/v1/evaluate/flags", body)
            m1, m2 = bulk_map(b1), bulk_map(b2)
            for key in ignored:
                m1.pop(key, None)
                m2.pop(key, None)
            evaluations = len(m2)
            if s1 != s2 or m1 != m2:
                keys = sorted(set(m1) | set(m2))
                diff = {k: (m1.get(k), m2.get(k)) for k in keys if m1.get(k) != m2.get(k)}
                record(f"bulk ctx={json.dumps(ctx, sort_keys=True)} status {s1}/{s2}", {k: v[0] for k, v in diff.items()}, {k: v[1] for k, v in diff.items()})
            if n < args.single:
                for key in sorted(m2) + ["no-such-flag-" + str(rng.randint(0, 9))]:
                    if key in ignored:
                        continue
                    path = "/ofrep/v1/evaluate/flags/" + urllib.parse.quote(key, safe="")
                    s1, b1 = ours.post(path, body)
                    s2, b2 = theirs.post(path, body)
                    evaluations += 1
                    if s1 != s2 or essence(b1) != essence(b2):
                        record(f"single {key} ctx={json.dumps(ctx, sort_keys=True)} status {s1}/{s2}", essence(b1), essence(b2))
            with lock:
                counts["evaluations"] += evaluations

    threads = [threading.Thread(target=work, args=(i,)) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"compared contexts={args.contexts} evaluations={counts['evaluations']} differences={counts['differences']} errors={counts['errors']}")
    for line in differences:
        print("  " + line)
    return 1 if counts["differences"] or counts["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
