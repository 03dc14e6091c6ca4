#!/usr/bin/env python3
"""Asks one flag of two OFREP servers for N targeting keys and measures a variant's share.

Usage: flag_share.py URL_A URL_B FLAG VARIANT --keys N [--prefix P] [--expect W --tolerance T]
                     [--keys-out FILE] [--keys-in FILE]

For targetingKey P0 .. P(N-1) (or the keys of --keys-in), both servers answer
POST /ofrep/v1/evaluate/flags/FLAG. Prints one line,
`keys=N share_a=S share_b=S identical=I differences=D`, where a share is the fraction of keys
whose variant is VARIANT. Exits 1 when the answers differ (variant or value) for any key, when a
request fails, or when --expect is given and a share lies outside W +- T percentage points.
--keys-out writes the keys that got VARIANT from server A, one per line.
Keep-alive connections, standard library only.
"""
import argparse
import http.client
import json
import sys
import urllib.parse


def evaluator(url):
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)

    def evaluate(flag, key):
        body = json.dumps({"context": {"targetingKey": key}})
        conn.request("POST", f"/ofrep/v1/evaluate/flags/{flag}", body,
                     {"Content-Type": "application/json"})
        response = conn.getresponse()
        data = json.loads(response.read() or b"{}")
        if response.status != 200:
            raise RuntimeError(f"{url}: {flag} for {key}: HTTP {response.status} {data}")
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
    args = parser.parse_args()
    if args.keys_in:
        with open(args.keys_in, encoding="utf-8") as f:
            keys = [line.strip() for line in f if line.strip()]
    else:
        keys = [f"{args.prefix}{i}" for i in range(args.keys)]
    a, b = evaluator(args.url_a), evaluator(args.url_b)
    hits_a = hits_b = differences = 0
    chosen = []
    shown = []
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
    share_a, share_b = hits_a / len(keys), hits_b / len(keys)
    print(f"keys={len(keys)} share_a={share_a:.4f} share_b={share_b:.4f} "
          f"identical={len(keys) - differences} differences={differences}"
          + "".join(f"\n  {line}" for line in shown))
    if args.keys_out:
        with open(args.keys_out, "w", encoding="utf-8") as f:
            f.write("".join(key + "\n" for key in chosen))
    if differences:
        return 1
    if args.expect is not None:
        for share in (share_a, share_b):
            if abs(share * 100 - args.expect) > args.tolerance:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
