package split

import (
	"regexp"
	"strconv"

	networkingv1 "k8s.io/api/networking/v1"
)

// Ingress-NGINX canary annotations.
const (
	NginxCanary              = "nginx.ingress.kubernetes.io/canary"
	NginxCanaryWeight        = "nginx.ingress.kubernetes.io/canary-weight"
	NginxCanaryWeightTotal   = "nginx.ingress.kubernetes.io/canary-weight-total"
	NginxCanaryByHeader      = "nginx.ingress.kubernetes.io/canary-by-header"
	NginxCanaryByHeaderValue = "nginx.ingress.kubernetes.io/canary-by-header-value"
	NginxCanaryByHeaderRegex = "nginx.ingress.kubernetes.io/canary-by-header-pattern"
	NginxCanaryByCookie      = "nginx.ingress.kubernetes.io/canary-by-cookie"
)

// IsNginxCanary reports whether an Ingress is a canary Ingress.
func IsNginxCanary(ing *networkingv1.Ingress) bool {
	return ing.Annotations[NginxCanary] == "true"
}

// IngressBackend returns the Service that an Ingress routes host+path to:
// the rule for the host (or a host-less rule) with the longest matching path,
// else the default backend.
func IngressBackend(ing *networkingv1.Ingress, host, path string) (Backend, bool) {
	if path == "" {
		path = "/"
	}
	bestLen := -1
	var best Backend
	for _, rule := range ing.Spec.Rules {
		if rule.Host != "" && rule.Host != host {
			continue
		}
		if rule.HTTP == nil {
			continue
		}
		for _, p := range rule.HTTP.Paths {
			typ := "Prefix"
			if p.PathType != nil && *p.PathType == networkingv1.PathTypeExact {
				typ = "Exact"
			}
			if !stringMatch(typ, p.Path, path) {
				continue
			}
			l := len(p.Path)
			if typ == "Exact" {
				l += 1 << 20
			}
			if l > bestLen && p.Backend.Service != nil {
				bestLen = l
				best = Backend{Namespace: ing.Namespace, Service: p.Backend.Service.Name}
			}
		}
	}
	if bestLen >= 0 {
		return best, true
	}
	if d := ing.Spec.DefaultBackend; d != nil && d.Service != nil {
		return Backend{Namespace: ing.Namespace, Service: d.Service.Name}, true
	}
	return Backend{}, false
}

// DefaultHost is the host of an Ingress's first rule, "" when it has none.
func DefaultHost(ing *networkingv1.Ingress) string {
	for _, r := range ing.Spec.Rules {
		return r.Host
	}
	return ""
}

// NginxBackends applies Ingress-NGINX canary rules for one request: the
// header rules first, then the cookie, then the weight. canary may be nil.
func NginxBackends(primary, canary *networkingv1.Ingress, host string, req Request) ([]Weighted, bool) {
	main, ok := IngressBackend(primary, host, req.Path)
	if !ok {
		return nil, false
	}
	if canary == nil {
		return []Weighted{{Backend: main, Weight: 1}}, true
	}
	cb, ok := IngressBackend(canary, host, req.Path)
	if !ok {
		return []Weighted{{Backend: main, Weight: 1}}, true
	}
	a := canary.Annotations
	only := func(b Backend) ([]Weighted, bool) { return []Weighted{{Backend: b, Weight: 1}}, true }

	if name := a[NginxCanaryByHeader]; name != "" {
		if v, has := req.Header(name); has {
			switch {
			case a[NginxCanaryByHeaderValue] != "":
				if v == a[NginxCanaryByHeaderValue] {
					return only(cb)
				}
			case a[NginxCanaryByHeaderRegex] != "":
				if re, err := regexp.Compile(a[NginxCanaryByHeaderRegex]); err == nil && re.MatchString(v) {
					return only(cb)
				}
			case v == "always":
				return only(cb)
			case v == "never":
				return only(main)
			}
		}
	}
	if name := a[NginxCanaryByCookie]; name != "" {
		switch req.Cookies[name] {
		case "always":
			return only(cb)
		case "never":
			return only(main)
		}
	}
	total := int64(100)
	if t, err := strconv.ParseInt(a[NginxCanaryWeightTotal], 10, 64); err == nil && t > 0 {
		total = t
	}
	w, err := strconv.ParseInt(a[NginxCanaryWeight], 10, 64)
	if err != nil || w < 0 {
		w = 0
	}
	if w > total {
		w = total
	}
	return []Weighted{{Backend: main, Weight: total - w}, {Backend: cb, Weight: w}}, true
}
