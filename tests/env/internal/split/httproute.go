package split

// HTTPRoute is the part of a gateway.networking.k8s.io HTTPRoute that routing
// needs. It decodes from the object's unstructured content.
type HTTPRoute struct {
	Metadata struct {
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec struct {
		Rules []HTTPRouteRule `json:"rules"`
	} `json:"spec"`
}

// HTTPRouteRule is one rule of an HTTPRoute.
type HTTPRouteRule struct {
	Matches     []HTTPRouteMatch `json:"matches"`
	BackendRefs []HTTPBackendRef `json:"backendRefs"`
}

// HTTPRouteMatch is one match of a rule.
type HTTPRouteMatch struct {
	Path *struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"path"`
	Headers []struct {
		Type  string `json:"type"`
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
}

// HTTPBackendRef is a backendRef of a rule.
type HTTPBackendRef struct {
	Group     *string `json:"group"`
	Kind      *string `json:"kind"`
	Name      string  `json:"name"`
	Namespace *string `json:"namespace"`
	Weight    *int32  `json:"weight"`
}

// matchSpecificity orders matching HTTPRoute matches the way the Gateway API
// spec ranks them: exact path, then longest path, then most header matches.
type matchSpecificity struct {
	exact   bool
	pathLen int
	headers int
}

func (a matchSpecificity) better(b matchSpecificity) bool {
	if a.exact != b.exact {
		return a.exact
	}
	if a.pathLen != b.pathLen {
		return a.pathLen > b.pathLen
	}
	return a.headers > b.headers
}

func (m HTTPRouteMatch) matches(req Request) (matchSpecificity, bool) {
	s := matchSpecificity{}
	path := req.Path
	if path == "" {
		path = "/"
	}
	typ, val := "PathPrefix", "/"
	if m.Path != nil {
		if m.Path.Type != "" {
			typ = m.Path.Type
		}
		if m.Path.Value != "" {
			val = m.Path.Value
		}
	}
	if !stringMatch(typ, val, path) {
		return s, false
	}
	s.exact = typ == "Exact"
	s.pathLen = len(val)
	for _, h := range m.Headers {
		got, ok := req.Header(h.Name)
		if !ok || !stringMatch(h.Type, h.Value, got) {
			return s, false
		}
	}
	s.headers = len(m.Headers)
	return s, true
}

// HTTPRouteBackends returns the weighted backends of the rule that serves the
// request, or false when no rule matches (the gateway answers 404).
// backendRefs default to weight 1; a backendRef that is not a core Service is
// Invalid, as the spec says requests to it must fail with 500.
func HTTPRouteBackends(route HTTPRoute, req Request) ([]Weighted, bool) {
	best := -1
	var bestSpec matchSpecificity
	for i, rule := range route.Spec.Rules {
		matches := rule.Matches
		if len(matches) == 0 {
			matches = []HTTPRouteMatch{{}}
		}
		for _, m := range matches {
			s, ok := m.matches(req)
			if !ok {
				continue
			}
			if best < 0 || s.better(bestSpec) {
				best, bestSpec = i, s
			}
		}
	}
	if best < 0 {
		return nil, false
	}
	var out []Weighted
	for _, ref := range route.Spec.Rules[best].BackendRefs {
		w := int64(1)
		if ref.Weight != nil {
			w = int64(*ref.Weight)
		}
		ns := route.Metadata.Namespace
		if ref.Namespace != nil && *ref.Namespace != "" {
			ns = *ref.Namespace
		}
		b := Backend{Namespace: ns, Service: ref.Name}
		if (ref.Group != nil && *ref.Group != "") || (ref.Kind != nil && *ref.Kind != "Service") {
			b.Invalid = true
		}
		out = append(out, Weighted{Backend: b, Weight: w})
	}
	return out, true
}
