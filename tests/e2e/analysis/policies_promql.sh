#!/usr/bin/env bash
# Every query of every shipped policy (policies/*.yaml: the simulator's, Istio's and NGINX's
# metric names) is valid PromQL to the real Prometheus, and the API server accepts every policy.
#
# Placeholders are filled with harmless values first ({{args.X}} with its default or "x",
# {{rollout.*}} with "x", a burn-rate {{window}} with "5m"), then each query is sent to
# /api/v1/query. Prometheus answers 400 bad_data for a syntax error, which fails the test with
# the policy, the metric, the field and Prometheus' message. Series that do not exist are
# fine: an empty result is still a parsed query.
source "$(dirname "${BASH_SOURCE[0]}")/../crd/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
install_policies
applied="$(kubectl -n "$NS" get slopolicies -o name | wc -l)"
documents="$(grep -c '^kind: SLOPolicy' "$repo"/policies/*.yaml | awk -F: '{n += $2} END {print n}')"
expect_eq "policies the API server accepted" "$applied" "$documents"

# The policies as the API server stored them (no YAML library needed).
stored="$(mktemp)"
on_exit rm -f "$stored"
kubectl -n "$NS" get slopolicies -o json >"$stored"
python3 - "$PROMETHEUS_URL" "$stored" <<'PY' || check_fail "a shipped policy has a query Prometheus cannot parse"
import json, re, sys, urllib.error, urllib.parse, urllib.request

url = sys.argv[1]
placeholder = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")
checked, bad, policies = 0, [], json.load(open(sys.argv[2]))["items"]
for policy in policies:
    name = policy["metadata"]["name"]
    defaults = {a["name"]: a.get("value", "x") for a in policy["spec"].get("args", [])}

    def fill(m):
        key = m.group(1)
        if key.startswith("args."):
            return defaults[key[5:]]
        return "5m" if key == "window" else "x"

    for metric in policy["spec"]["metrics"]:
        for judge, fields in metric.items():
            if not isinstance(fields, dict):
                continue
            for field, text in fields.items():
                if not field.endswith(("query", "Query")):
                    continue
                query = placeholder.sub(fill, text)
                data = urllib.parse.urlencode({"query": query}).encode()
                try:
                    urllib.request.urlopen(url + "/api/v1/query", data, timeout=10).read()
                    checked += 1
                except urllib.error.HTTPError as e:
                    body = json.loads(e.read() or b"{}")
                    bad.append(f"SLOPolicy {name}, metric {metric['name']}, "
                               f"{judge}.{field}: HTTP {e.code} {body.get('errorType')}: "
                               f"{body.get('error')}")
for line in bad:
    print("FAIL:", line, file=sys.stderr)
print(f"{checked} queries of {len(policies)} policies parsed by Prometheus, {len(bad)} refused",
      file=sys.stderr)
sys.exit(1 if bad or checked == 0 else 0)
PY
