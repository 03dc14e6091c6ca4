package sim

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"cutover.dev/tests/env/internal/split"
)

// Target kinds.
const (
	KindService        = "Service"
	KindHTTPRoute      = "HTTPRoute"
	KindIngress        = "Ingress"
	KindVirtualService = "VirtualService"
)

// Target is one entry of the targets ConfigMap: a source of synthetic
// traffic aimed at a Service or a routing object.
type Target struct {
	// Key is the ConfigMap data key the target came from.
	Key       string  `json:"-"`
	Kind      string  `json:"kind"`
	Namespace string  `json:"namespace"`
	Name      string  `json:"name"`
	RPS       float64 `json:"rps"`
	// Path of the synthetic requests (default "/").
	Path string `json:"path,omitempty"`
	// Method of the synthetic requests (default GET).
	Method string `json:"method,omitempty"`
	// Host for Ingress targets (default: the host of the first rule).
	Host string `json:"host,omitempty"`
	// Headers and Cookies: each is set on the given fraction of requests.
	Headers []Mix `json:"headers,omitempty"`
	Cookies []Mix `json:"cookies,omitempty"`
	// Flag: each request evaluates a feature flag (flag.go).
	Flag *FlagMix `json:"flag,omitempty"`
}

// Mix sets Name=Value on a Fraction (0–1) of the requests.
type Mix struct {
	Name     string  `json:"name"`
	Value    string  `json:"value"`
	Fraction float64 `json:"fraction"`
}

// DefaultRPS is used when a target gives no rate.
const DefaultRPS = 10

// ParseTargets reads every data key of the targets ConfigMap. Bad entries are
// returned as errors by key and skipped; the rest are kept.
func ParseTargets(data map[string]string) ([]Target, map[string]error) {
	errs := map[string]error{}
	var out []Target
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t, err := ParseTarget(k, data[k])
		if err != nil {
			errs[k] = err
			continue
		}
		out = append(out, t)
	}
	return out, errs
}

// ParseTarget parses one YAML (or JSON) target document.
func ParseTarget(key, doc string) (Target, error) {
	var t Target
	if err := yaml.UnmarshalStrict([]byte(doc), &t); err != nil {
		return t, err
	}
	t.Key = key
	switch strings.ToLower(t.Kind) {
	case "", "service", "svc":
		t.Kind = KindService
	case "httproute":
		t.Kind = KindHTTPRoute
	case "ingress":
		t.Kind = KindIngress
	case "virtualservice", "vs":
		t.Kind = KindVirtualService
	default:
		return t, fmt.Errorf("unknown kind %q (want Service, HTTPRoute, Ingress or VirtualService)", t.Kind)
	}
	if t.Namespace == "" || t.Name == "" {
		return t, fmt.Errorf("namespace and name are required")
	}
	if t.RPS == 0 {
		t.RPS = DefaultRPS
	}
	if t.RPS < 0 {
		return t, fmt.Errorf("rps must not be negative")
	}
	if t.Path == "" {
		t.Path = "/"
	}
	if t.Flag != nil {
		if err := t.Flag.validate(); err != nil {
			return t, err
		}
	}
	for _, m := range append(append([]Mix(nil), t.Headers...), t.Cookies...) {
		if m.Name == "" || m.Fraction < 0 || m.Fraction > 1 {
			return t, fmt.Errorf("header/cookie mixes need a name and a fraction in [0,1]")
		}
	}
	return t, nil
}

// Request draws one synthetic request of the target.
func (t Target) Request(rng *rand.Rand) split.Request {
	r := split.Request{Method: t.Method, Path: t.Path}
	for _, m := range t.Headers {
		if rng.Float64() < m.Fraction {
			if r.Headers == nil {
				r.Headers = map[string]string{}
			}
			r.Headers[strings.ToLower(m.Name)] = m.Value
		}
	}
	for _, m := range t.Cookies {
		if rng.Float64() < m.Fraction {
			if r.Cookies == nil {
				r.Cookies = map[string]string{}
			}
			r.Cookies[m.Name] = m.Value
		}
	}
	return r
}
