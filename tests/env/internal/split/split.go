// Package split holds the pure traffic-splitting rules of the simulated data
// plane: which backend Service a request goes to for a Gateway API HTTPRoute,
// an Ingress-NGINX canary pair, or an Istio VirtualService, and the weighted
// random pick among backends. It has no Kubernetes client and no clock, so it
// is unit tested directly.
package split

import (
	"math/rand"
	"regexp"
	"strings"
)

// Backend is where a request lands: a Service, optionally narrowed to the pods
// of an Istio DestinationRule subset.
type Backend struct {
	Namespace string
	Service   string
	// Subset is the Istio subset name, "" for the whole Service.
	Subset string
	// Invalid is set when the reference cannot be served (for example a
	// backendRef of a kind other than Service). Requests to it fail with 500.
	Invalid bool
}

// Weighted is a backend with its relative weight.
type Weighted struct {
	Backend Backend
	Weight  int64
}

// Request is one synthetic request, as far as routing is concerned.
type Request struct {
	// Method is the HTTP method ("" is GET).
	Method string
	Path   string
	// Headers are keyed by lower-case name.
	Headers map[string]string
	Cookies map[string]string
}

// Header returns the value of a header, case-insensitively.
func (r Request) Header(name string) (string, bool) {
	v, ok := r.Headers[strings.ToLower(name)]
	return v, ok
}

// Pick chooses a backend with probability weight/sum(weights). It reports
// false when no backend has a positive weight.
func Pick(ws []Weighted, rng *rand.Rand) (Backend, bool) {
	var total int64
	for _, w := range ws {
		if w.Weight > 0 {
			total += w.Weight
		}
	}
	if total == 0 {
		return Backend{}, false
	}
	n := rng.Int63n(total)
	for _, w := range ws {
		if w.Weight <= 0 {
			continue
		}
		if n < w.Weight {
			return w.Backend, true
		}
		n -= w.Weight
	}
	return Backend{}, false // unreachable
}

// Shares returns each backend's expected share of traffic (weight/sum),
// keyed by "namespace/service[/subset]". Used by the debug endpoint.
func Shares(ws []Weighted) map[string]float64 {
	out := map[string]float64{}
	var total int64
	for _, w := range ws {
		if w.Weight > 0 {
			total += w.Weight
		}
	}
	if total == 0 {
		return out
	}
	for _, w := range ws {
		if w.Weight > 0 {
			out[w.Backend.Key()] += float64(w.Weight) / float64(total)
		}
	}
	return out
}

// Key names a backend as namespace/service or namespace/service/subset.
func (b Backend) Key() string {
	k := b.Namespace + "/" + b.Service
	if b.Subset != "" {
		k += "/" + b.Subset
	}
	return k
}

// stringMatch implements exact / prefix / regex matching.
func stringMatch(kind, want, got string) bool {
	switch kind {
	case "Exact", "exact", "":
		return got == want
	case "Prefix", "PathPrefix", "prefix":
		return pathPrefix(want, got)
	case "RegularExpression", "regex":
		re, err := regexp.Compile("^(?:" + want + ")$")
		return err == nil && re.MatchString(got)
	}
	return false
}

// pathPrefix matches Gateway API / Ingress path prefixes element-wise:
// "/foo" matches "/foo" and "/foo/bar" but not "/foobar".
func pathPrefix(prefix, path string) bool {
	if prefix == "" || prefix == "/" {
		return true
	}
	p := strings.TrimSuffix(prefix, "/")
	return path == p || strings.HasPrefix(path, p+"/")
}
