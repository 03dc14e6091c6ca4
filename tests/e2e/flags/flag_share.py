#!/usr/bin/env python3
"""Asks one flag of two OFREP servers for N targeting keys and measures a variant's share.

Usage: flag_share.py URL_A URL_B FLAG VARIANT --keys N [--prefix P] [--expect W --tolerance T]
                     [--keys-out FILE] [--keys-in FILE] [--wait SECONDS]

For targetingKey P0 .. P(N-1) (or the keys of --keys-in), both servers answer
POST /ofrep/v1/evaluate/flags/FLAG. Prints one line,
`keys=N share_a=S share_b=S identical=I differences=D`, where a share is the fraction of keys
whose variant is VARIANT. Exits 1 when the answers differ (variant or value) for any key, when a
request fails, or when --expect is given and a share lies outside W +- T percentage points.
--keys-out writes the keys that got VARIANT from server A, one per line.
--wait S asks again, every 20 ms, until the answers agree and meet --expect, for at most S
seconds, and adds `waited_ms=M` to the line: a poll inside one process, so a test that times a
change measures the servers, not Python's start-up (that cost a second a probe on a loaded CI
machine).
Keep-alive connections (compare_ofrep.Client), standard library only.
"""
import argparse
import sys
import time

from compare_ofrep import Client


def evaluator(url):
    client = Client(url)

    def evaluate(flag, key):
        status, data = client.post(f"/ofrep/v1/evaluate/flags/{flag}",
                                   {"context": {"targetingKey": key}})
        data = data or {}
        if status != 200:
            raise RuntimeError(f"{url}: {flag} for {key}: HTTP {status} {data}")
        return data.get("variant"), data.get("value")

    return evaluate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url_a")
    parser.add_argument("url_b")
    parser.add_argument("flag")
    parser.add_argument("variant")
    parser.add_argument("--keys", type=int, default=20000)
    parser.add_argument("--prefix", default="user-")
    parser.add_argument("--expect", type=float)
    parser.add_argument("--tolerance", type=float, default=1.5)
    parser.add_argument("--keys-out")
    parser.add_argument("--keys-in")
    parser.add_argument("--wait", type=float)
    args = parser.parse_args()
    if args.keys_in:
        with open(args.keys_in, encoding="utf-8") as f:
            keys = [line.strip() for line in f if line.strip()]
    else:
        keys = [f"{args.prefix}{i}" for i in range(args.keys)]
    a, b = evaluator(args.url_a), evaluator(args.url_b)
    start = time.monotonic()
    while True:
        result = measure(a, b, args, keys)
        met = result["differences"] == 0 and (args.expect is None or all(
            abs(share * 100 - args.expect) <= args.tolerance
            for share in (result["share_a"], result["share_b"])))
        if met or args.wait is None or time.monotonic() - start >= args.wait:
            break
        time.sleep(0.02)
    waited = f" waited_ms={round((time.monotonic() - start) * 1000)}" if args.wait is not None else ""
    print(f"keys={len(keys)} share_a={result['share_a']:.4f} share_b={result['share_b']:.4f} "
          f"identical={len(keys) - result['differences']} differences={result['differences']}"
          + waited + "".join(f"\n  {line}" for line in result["shown"]))
    if args.keys_out:
        with open(args.keys_out, "w", encoding="utf-8") as f:
            f.write("".join(key + "\n" for key in result["chosen"]))
    return 0 if met else 1


def measure(a, b, args, keys):
    """One round: every key asked of both servers."""
    hits_a = hits_b = differences = 0
    chosen, shown = [], []
    for key in keys:
        answer_a, answer_b = a(args.flag, key), b(args.flag, key)
        if answer_a[0] == args.variant:
            hits_a += 1
            chosen.append(key)
        hits_b += answer_b[0] == args.variant
        if answer_a != answer_b:
            differences += 1
            if len(shown) < 5:
                shown.append(f"{key}: {answer_a} vs {answer_b}")
    return {"share_a": hits_a / len(keys), "share_b": hits_b / len(keys),
            "differences": differences, "chosen": chosen, "shown": shown}


if __name__ == "__main__":
    sys.exit(main())
