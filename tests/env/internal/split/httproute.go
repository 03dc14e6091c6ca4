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
	Matches     []HTTPRouteMatch  `json:"matches"`
	Filters     []HTTPRouteFilter `json:"filters"`
	BackendRefs []HTTPBackendRef  `json:"backendRefs"`
}

// HTTPRouteFilter is a filter of a rule; only RequestMirror changes where
// requests go.
type HTTPRouteFilter struct {
	Type          string `json:"type"`
	RequestMirror *struct {
		BackendRef HTTPBackendRef `json:"backendRef"`
		Percent    *int32         `json:"percent"`
		Fraction   *struct {
			Numerator   int32  `json:"numerator"`
			Denominator *int32 `json:"denominator"`
		} `json:"fraction"`
	} `json:"requestMirror"`
}

// Mirror is a backend that receives a copy of a Fraction (0–1) of the requests
// a rule serves; its answers are dropped.
type Mirror struct {
	Backend  Backend
	Fraction float64
}

// HTTPRouteMatch is one match of a rule. Its conditions are ANDed; a rule's
// matches are ORed.
type HTTPRouteMatch struct {
	Method *string `json:"method"`
	Path   *struct {
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
// spec ranks them: exact path, then longest path, then a method, then most
// header matches. A tie goes to the first rule in order.
type matchSpecificity struct {
	exact   bool
	pathLen int
	method  bool
	headers int
}

func (a matchSpecificity) better(b matchSpecificity) bool {
	if a.exact != b.exact {
		return a.exact
	}
	if a.pathLen != b.pathLen {
		return a.pathLen > b.pathLen
	}
	if a.method != b.method {
		return a.method
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
	if m.Method != nil {
		method := req.Method
		if method == "" {
			method = "GET"
		}
		if *m.Method != method {
			return s, false
		}
		s.method = true
	}
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
	best := bestRule(route, req)
	if best < 0 {
		return nil, false
	}
	var out []Weighted
	for _, ref := range route.Spec.Rules[best].BackendRefs {
		w := int64(1)
		if ref.Weight != nil {
			w = int64(*ref.Weight)
		}
		out = append(out, Weighted{Backend: backendOf(route, ref), Weight: w})
	}
	return out, true
}

// HTTPRouteMirrors returns the RequestMirror filters of the rule that serves
// the request: each backend gets a copy of its fraction of the requests.
func HTTPRouteMirrors(route HTTPRoute, req Request) []Mirror {
	best := bestRule(route, req)
	if best < 0 {
		return nil
	}
	var out []Mirror
	for _, f := range route.Spec.Rules[best].Filters {
		if f.Type != "RequestMirror" || f.RequestMirror == nil {
			continue
		}
		fraction := 1.0
		if p := f.RequestMirror.Percent; p != nil {
			fraction = float64(*p) / 100
		} else if fr := f.RequestMirror.Fraction; fr != nil {
			den := int32(100)
			if fr.Denominator != nil && *fr.Denominator > 0 {
				den = *fr.Denominator
			}
			fraction = float64(fr.Numerator) / float64(den)
		}
		out = append(out, Mirror{Backend: backendOf(route, f.RequestMirror.BackendRef), Fraction: fraction})
	}
	return out
}

func backendOf(route HTTPRoute, ref HTTPBackendRef) Backend {
	ns := route.Metadata.Namespace
	if ref.Namespace != nil && *ref.Namespace != "" {
		ns = *ref.Namespace
	}
	b := Backend{Namespace: ns, Service: ref.Name}
	if (ref.Group != nil && *ref.Group != "") || (ref.Kind != nil && *ref.Kind != "Service") {
		b.Invalid = true
	}
	return b
}

// bestRule is the index of the rule whose match ranks first for req, or -1.
func bestRule(route HTTPRoute, req Request) int {
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
	return best
}
