package split

import (
	"encoding/json"
	"math"
	"math/rand"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// shares sends n requests through route and returns the observed share of
// each backend key.
func shares(t *testing.T, n int, seed int64, route func(Request) ([]Weighted, bool), req func(*rand.Rand) Request) map[string]float64 {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	counts := map[string]int{}
	for i := 0; i < n; i++ {
		r := Request{Path: "/"}
		if req != nil {
			r = req(rng)
		}
		ws, ok := route(r)
		if !ok {
			counts["<no route>"]++
			continue
		}
		b, ok := Pick(ws, rng)
		if !ok {
			counts["<no backend>"]++
			continue
		}
		counts[b.Key()]++
	}
	out := map[string]float64{}
	for k, c := range counts {
		out[k] = float64(c) / float64(n)
	}
	return out
}

func expectShares(t *testing.T, got, want map[string]float64, tol float64) {
	t.Helper()
	for k, w := range want {
		if math.Abs(got[k]-w) > tol {
			t.Errorf("share of %s = %.4f, want %.4f ± %.3f (all: %v)", k, got[k], w, tol, got)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && g > 0 {
			t.Errorf("unexpected backend %s with share %.4f", k, g)
		}
	}
}

func decode(t *testing.T, doc string, into any) {
	t.Helper()
	if err := json.Unmarshal([]byte(doc), into); err != nil {
		t.Fatal(err)
	}
}

func TestPickWeights(t *testing.T) {
	for _, tc := range []struct {
		name    string
		weights []int64
	}{
		{"90/10", []int64{90, 10}},
		{"50/50", []int64{50, 50}},
		{"1/1/2", []int64{1, 1, 2}},
		{"99/1", []int64{99, 1}},
		{"0/100", []int64{0, 100}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ws []Weighted
			var total int64
			want := map[string]float64{}
			for i, w := range tc.weights {
				total += w
				ws = append(ws, Weighted{Backend: Backend{Namespace: "ns", Service: string(rune('a' + i))}, Weight: w})
			}
			for _, w := range ws {
				if w.Weight > 0 {
					want[w.Backend.Key()] = float64(w.Weight) / float64(total)
				}
			}
			got := shares(t, 20000, 7, func(Request) ([]Weighted, bool) { return ws, true }, nil)
			expectShares(t, got, want, 0.01)
		})
	}
}

func TestPickNoWeight(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	if _, ok := Pick([]Weighted{{Backend: Backend{Service: "a"}, Weight: 0}}, rng); ok {
		t.Fatal("all-zero weights must not pick a backend")
	}
	if _, ok := Pick(nil, rng); ok {
		t.Fatal("no backends must not pick a backend")
	}
}

func TestPickIsRepeatableWithSeed(t *testing.T) {
	ws := []Weighted{{Backend: Backend{Service: "a"}, Weight: 3}, {Backend: Backend{Service: "b"}, Weight: 7}}
	run := func() []string {
		rng := rand.New(rand.NewSource(42))
		var out []string
		for i := 0; i < 50; i++ {
			b, _ := Pick(ws, rng)
			out = append(out, b.Service)
		}
		return out
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed gave different picks at %d", i)
		}
	}
}

const route9010 = `{
  "metadata": {"namespace": "shop"},
  "spec": {"rules": [{"backendRefs": [
    {"name": "web-stable", "port": 80, "weight": 90},
    {"name": "web-canary", "port": 80, "weight": 10}
  ]}]}
}`

func TestHTTPRouteWeights(t *testing.T) {
	var r HTTPRoute
	decode(t, route9010, &r)
	got := shares(t, 10000, 1, func(q Request) ([]Weighted, bool) { return HTTPRouteBackends(r, q) }, nil)
	expectShares(t, got, map[string]float64{"shop/web-stable": 0.9, "shop/web-canary": 0.1}, 0.01)
}

func TestHTTPRouteDefaultWeightAndNamespace(t *testing.T) {
	var r HTTPRoute
	decode(t, `{"metadata":{"namespace":"a"},"spec":{"rules":[{"backendRefs":[
	  {"name":"x"},{"name":"y","namespace":"b"}]}]}}`, &r)
	got := shares(t, 10000, 2, func(q Request) ([]Weighted, bool) { return HTTPRouteBackends(r, q) }, nil)
	expectShares(t, got, map[string]float64{"a/x": 0.5, "b/y": 0.5}, 0.02)
}

func TestHTTPRouteHeaderMatchWins(t *testing.T) {
	var r HTTPRoute
	decode(t, `{"metadata":{"namespace":"shop"},"spec":{"rules":[
	  {"backendRefs":[{"name":"stable"}]},
	  {"matches":[{"headers":[{"name":"X-Canary","value":"yes"}]}],"backendRefs":[{"name":"canary"}]}
	]}}`, &r)
	// A quarter of the requests carry the header: they all reach the canary.
	got := shares(t, 20000, 3, func(q Request) ([]Weighted, bool) { return HTTPRouteBackends(r, q) }, func(rng *rand.Rand) Request {
		q := Request{Path: "/"}
		if rng.Float64() < 0.25 {
			q.Headers = map[string]string{"x-canary": "yes"}
		}
		return q
	})
	expectShares(t, got, map[string]float64{"shop/stable": 0.75, "shop/canary": 0.25}, 0.02)
}

func TestHTTPRoutePathSpecificity(t *testing.T) {
	var r HTTPRoute
	decode(t, `{"metadata":{"namespace":"n"},"spec":{"rules":[
	  {"matches":[{"path":{"type":"PathPrefix","value":"/"}}],"backendRefs":[{"name":"root"}]},
	  {"matches":[{"path":{"type":"PathPrefix","value":"/api"}}],"backendRefs":[{"name":"api"}]},
	  {"matches":[{"path":{"type":"Exact","value":"/api/v1"}}],"backendRefs":[{"name":"exact"}]}
	]}}`, &r)
	for path, want := range map[string]string{"/": "root", "/apix": "root", "/api": "api", "/api/v2": "api", "/api/v1": "exact"} {
		ws, ok := HTTPRouteBackends(r, Request{Path: path})
		if !ok || len(ws) != 1 || ws[0].Backend.Service != want {
			t.Errorf("path %s routed to %v, want %s", path, ws, want)
		}
	}
}

func TestHTTPRouteNoMatchAndInvalidKind(t *testing.T) {
	var r HTTPRoute
	decode(t, `{"metadata":{"namespace":"n"},"spec":{"rules":[
	  {"matches":[{"path":{"type":"Exact","value":"/only"}}],"backendRefs":[{"name":"svc"},{"name":"b","kind":"Bucket","group":"x.io"}]}]}}`, &r)
	if _, ok := HTTPRouteBackends(r, Request{Path: "/"}); ok {
		t.Error("unmatched path must not route")
	}
	ws, ok := HTTPRouteBackends(r, Request{Path: "/only"})
	if !ok || len(ws) != 2 || ws[0].Backend.Invalid || !ws[1].Backend.Invalid {
		t.Errorf("got %+v", ws)
	}
}

func ingress(name string, ann map[string]string, svc string) *networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "shop", Annotations: ann},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
			Host: "shop.example",
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix, Backend: networkingv1.IngressBackend{
					Service: &networkingv1.IngressServiceBackend{Name: svc, Port: networkingv1.ServiceBackendPort{Number: 80}},
				}}},
			}},
		}}},
	}
}

func TestNginxCanaryWeight(t *testing.T) {
	primary := ingress("web", nil, "web-stable")
	canary := ingress("web-canary", map[string]string{NginxCanary: "true", NginxCanaryWeight: "20"}, "web-canary")
	if !IsNginxCanary(canary) || IsNginxCanary(primary) {
		t.Fatal("IsNginxCanary")
	}
	got := shares(t, 10000, 4, func(q Request) ([]Weighted, bool) { return NginxBackends(primary, canary, "shop.example", q) }, nil)
	expectShares(t, got, map[string]float64{"shop/web-stable": 0.8, "shop/web-canary": 0.2}, 0.015)
}

func TestNginxCanaryWeightTotal(t *testing.T) {
	primary := ingress("web", nil, "web-stable")
	canary := ingress("web-canary", map[string]string{NginxCanary: "true", NginxCanaryWeight: "1", NginxCanaryWeightTotal: "1000"}, "web-canary")
	got := shares(t, 40000, 5, func(q Request) ([]Weighted, bool) { return NginxBackends(primary, canary, "shop.example", q) }, nil)
	expectShares(t, got, map[string]float64{"shop/web-stable": 0.999, "shop/web-canary": 0.001}, 0.001)
}

func TestNginxCanaryHeader(t *testing.T) {
	primary := ingress("web", nil, "web-stable")
	canary := ingress("web-canary", map[string]string{NginxCanary: "true", NginxCanaryWeight: "0", NginxCanaryByHeader: "X-Canary"}, "web-canary")
	// 30% "always", 10% "never", the rest no header; weight 0 sends those to stable.
	got := shares(t, 20000, 6, func(q Request) ([]Weighted, bool) { return NginxBackends(primary, canary, "shop.example", q) }, func(rng *rand.Rand) Request {
		q := Request{Path: "/"}
		switch u := rng.Float64(); {
		case u < 0.3:
			q.Headers = map[string]string{"x-canary": "always"}
		case u < 0.4:
			q.Headers = map[string]string{"x-canary": "never"}
		}
		return q
	})
	expectShares(t, got, map[string]float64{"shop/web-stable": 0.7, "shop/web-canary": 0.3}, 0.015)
}

func TestNginxCanaryHeaderValueFallsThroughToWeight(t *testing.T) {
	primary := ingress("web", nil, "web-stable")
	canary := ingress("web-canary", map[string]string{NginxCanary: "true", NginxCanaryWeight: "50",
		NginxCanaryByHeader: "X-User", NginxCanaryByHeaderValue: "beta"}, "web-canary")
	ws, _ := NginxBackends(primary, canary, "shop.example", Request{Path: "/", Headers: map[string]string{"x-user": "beta"}})
	if len(ws) != 1 || ws[0].Backend.Service != "web-canary" {
		t.Fatalf("matching header value: %+v", ws)
	}
	ws, _ = NginxBackends(primary, canary, "shop.example", Request{Path: "/", Headers: map[string]string{"x-user": "other"}})
	if len(ws) != 2 || ws[1].Weight != 50 {
		t.Fatalf("other header value must fall through to the weight: %+v", ws)
	}
}

func TestNginxCanaryCookie(t *testing.T) {
	primary := ingress("web", nil, "web-stable")
	canary := ingress("web-canary", map[string]string{NginxCanary: "true", NginxCanaryWeight: "100", NginxCanaryByCookie: "canary"}, "web-canary")
	ws, _ := NginxBackends(primary, canary, "shop.example", Request{Path: "/", Cookies: map[string]string{"canary": "never"}})
	if len(ws) != 1 || ws[0].Backend.Service != "web-stable" {
		t.Fatalf("cookie never: %+v", ws)
	}
}

func TestNginxWithoutCanary(t *testing.T) {
	primary := ingress("web", nil, "web-stable")
	got := shares(t, 1000, 8, func(q Request) ([]Weighted, bool) { return NginxBackends(primary, nil, "shop.example", q) }, nil)
	expectShares(t, got, map[string]float64{"shop/web-stable": 1}, 0)
}

func TestVirtualServiceWeights(t *testing.T) {
	var vs VirtualService
	decode(t, `{"metadata":{"namespace":"shop"},"spec":{"hosts":["web"],"http":[
	  {"match":[{"headers":{"x-canary":{"exact":"yes"}}}],"route":[{"destination":{"host":"web-canary"}}]},
	  {"route":[
	    {"destination":{"host":"web-stable.shop.svc.cluster.local"},"weight":70},
	    {"destination":{"host":"web-canary"},"weight":30}]}
	]}}`, &vs)
	got := shares(t, 20000, 9, func(q Request) ([]Weighted, bool) { return VirtualServiceBackends(vs, q) }, nil)
	expectShares(t, got, map[string]float64{"shop/web-stable": 0.7, "shop/web-canary": 0.3}, 0.015)
	ws, ok := VirtualServiceBackends(vs, Request{Path: "/", Headers: map[string]string{"x-canary": "yes"}})
	if !ok || len(ws) != 1 || ws[0].Backend.Service != "web-canary" || ws[0].Weight != 100 {
		t.Fatalf("header route: %+v", ws)
	}
}

func TestVirtualServiceSubsets(t *testing.T) {
	var vs VirtualService
	decode(t, `{"metadata":{"namespace":"shop"},"spec":{"http":[{"route":[
	    {"destination":{"host":"web","subset":"v1"},"weight":95},
	    {"destination":{"host":"web","subset":"v2"},"weight":5}]}]}}`, &vs)
	got := shares(t, 40000, 10, func(q Request) ([]Weighted, bool) { return VirtualServiceBackends(vs, q) }, nil)
	expectShares(t, got, map[string]float64{"shop/web/v1": 0.95, "shop/web/v2": 0.05}, 0.01)

	var dr DestinationRule
	decode(t, `{"metadata":{"namespace":"shop"},"spec":{"host":"web.shop.svc.cluster.local","subsets":[
	  {"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}]}}`, &dr)
	l, ok := SubsetLabels([]DestinationRule{dr}, Backend{Namespace: "shop", Service: "web", Subset: "v2"})
	if !ok || l["version"] != "v2" {
		t.Fatalf("subset labels: %v %v", l, ok)
	}
	if _, ok := SubsetLabels([]DestinationRule{dr}, Backend{Namespace: "shop", Service: "web", Subset: "v3"}); ok {
		t.Fatal("unknown subset must not resolve")
	}
}

func TestServiceOfHost(t *testing.T) {
	for host, want := range map[string][2]string{
		"web":                        {"def", "web"},
		"web.shop":                   {"shop", "web"},
		"web.shop.svc.cluster.local": {"shop", "web"},
	} {
		ns, svc := ServiceOfHost(host, "def")
		if ns != want[0] || svc != want[1] {
			t.Errorf("%s -> %s/%s", host, ns, svc)
		}
	}
}

func TestShares(t *testing.T) {
	s := Shares([]Weighted{{Backend: Backend{Namespace: "n", Service: "a"}, Weight: 3}, {Backend: Backend{Namespace: "n", Service: "b"}, Weight: 1}})
	if s["n/a"] != 0.75 || s["n/b"] != 0.25 {
		t.Fatal(s)
	}
}

// Cutover's managed routes as they land in an HTTPRoute: a header route (a
// rule whose match ANDs headers into the user's path) and a mirror route (a
// rule with a RequestMirror filter), ahead of the user's weighted rule.
func TestHTTPRouteManagedRoutes(t *testing.T) {
	var r HTTPRoute
	decode(t, `{"metadata":{"namespace":"shop"},"spec":{"rules":[
	  {"name":"beta","matches":[{"path":{"type":"PathPrefix","value":"/"},
	    "headers":[{"name":"x-beta","type":"Exact","value":"1"},{"name":"x-team","type":"RegularExpression","value":"^pay.*"}]}],
	   "backendRefs":[{"name":"canary","port":80,"weight":1}]},
	  {"name":"shadow","matches":[{"path":{"type":"PathPrefix","value":"/"},"method":"GET"}],
	   "filters":[{"type":"RequestMirror","requestMirror":{"backendRef":{"name":"canary","port":80},"percent":40}}],
	   "backendRefs":[{"name":"stable","port":80,"weight":90},{"name":"canary","port":80,"weight":10}]},
	  {"matches":[{"path":{"type":"PathPrefix","value":"/"}}],
	   "backendRefs":[{"name":"stable","port":80,"weight":90},{"name":"canary","port":80,"weight":10}]}]}}`, &r)
	route := func(req Request) ([]Weighted, bool) { return HTTPRouteBackends(r, req) }
	both := func(*rand.Rand) Request {
		return Request{Method: "POST", Path: "/", Headers: map[string]string{"x-beta": "1", "x-team": "payments"}}
	}
	expectShares(t, shares(t, 2000, 1, route, both), map[string]float64{"shop/canary": 1}, 0)
	one := func(*rand.Rand) Request {
		return Request{Method: "POST", Path: "/", Headers: map[string]string{"x-beta": "1"}}
	}
	expectShares(t, shares(t, 20000, 2, route, one), map[string]float64{"shop/stable": 0.9, "shop/canary": 0.1}, 0.01)

	if m := HTTPRouteMirrors(r, Request{Method: "GET", Path: "/a"}); len(m) != 1 || m[0].Fraction != 0.4 || m[0].Backend.Key() != "shop/canary" {
		t.Errorf("a GET is mirrored 40%% to the canary, got %+v", m)
	}
	if m := HTTPRouteMirrors(r, Request{Method: "POST", Path: "/a"}); len(m) != 0 {
		t.Errorf("a POST is not mirrored, got %+v", m)
	}
	if m := HTTPRouteMirrors(r, Request{Path: "/a"}); len(m) != 1 {
		t.Errorf("no method is GET, got %+v", m)
	}
}

// Weights that do not sum to 100 split in proportion.
func TestHTTPRouteWeightsNeedNotSumTo100(t *testing.T) {
	var r HTTPRoute
	decode(t, `{"metadata":{"namespace":"shop"},"spec":{"rules":[{"backendRefs":[
	  {"name":"stable","port":80,"weight":3},{"name":"canary","port":80,"weight":1}]}]}}`, &r)
	route := func(req Request) ([]Weighted, bool) { return HTTPRouteBackends(r, req) }
	expectShares(t, shares(t, 20000, 3, route, nil), map[string]float64{"shop/stable": 0.75, "shop/canary": 0.25}, 0.01)
}

func TestVirtualServiceMirrorAndMethod(t *testing.T) {
	var vs VirtualService
	decode(t, `{"metadata":{"namespace":"shop"},"spec":{"http":[
	  {"name":"shadow","match":[{"method":{"exact":"GET"},"uri":{"prefix":"/api"}}],
	   "route":[{"destination":{"host":"web-stable"},"weight":100},{"destination":{"host":"web-canary"},"weight":0}],
	   "mirror":{"host":"web-canary.shop.svc.cluster.local"},"mirrorPercentage":{"value":50}},
	  {"route":[{"destination":{"host":"web-stable"},"weight":100},{"destination":{"host":"web-canary"},"weight":0}],
	   "mirror":{"host":"web-canary"}}
	]}}`, &vs)
	m := VirtualServiceMirrors(vs, Request{Path: "/api/x"})
	if len(m) != 1 || m[0].Backend.Service != "web-canary" || m[0].Backend.Namespace != "shop" || m[0].Fraction != 0.5 {
		t.Fatalf("GET /api/x: %+v", m)
	}
	// A POST does not match the first route's method: the second mirrors all of it.
	m = VirtualServiceMirrors(vs, Request{Path: "/api/x", Method: "POST"})
	if len(m) != 1 || m[0].Fraction != 1 {
		t.Fatalf("POST /api/x: %+v", m)
	}
	vs.Spec.HTTP[1].Mirror = nil
	if m := VirtualServiceMirrors(vs, Request{Path: "/other"}); len(m) != 0 {
		t.Fatalf("no mirror: %+v", m)
	}
}
