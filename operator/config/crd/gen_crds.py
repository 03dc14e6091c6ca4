import copy, os
import yaml
here = os.path.dirname(os.path.abspath(__file__))
dur = {"type": "string", "pattern": r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$", "maxLength": 32}
def s(t, **kw): d={"type":t}; d.update(kw); return d
secret_key_ref = s("object", required=["name","key"], properties={"name": s("string"), "key": s("string")})
header = s("object", required=["name"], properties={
  "name": s("string", maxLength=256),
  "value": s("string", maxLength=4096, description="A literal value, not for credentials (use valueFrom); an AnalysisRun records it as <redacted>."),
  "valueFrom": s("object", required=["secretKeyRef"], properties={"secretKeyRef": dict(secret_key_ref, description="A key of a Secret in the Rollout's namespace.")}),
})
prometheus = s("object", properties={
    "address": s("string", description="http(s)://host:port[/prefix]; empty: the operator's --prometheus-url.", pattern=r"^https?://", maxLength=2048),
    "timeout": dict(dur, description="Per-query timeout, 1s to 5m (default 10s), connecting included."),
    "headers": s("array", maxItems=32, **{"x-kubernetes-list-type":"atomic"}, items=header),
    "bearerTokenSecretRef": copy.deepcopy(secret_key_ref),
    "basicAuthSecretRef": s("object", required=["name"], description="A Secret with keys username and password.", properties={"name": s("string")}),
    "caSecretRef": s("object", required=["name","key"], description="A PEM CA bundle to verify Prometheus' certificate.", properties={"name": s("string"), "key": s("string")}),
    "insecureSkipVerify": s("boolean", description="Turns TLS verification off. Never in production."),
  })
# A policy's rules only: AnalysisRuns written before them must stay writable.
policy_prometheus = copy.deepcopy(prometheus)
policy_prometheus["description"] = "Secrets (credentials, CA, header values) are read from the Rollout's namespace, also for a ClusterSLOPolicy."
policy_prometheus["properties"]["headers"]["items"]["x-kubernetes-validations"] = [
  {"rule": "has(self.value) != has(self.valueFrom)", "message": "each header has exactly one of value and valueFrom"},
  {"rule": "!has(self.value) || !self.name.matches('^[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Aa][Tt][Ii][Oo][Nn]$')",
   "message": "a literal Authorization header would store the credential in the policy: use bearerTokenSecretRef, basicAuthSecretRef or valueFrom.secretKeyRef"}]
policy_prometheus["x-kubernetes-validations"] = [
  {"rule": "!has(self.caSecretRef) || !has(self.insecureSkipVerify) || !self.insecureSkipVerify",
   "message": "insecureSkipVerify and caSecretRef together: remove insecureSkipVerify to verify Prometheus against the CA"}]
provider = s("object", description="Where Prometheus is and how to reach it.", properties={"prometheus": policy_prometheus})
query = s("string", minLength=1, maxLength=16384)
metric = s("object", required=["name"], properties={
  "name": s("string", pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength=63),
  "interval": dict(dur, description="Time between measurements (default 30s)."),
  "initialDelay": dict(dur, description="Wait before the first measurement."),
  "count": s("integer", minimum=0, description="Measurements to take; 0 = until the gate ends (background)."),
  "failureLimit": s("integer", minimum=-1, description="Failed measurements tolerated (default 0; -1 = no limit)."),
  "inconclusiveLimit": s("integer", minimum=-1),
  "consecutiveErrorLimit": s("integer", minimum=-1, description="Errors in a row tolerated (default 4)."),
  "dryRun": s("boolean", description="Measure and record, but never decide."),
  "threshold": s("object", required=["query"], properties={
    "query": query, "successCondition": s("string", maxLength=4096), "failureCondition": s("string", maxLength=4096)}),
  "burnRate": s("object", required=["objective","errorQuery","totalQuery"], properties={
    "objective": s("number", description="SLO in percent, e.g. 99.9.", exclusiveMinimum=True, minimum=0, exclusiveMaximum=True, maximum=100),
    "errorQuery": query, "totalQuery": query,
    "windows": s("array", maxItems=16, **{"x-kubernetes-list-type":"atomic"}, items=s("object", required=["long","short","burnRate"], properties={"long": dur, "short": dur, "burnRate": s("number", exclusiveMinimum=True, minimum=0)})),
    "windowScale": s("number", exclusiveMinimum=True, minimum=0, maximum=1, description="Multiplies every window, to fit a gate that lasts minutes. Default: the gate's duration (initialDelay + interval x count) over the first pair's long window (1 when count is 0).")}),
  "compare": s("object", required=["canaryQuery","baselineQuery"], properties={
    "canaryQuery": query, "baselineQuery": query,
    "lookback": dur, "step": dur,
    "direction": s("string", enum=["increase","decrease","either"]),
    "allowedIncrease": s("number", minimum=0), "allowedDecrease": s("number", minimum=0),
    "criticalIncrease": s("number", minimum=0), "criticalDecrease": s("number", minimum=0),
    "nanStrategy": s("string", enum=["remove","replace"]),
    "outliers": s("string", enum=["keep","remove"]),
    "outlierFactor": s("number", minimum=0),
    "mustHaveData": s("boolean"),
    "confidence": s("number", minimum=0.5, maximum=0.9999)}),
}, **{"x-kubernetes-validations": [{"rule": "(has(self.threshold) ? 1 : 0) + (has(self.burnRate) ? 1 : 0) + (has(self.compare) ? 1 : 0) == 1",
   "message": "each metric has exactly one judge: threshold, burnRate or compare"}]})
policy_spec = s("object", required=["metrics"], properties={
  "args": s("array", maxItems=64, **{"x-kubernetes-list-type":"map", "x-kubernetes-list-map-keys":["name"]}, items=s("object", required=["name"], properties={"name": s("string", pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$", maxLength=63), "value": s("string", maxLength=1024)})),
  "provider": provider,
  "noDataTimeout": dict(dur, description="How long 'no data' is waited out before it counts as inconclusive (default 1m). Never a pass."),
  "measurementRetention": s("integer", minimum=1, maximum=1000, description="Measurements kept per metric in each AnalysisRun (default 100); the counts cover all."),
  "metrics": s("array", minItems=1, maxItems=64, **{"x-kubernetes-list-type":"map", "x-kubernetes-list-map-keys":["name"]}, items=metric),
})
def crd(plural, kind, short, scope, spec_schema, status_schema=None, columns=(), desc="", extra_spec_rules=None):
    schema = s("object", description=desc, properties={"apiVersion": s("string"), "kind": s("string"), "metadata": s("object"), "spec": spec_schema})
    if status_schema: schema["properties"]["status"] = status_schema
    version = {"name":"v1alpha1","served":True,"storage":True,"schema":{"openAPIV3Schema":schema}}
    if status_schema: version["subresources"]={"status":{}}
    if columns: version["additionalPrinterColumns"]=list(columns)
    return {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
            "metadata":{"name":f"{plural}.cutover.dev"},
            "spec":{"group":"cutover.dev","scope":scope,
                    "names":{"plural":plural,"singular":kind.lower(),"kind":kind,"listKind":kind+"List","shortNames":[short],"categories":["cutover"]},
                    "versions":[version]}}
age = {"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}
header = "# Generated from operator/config/crd/gen_crds.py; edit that and re-run it.\n"
for plural, kind, short, scope in [("slopolicies","SLOPolicy","slo","Namespaced"),("clusterslopolicies","ClusterSLOPolicy","cslo","Cluster")]:
    c = crd(plural, kind, short, scope, copy.deepcopy(policy_spec), columns=[{"name":"Metrics","type":"integer","jsonPath":".spec.metrics[*].name","priority":1}, age][1:],
            desc=f"{kind}: a reusable SLO gate (args, a Prometheus provider, metrics with one judge each).")
    open(os.path.join(here, f"{plural}.cutover.dev.yaml"),"w").write(header+yaml.safe_dump(c, sort_keys=False, width=100))
run_metric = copy.deepcopy(metric)
run_metric["properties"]["policy"] = s("string")
run_metric["properties"]["provider"] = run_provider = copy.deepcopy(prometheus)
run_provider["properties"]["policyRef"] = s("object", description="The policy whose literal header values this run records as <redacted>.",
  properties={"kind": s("string", enum=["SLOPolicy","ClusterSLOPolicy"]), "name": s("string")})
run_spec = s("object", properties={
  "rollout": s("string"), "revision": s("string"), "gate": s("string"),
  "policies": s("array", **{"x-kubernetes-list-type":"atomic"}, items=s("string")),
  "args": s("object", **{"x-kubernetes-preserve-unknown-fields": True}),
  "noDataTimeout": dur, "error": s("string"), "measurementRetention": s("integer"),
  "metrics": s("array", **{"x-kubernetes-list-type":"atomic"}, items=run_metric)},
  **{"x-kubernetes-validations":[{"rule":"self == oldSelf","message":"an AnalysisRun's spec is immutable: it records what was measured"}]})
phase_enum = ["Pending","Running","Successful","Failed","Inconclusive","Error","Terminated"]
measurement = s("object", properties={"startedAt": s("string", format="date-time"), "finishedAt": s("string", format="date-time"),
  "phase": s("string", enum=["Successful","Failed","Inconclusive","Error"]), "value": s("string"), "message": s("string")})
run_status = s("object", properties={
  "phase": s("string", enum=phase_enum), "message": s("string"),
  "startedAt": s("string", format="date-time"), "finishedAt": s("string", format="date-time"),
  "metricResults": s("array", **{"x-kubernetes-list-type":"atomic"}, items=s("object", properties={
     "name": s("string"), "phase": s("string", enum=phase_enum), "message": s("string"), "dryRun": s("boolean"),
     "count": s("integer"), "successful": s("integer"), "failed": s("integer"), "inconclusive": s("integer"), "error": s("integer"), "consecutiveError": s("integer"),
     "lastAttemptAt": s("string", format="date-time"), "waitingForDataSince": s("string", format="date-time"),
     "measurements": s("array", **{"x-kubernetes-list-type":"atomic"}, items=measurement)}))},
  **{"x-kubernetes-validations":[{"rule":"!has(oldSelf.phase) || !(oldSelf.phase in ['Successful','Failed','Inconclusive','Error','Terminated']) || self == oldSelf",
      "message":"a finished AnalysisRun is an audit record and cannot change"}]})
c = crd("analysisruns","AnalysisRun","ar","Namespaced", run_spec, run_status,
        columns=[{"name":"Rollout","type":"string","jsonPath":".spec.rollout"},{"name":"Gate","type":"string","jsonPath":".spec.gate"},
                 {"name":"Phase","type":"string","jsonPath":".status.phase"},{"name":"Message","type":"string","jsonPath":".status.message","priority":1}, age],
        desc="AnalysisRun: one execution of the SLO gates of one release gate; immutable once finished.")
# The rules on spec and status run only while the field exists: removing it (a JSON patch
# "remove /spec", or "/status" on the status subresource) would skip them and wipe the record.
# These root rules see the removal.
c["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["x-kubernetes-validations"] = [
  {"rule": "!has(oldSelf.spec) || (has(self.spec) && self.spec == oldSelf.spec)",
   "message": "an AnalysisRun's spec is immutable: it records what was measured"},
  {"rule": "!has(oldSelf.status) || !has(oldSelf.status.phase) || !(oldSelf.status.phase in ['Successful','Failed','Inconclusive','Error','Terminated']) || (has(self.status) && self.status == oldSelf.status)",
   "message": "a finished AnalysisRun is an audit record and cannot change"}]
open(os.path.join(here, "analysisruns.cutover.dev.yaml"),"w").write(header+yaml.safe_dump(c, sort_keys=False, width=100))
