package sim

import (
	"math"
	"math/rand"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestParseTargets(t *testing.T) {
	ts, errs := ParseTargets(map[string]string{
		"web":    "kind: Service\nnamespace: shop\nname: web\nrps: 50\n",
		"route":  `{"kind":"httproute","namespace":"shop","name":"web","headers":[{"name":"X-Canary","value":"always","fraction":0.1}]}`,
		"bad":    "kind: Pod\nnamespace: a\nname: b\n",
		"noname": "namespace: a\n",
		"typo":   "kind: Service\nnamespace: a\nname: b\nrsp: 3\n",
	})
	if len(ts) != 2 || len(errs) != 3 {
		t.Fatalf("targets %+v errors %v", ts, errs)
	}
	if ts[0].Key != "route" || ts[0].Kind != KindHTTPRoute || ts[0].RPS != DefaultRPS || ts[0].Path != "/" {
		t.Errorf("route target %+v", ts[0])
	}
	if ts[1].Kind != KindService || ts[1].RPS != 50 {
		t.Errorf("service target %+v", ts[1])
	}
}

func TestTargetRequestMix(t *testing.T) {
	tg := Target{Path: "/", Headers: []Mix{{Name: "X-Canary", Value: "always", Fraction: 0.25}}}
	rng := rand.New(rand.NewSource(1))
	n, with := 20000, 0
	for i := 0; i < n; i++ {
		if v, ok := tg.Request(rng).Header("x-canary"); ok && v == "always" {
			with++
		}
	}
	if got := float64(with) / float64(n); math.Abs(got-0.25) > 0.01 {
		t.Errorf("header share %.3f", got)
	}
}

func TestBehaviour(t *testing.T) {
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Annotations: map[string]string{AnnErrorRate: "0.2", AnnLatencyMS: "100"},
		Labels:      map[string]string{LabelHash: "abc123"},
	}}
	b := BehaviourOf(p)
	if b.Version != "abc123" || b.ErrorRate != 0.2 || b.LatencyMS != 100 {
		t.Fatalf("%+v", b)
	}
	p.Labels[LabelVersion] = "v2"
	if VersionOf(p) != "v2" {
		t.Error("app.kubernetes.io/version wins over pod-template-hash")
	}
	rng := rand.New(rand.NewSource(3))
	n, errs, sum := 50000, 0, 0.0
	for i := 0; i < n; i++ {
		code, secs := b.Answer(rng)
		if code == 500 {
			errs++
		}
		sum += secs
	}
	if r := float64(errs) / float64(n); math.Abs(r-0.2) > 0.01 {
		t.Errorf("error rate %.3f", r)
	}
	if mean := sum / float64(n) * 1000; math.Abs(mean-100) > 3 {
		t.Errorf("mean latency %.1fms", mean)
	}
	if d := BehaviourOf(nil); d.ErrorRate != 0 || d.LatencyMS != DefaultLatencyMS {
		t.Errorf("default %+v", d)
	}
	p.Annotations[AnnErrorRate] = "7"
	if BehaviourOf(p).ErrorRate != 1 {
		t.Error("error rate is clamped to 1")
	}
}

func TestFlagTargets(t *testing.T) {
	ts, errs := ParseTargets(map[string]string{
		"ok":      "namespace: a\nname: b\nflag: {ofrep: 'http://127.0.0.1:8016', key: k, variants: {'on': {errorRate: 0.2}}}\n",
		"nourl":   "namespace: a\nname: b\nflag: {ofrep: '127.0.0.1:8016', key: k}\n",
		"nokey":   "namespace: a\nname: b\nflag: {ofrep: 'http://127.0.0.1:8016'}\n",
		"badrate": "namespace: a\nname: b\nflag: {ofrep: 'http://127.0.0.1:8016', key: k, variants: {'on': {errorRate: 2}}}\n",
	})
	if len(ts) != 1 || len(errs) != 3 {
		t.Fatalf("targets %+v errors %v", ts, errs)
	}
	f := ts[0].Flag
	pod := Behaviour{ErrorRate: 0.01, LatencyMS: 20}
	if got := f.apply(pod, "on"); got.ErrorRate != 0.2 || got.LatencyMS != 20 {
		t.Errorf("variant on: %+v", got)
	}
	if got := f.apply(pod, "off"); got != pod {
		t.Errorf("variant off keeps the pod's behaviour: %+v", got)
	}
	// A server that cannot be reached: the request is labelled as an evaluation error.
	dead := &FlagMix{OFREP: "http://127.0.0.1:1", Key: "k"}
	if got := evaluateFlag(dead, rand.New(rand.NewSource(1))); got != FlagVariantError {
		t.Errorf("unreachable server: %q", got)
	}
}
