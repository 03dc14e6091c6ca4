package split

import "strings"

// VirtualService is the part of a networking.istio.io VirtualService that
// routing needs.
type VirtualService struct {
	Metadata struct {
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec struct {
		HTTP []VSHTTPRoute `json:"http"`
	} `json:"spec"`
}

// VSHTTPRoute is one http route of a VirtualService.
type VSHTTPRoute struct {
	Name  string               `json:"name"`
	Match []VSMatch            `json:"match"`
	Route []VSRouteDestination `json:"route"`
	// Mirror copies every matched request (or mirrorPercentage of them) to
	// another destination; its answers are dropped.
	Mirror           *VSDestination `json:"mirror"`
	MirrorPercentage *struct {
		Value float64 `json:"value"`
	} `json:"mirrorPercentage"`
}

// VSDestination is an Istio Destination.
type VSDestination struct {
	Host   string `json:"host"`
	Subset string `json:"subset"`
}

// VSMatch is one HTTPMatchRequest.
type VSMatch struct {
	URI     *VSStringMatch           `json:"uri"`
	Method  *VSStringMatch           `json:"method"`
	Headers map[string]VSStringMatch `json:"headers"`
}

// VSStringMatch is Istio's StringMatch (one of exact, prefix, regex).
type VSStringMatch struct {
	Exact  string `json:"exact"`
	Prefix string `json:"prefix"`
	Regex  string `json:"regex"`
}

func (m VSStringMatch) match(s string) bool {
	switch {
	case m.Exact != "":
		return s == m.Exact
	case m.Prefix != "":
		return strings.HasPrefix(s, m.Prefix)
	case m.Regex != "":
		return stringMatch("regex", m.Regex, s)
	}
	return true
}

// VSRouteDestination is a weighted destination.
type VSRouteDestination struct {
	Destination VSDestination `json:"destination"`
	Weight      int32         `json:"weight"`
}

// DestinationRule is the part of a DestinationRule that maps subsets to pod
// labels.
type DestinationRule struct {
	Metadata struct {
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec struct {
		Host    string `json:"host"`
		Subsets []struct {
			Name   string            `json:"name"`
			Labels map[string]string `json:"labels"`
		} `json:"subsets"`
	} `json:"spec"`
}

// ServiceOfHost resolves an Istio destination host ("svc", "svc.ns",
// "svc.ns.svc", "svc.ns.svc.cluster.local") relative to a namespace.
func ServiceOfHost(host, namespace string) (ns, svc string) {
	parts := strings.Split(host, ".")
	if len(parts) == 1 {
		return namespace, parts[0]
	}
	return parts[1], parts[0]
}

// VirtualServiceBackends returns the destinations of the first http route
// that matches the request (Istio evaluates routes in order). A lone
// destination without a weight gets all the traffic.
func VirtualServiceBackends(vs VirtualService, req Request) ([]Weighted, bool) {
	r, ok := firstVSRoute(vs, req)
	if !ok {
		return nil, false
	}
	{
		var out []Weighted
		for _, d := range r.Route {
			ns, svc := ServiceOfHost(d.Destination.Host, vs.Metadata.Namespace)
			w := int64(d.Weight)
			if len(r.Route) == 1 && w == 0 {
				w = 100
			}
			out = append(out, Weighted{Backend: Backend{Namespace: ns, Service: svc, Subset: d.Destination.Subset}, Weight: w})
		}
		return out, true
	}
}

// firstVSRoute is the first http route that matches req.
func firstVSRoute(vs VirtualService, req Request) (VSHTTPRoute, bool) {
	path := req.Path
	if path == "" {
		path = "/"
	}
	for _, r := range vs.Spec.HTTP {
		if vsRouteMatches(r, path, req) {
			return r, true
		}
	}
	return VSHTTPRoute{}, false
}

// VirtualServiceMirrors is the mirror of the http route that matches req:
// Istio copies mirrorPercentage percent of its requests (all of them when
// unset) to the mirror, and drops the answers.
func VirtualServiceMirrors(vs VirtualService, req Request) []Mirror {
	r, ok := firstVSRoute(vs, req)
	if !ok || r.Mirror == nil {
		return nil
	}
	fraction := 1.0
	if r.MirrorPercentage != nil {
		fraction = r.MirrorPercentage.Value / 100
	}
	ns, svc := ServiceOfHost(r.Mirror.Host, vs.Metadata.Namespace)
	return []Mirror{{Backend: Backend{Namespace: ns, Service: svc, Subset: r.Mirror.Subset}, Fraction: fraction}}
}

func vsRouteMatches(r VSHTTPRoute, path string, req Request) bool {
	if len(r.Match) == 0 {
		return true
	}
	for _, m := range r.Match {
		if m.URI != nil && !m.URI.match(path) {
			continue
		}
		method := req.Method
		if method == "" {
			method = "GET"
		}
		if m.Method != nil && !m.Method.match(method) {
			continue
		}
		ok := true
		for name, sm := range m.Headers {
			v, has := req.Header(name)
			if !has || !sm.match(v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// SubsetLabels finds the pod labels of a subset among DestinationRules,
// matching the rule's host against the Service. It reports false when no
// rule defines the subset (Istio then answers 503).
func SubsetLabels(rules []DestinationRule, b Backend) (map[string]string, bool) {
	for _, dr := range rules {
		ns, svc := ServiceOfHost(dr.Spec.Host, dr.Metadata.Namespace)
		if ns != b.Namespace || svc != b.Service {
			continue
		}
		for _, s := range dr.Spec.Subsets {
			if s.Name == b.Subset {
				return s.Labels, true
			}
		}
	}
	return nil, false
}
