#!/usr/bin/env bash
# (c) The API server rejects invalid Rollouts, and the message names the field and the fix.
# Each case is a valid Rollout with one thing broken; the valid one is checked first, so a
# rejection can only come from the broken part.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
install_crd
new_namespace

head='apiVersion: cutover.dev/v1alpha1
kind: Rollout
metadata: {name: bad}'
template='  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec: {containers: [{name: app, image: "example.com/bad:1"}]}'

# rollout SPEC_LINES...: a Rollout with the pod template and the given extra spec lines.
rollout() { printf '%s\nspec:\n%s\n' "$head" "$template"; printf '%s\n' "$@"; }

# reject CASE WANT DOC: applying DOC must fail, print WANT (a fixed string), and create nothing.
reject() {
  local case="$1" want="$2" doc="$3" out
  if out="$(kubectl -n "$NS" apply -f - 2>&1 <<<"$doc")"; then
    check_fail "$case: accepted, want rejection"
    kubectl -n "$NS" delete rollout bad --ignore-not-found >/dev/null
    return
  fi
  if [[ "$out" != *"$want"* ]]; then
    check_fail "$case: message does not say '$want': $out"
  elif kubectl -n "$NS" get rollout bad >/dev/null 2>&1; then
    check_fail "$case: rejected but the object exists"
  else
    log "ok: $case: ${out#*is invalid: }"
  fi
}

# The control: the same document with a good strategy is accepted (then removed).
kubectl -n "$NS" apply --dry-run=server -f - >/dev/null <<<"$(rollout '  strategy: {canary: {steps: [{setWeight: 50}]}}')" ||
  fail "the control Rollout is rejected: the cases below would prove nothing"

reject "both strategies" \
  'spec.strategy: Invalid value: "object": spec.strategy must set exactly one of spec.strategy.canary or spec.strategy.blueGreen' \
  "$(rollout '  strategy: {canary: {}, blueGreen: {activeService: web}}')"
reject "neither strategy" \
  'spec.strategy: Invalid value: "object": spec.strategy must set exactly one of spec.strategy.canary or spec.strategy.blueGreen' \
  "$(rollout '  strategy: {}')"
reject "no strategy at all" 'spec.strategy: Required value' "$(rollout)"
reject "setWeight 150" \
  'spec.strategy.canary.steps[1].setWeight: Invalid value: 150' \
  "$(rollout '  strategy: {canary: {steps: [{setWeight: 10}, {setWeight: 150}]}}')"
reject "setWeight -1" \
  'spec.strategy.canary.steps[0].setWeight: Invalid value: -1' \
  "$(rollout '  strategy: {canary: {steps: [{setWeight: -1}]}}')"
reject "step with two kinds" \
  'spec.strategy.canary.steps[0]: Invalid value: "object": spec.strategy.canary.steps[]: each step sets exactly one of setWeight, pause, setCanaryScale, analysis, setHeaderRoute or setMirrorRoute' \
  "$(rollout '  strategy: {canary: {steps: [{setWeight: 10, pause: {duration: 30s}}]}}')"
reject "empty step" \
  'spec.strategy.canary.steps[1]: Invalid value: "object": spec.strategy.canary.steps[]: each step sets exactly one of' \
  "$(rollout '  strategy: {canary: {steps: [{setWeight: 10}, {}]}}')"
reject "same Service for stable and canary" \
  'spec.strategy.canary.canaryService: Invalid value: "object": spec.strategy.canary.canaryService must differ from spec.strategy.canary.stableService' \
  "$(rollout '  strategy: {canary: {stableService: web, canaryService: web}}')"
reject "same Service for active and preview" \
  'spec.strategy.blueGreen.previewService: Invalid value: "object": spec.strategy.blueGreen.previewService must differ from spec.strategy.blueGreen.activeService' \
  "$(rollout '  strategy: {blueGreen: {activeService: web, previewService: web}}')"
reject "blue-green without activeService" \
  'spec.strategy.blueGreen.activeService: Required value' \
  "$(rollout '  strategy: {blueGreen: {previewService: web}}')"
reject "template and workloadRef together" \
  'spec: Invalid value: "object": spec must set exactly one of spec.template (the pods this Rollout runs) or spec.workloadRef' \
  "$(rollout '  workloadRef: {name: web}' '  strategy: {canary: {}}')"
reject "neither template nor workloadRef" \
  'spec must set exactly one of spec.template (the pods this Rollout runs) or spec.workloadRef' \
  "$(printf '%s\nspec:\n  strategy: {canary: {}}\n' "$head")"
reject "template without selector" \
  'spec.selector: Invalid value: "object": spec.selector is required with spec.template' \
  "$(printf '%s\nspec:\n  template: {metadata: {labels: {app: bad}}}\n  strategy: {canary: {}}\n' "$head")"
reject "setCanaryScale with replicas and weight" \
  'spec.strategy.canary.steps[0].setCanaryScale: Invalid value: "object": spec.strategy.canary.steps[].setCanaryScale must set exactly one of replicas, weight or matchTrafficWeight' \
  "$(rollout '  strategy: {canary: {steps: [{setCanaryScale: {replicas: 2, weight: 20}}]}}')"
reject "setCanaryScale weight 101" \
  'spec.strategy.canary.steps[0].setCanaryScale.weight: Invalid value: 101' \
  "$(rollout '  strategy: {canary: {steps: [{setCanaryScale: {weight: 101}}]}}')"
for duration in 5x 1.5h -30s 30s5 "''"; do
  reject "pause duration $duration" \
    'spec.strategy.canary.steps[0].pause.duration: Invalid value: "": spec.strategy.canary.steps[].pause.duration must be whole seconds (30) or a duration such as "30s", "5m" or "1h30m"' \
    "$(rollout "  strategy: {canary: {steps: [{pause: {duration: $duration}}]}}")"
done
reject "pause duration -5" \
  'spec.strategy.canary.steps[0].pause.duration: Invalid value: "": spec.strategy.canary.steps[].pause.duration must be whole seconds' \
  "$(rollout '  strategy: {canary: {steps: [{pause: {duration: -5}}]}}')"
reject "maxSurge 3 as a string" \
  'spec.strategy.canary.maxSurge: Invalid value: "": spec.strategy.canary.maxSurge must be a count (1) or a percent ("25%")' \
  "$(rollout '  strategy: {canary: {maxSurge: "3"}}')"
reject "negative replicas" \
  'spec.replicas: Invalid value: -1' \
  "$(rollout '  replicas: -1' '  strategy: {canary: {}}')"
reject "workloadRef kind StatefulSet" \
  'spec.workloadRef.kind: Unsupported value: "StatefulSet"' \
  "$(printf '%s\nspec:\n  workloadRef: {kind: StatefulSet, name: db}\n  strategy: {canary: {}}\n' "$head")"
reject "progressDeadlineSeconds 0" \
  'spec.progressDeadlineSeconds: Invalid value: 0' \
  "$(rollout '  progressDeadlineSeconds: 0' '  strategy: {canary: {}}')"
