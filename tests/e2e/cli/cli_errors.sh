#!/usr/bin/env bash
# Bad input gets a clear message and the documented exit code: an unknown Rollout is a usage
# error (2), an unknown container or bad image is 2, and an API server that cannot be reached
# is 5 for every command.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace
manifest="$(mktemp)"
on_exit rm -f "$manifest"
write_rollout "$manifest" "web:1" '[{setWeight: 50}]'
expect_exit 0 "apply without an operator" apply -f "$manifest"

for cmd in "status nope" "status nope --watch" "history nope" "promote nope" "abort nope" \
  "retry nope" "pause nope" "resume nope" "restart nope" "undo nope" "set image nope web=web:2"; do
  # shellcheck disable=SC2086
  expect_exit 2 "$cmd" $cmd
  expect_in "rollout $NS/nope not found"
  expect_in "deploy list -n $NS"
done
expect_exit 2 "unknown container" set image web wbe=web:2
expect_in "has no container named 'wbe'"
expect_in "use one of: web"
expect_exit 2 "bad image" set image web "web=Web:2"
expect_in "must be lowercase"
expect_exit 2 "unreadable file" apply -f /nonexistent/rollout.yaml
expect_in "/nonexistent/rollout.yaml"

down="$(mktemp)"
on_exit rm -f "$down"
cat >"$down" <<'YAML'
apiVersion: v1
kind: Config
clusters: [{name: down, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: down, user: {token: x}}]
contexts: [{name: down, context: {cluster: down, user: down, namespace: default}}]
current-context: down
YAML
for cmd in "list" "status web" "status web --watch" "history web" "promote web" "abort web" \
  "retry web" "pause web" "resume web" "restart web" "undo web" "set image web web=web:2" \
  "apply -f $manifest" "run web" "cluster-info"; do
  start=$SECONDS
  # shellcheck disable=SC2086
  expect_exit 5 "API server down: $cmd" --kubeconfig "$down" $cmd
  expect_in "127.0.0.1:1"
  ((SECONDS - start < 10)) || check_fail "$cmd took $((SECONDS - start)) s to give up"
done
