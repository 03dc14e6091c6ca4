// Package sim is the traffic simulator that stands in for the data plane. It
// reads targets from a ConfigMap, routes synthetic requests the way a Service,
// a Gateway API HTTPRoute, Ingress-NGINX canaries or an Istio VirtualService
// would, lets each pod's annotations decide its errors and latency, and
// exports Prometheus metrics labelled by service, pod and version.
package sim

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"net"
	"net/http"
	"os/signal"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"

	"cutover.dev/tests/env/internal/split"
)

// GVRs of the routing custom resources, read with the dynamic client.
var (
	HTTPRouteGVR       = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}
	VirtualServiceGVR  = schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1", Resource: "virtualservices"}
	DestinationRuleGVR = schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1", Resource: "destinationrules"}
)

// Main is the `cutover-env sim` entry point.
func Main(args []string) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", "", "admin kubeconfig (required)")
	listen := fs.String("listen", "127.0.0.1:9464", "address of /metrics")
	seed := fs.Int64("seed", 1, "random seed; the same seed and cluster give the same traffic")
	ns := fs.String("targets-namespace", "cutover-sim", "namespace of the targets ConfigMap")
	name := fs.String("targets-name", "targets", "name of the targets ConfigMap")
	tick := fs.Duration("tick", 100*time.Millisecond, "traffic tick")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Printf("sim: %v", err)
		return 1
	}
	cfg.UserAgent = "cutover-sim"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Printf("sim: %v", err)
		return 1
	}
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		log.Printf("sim: %v", err)
		return 1
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	s := New(cs, dc, *seed, *ns, *name)
	if err := s.Run(ctx, *listen, *tick); err != nil {
		log.Printf("sim: %v", err)
		return 1
	}
	return 0
}

// Sim is the simulator.
type Sim struct {
	cs           kubernetes.Interface
	dc           dynamic.Interface
	rng          *rand.Rand
	targetsNS    string
	targetsName  string
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	unrouted     *prometheus.CounterVec
	targetsGauge prometheus.Gauge
	targetErrors prometheus.Gauge

	cms                               cache.Indexer
	services, slices, pods, ingresses cache.Indexer
	routes, vss, drs                  cache.GenericLister

	mu      sync.Mutex
	cmRV    string
	targets []Target
	errs    map[string]error
	acc     map[string]float64
	// series remembers label sets per pod for garbage collection.
	series map[[8]string]time.Time
	parsed map[string]parsedObj
}

type parsedObj struct {
	rv  string
	obj any
}

// New creates a simulator.
func New(cs kubernetes.Interface, dc dynamic.Interface, seed int64, targetsNS, targetsName string) *Sim {
	s := &Sim{
		cs: cs, dc: dc, rng: rand.New(rand.NewSource(seed)),
		targetsNS: targetsNS, targetsName: targetsName,
		reg:    prometheus.NewRegistry(),
		acc:    map[string]float64{},
		series: map[[8]string]time.Time{},
		parsed: map[string]parsedObj{},
		errs:   map[string]error{},
	}
	// flag_variant: the variant of the target's flag the request got ("" without one).
	// mirrored: "true" for a copy a RequestMirror filter sent (its answer is
	// dropped; clients never see it), "" (no label) otherwise.
	// path: the request's path (the target's), as an HTTP server's route label.
	lbl := []string{"namespace", "service", "pod", "version", "code", "flag_variant", "mirrored", "path"}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "http_requests_total", Help: "Simulated HTTP requests served, by backend Service, pod, version, status code, flag variant, whether it was a mirrored copy, and path.",
	}, lbl)
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "http_request_duration_seconds", Help: "Simulated HTTP request latency.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .075, .1, .15, .2, .25, .3, .4, .5, .75, 1, 1.5, 2, 2.5, 5, 10},
	}, lbl)
	s.unrouted = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cutover_sim_unrouted_requests_total", Help: "Requests of a target that no route or backend could take.",
	}, []string{"target", "reason"})
	s.targetsGauge = prometheus.NewGauge(prometheus.GaugeOpts{Name: "cutover_sim_targets", Help: "Valid targets in the targets ConfigMap."})
	s.targetErrors = prometheus.NewGauge(prometheus.GaugeOpts{Name: "cutover_sim_target_errors", Help: "Invalid entries in the targets ConfigMap."})
	s.reg.MustRegister(s.requests, s.duration, s.unrouted, s.targetsGauge, s.targetErrors)
	return s
}

// Run serves /metrics and sends traffic until ctx ends.
func (s *Sim) Run(ctx context.Context, listen string, tick time.Duration) error {
	factory := informers.NewSharedInformerFactory(s.cs, 0)
	cmFactory := informers.NewSharedInformerFactoryWithOptions(s.cs, 0, informers.WithNamespace(s.targetsNS))
	dynFactory := dynamicinformer.NewDynamicSharedInformerFactory(s.dc, 0)

	svcInf := factory.Core().V1().Services().Informer()
	sliceInf := factory.Discovery().V1().EndpointSlices().Informer()
	podInf := factory.Core().V1().Pods().Informer()
	ingInf := factory.Networking().V1().Ingresses().Informer()
	cmInf := cmFactory.Core().V1().ConfigMaps().Informer()
	if err := sliceInf.AddIndexers(cache.Indexers{"service": func(obj any) ([]string, error) {
		es := obj.(*discoveryv1.EndpointSlice)
		return []string{es.Namespace + "/" + es.Labels[discoveryv1.LabelServiceName]}, nil
	}}); err != nil {
		return err
	}
	s.services, s.slices, s.pods, s.ingresses, s.cms = svcInf.GetIndexer(), sliceInf.GetIndexer(), podInf.GetIndexer(), ingInf.GetIndexer(), cmInf.GetIndexer()
	s.routes = dynFactory.ForResource(HTTPRouteGVR).Lister()
	s.vss = dynFactory.ForResource(VirtualServiceGVR).Lister()
	s.drs = dynFactory.ForResource(DestinationRuleGVR).Lister()

	factory.Start(ctx.Done())
	cmFactory.Start(ctx.Done())
	dynFactory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), svcInf.HasSynced, sliceInf.HasSynced, podInf.HasSynced, ingInf.HasSynced, cmInf.HasSynced) {
		return errors.New("informers did not sync")
	}
	// The routing CRDs may be missing; do not wait for them forever.
	syncCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	for gvr, ok := range dynFactory.WaitForCacheSync(syncCtx.Done()) {
		if !ok {
			log.Printf("sim: %s not synced yet (CRD missing?); continuing", gvr.Resource)
		}
	}
	cancel()
	s.ensureTargetsConfigMap(ctx)

	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/debug/targets", s.debugTargets)
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go s.loop(ctx, tick)
	log.Printf("sim: serving metrics on http://%s/metrics, targets in ConfigMap %s/%s", listen, s.targetsNS, s.targetsName)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ensureTargetsConfigMap creates the namespace and an empty ConfigMap so that
// tests can patch keys into it.
func (s *Sim) ensureTargetsConfigMap(ctx context.Context) {
	_, err := s.cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metaName(s.targetsNS, "")}, createOpts)
	if err != nil && !apierrors.IsAlreadyExists(err) {
		log.Printf("sim: create namespace %s: %v", s.targetsNS, err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metaName(s.targetsName, s.targetsNS)}
	cm.Annotations = map[string]string{"sim.cutover.dev/format": "each data key is one target: YAML with kind, namespace, name, rps; see tests/env/README.md"}
	if _, err := s.cs.CoreV1().ConfigMaps(s.targetsNS).Create(ctx, cm, createOpts); err != nil && !apierrors.IsAlreadyExists(err) {
		log.Printf("sim: create ConfigMap: %v", err)
	}
}

func (s *Sim) loop(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	gc := time.NewTicker(30 * time.Second)
	defer gc.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			dt := now.Sub(last).Seconds()
			last = now
			if dt > 1 {
				dt = 1 // after a stall, do not burst
			}
			s.step(dt)
		case <-gc.C:
			s.collectGarbage()
		}
	}
}

// refreshTargets re-parses the ConfigMap when it changed.
func (s *Sim) refreshTargets() {
	obj, ok, _ := s.cms.GetByKey(s.targetsNS + "/" + s.targetsName)
	rv := ""
	var data map[string]string
	if ok {
		cm := obj.(*corev1.ConfigMap)
		rv, data = cm.ResourceVersion, cm.Data
	}
	if rv == s.cmRV && s.targets != nil {
		return
	}
	s.cmRV = rv
	targets, errs := ParseTargets(data)
	for k, err := range errs {
		log.Printf("sim: target %q ignored: %v", k, err)
	}
	live := map[string]bool{}
	for _, t := range targets {
		live[t.Key] = true
	}
	for k := range s.acc {
		if !live[k] {
			delete(s.acc, k)
		}
	}
	if targets == nil {
		targets = []Target{}
	}
	s.targets, s.errs = targets, errs
	s.targetsGauge.Set(float64(len(targets)))
	s.targetErrors.Set(float64(len(errs)))
	log.Printf("sim: %d target(s) active", len(targets))
}

// step sends dt seconds worth of traffic for every target.
func (s *Sim) step(dt float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshTargets()
	eps := map[string][]endpoint{}
	now := time.Now()
	for _, t := range s.targets {
		s.acc[t.Key] += t.RPS * dt
		n := int(s.acc[t.Key])
		s.acc[t.Key] -= float64(n)
		for i := 0; i < n; i++ {
			s.send(t, eps, now)
		}
	}
}

type endpoint struct {
	pod       string
	behaviour Behaviour
}

// send routes and answers one request of target t.
func (s *Sim) send(t Target, eps map[string][]endpoint, now time.Time) {
	req := t.Request(s.rng)
	ws, reason := s.route(t, req)
	if reason == "" && (t.Kind == KindHTTPRoute || t.Kind == KindVirtualService) {
		s.mirror(t, req, eps, now)
	}
	if reason != "" {
		s.unrouted.WithLabelValues(t.Key, reason).Inc()
		return
	}
	b, ok := split.Pick(ws, s.rng)
	if !ok {
		s.unrouted.WithLabelValues(t.Key, "no-weight").Inc()
		return
	}
	s.answer(t, b, eps, "", now)
}

// mirror sends the copies the RequestMirror filters of the request's rule (or
// the mirror of its VirtualService route) ask for; their answers are counted
// with mirrored="true" and dropped.
func (s *Sim) mirror(t Target, req split.Request, eps map[string][]endpoint, now time.Time) {
	var mirrors []split.Mirror
	if t.Kind == KindVirtualService {
		vs, ok := decodeCached[split.VirtualService](s, s.vss, t.Namespace, t.Name)
		if !ok {
			return
		}
		mirrors = split.VirtualServiceMirrors(vs, req)
	} else {
		r, ok := decodeCached[split.HTTPRoute](s, s.routes, t.Namespace, t.Name)
		if !ok {
			return
		}
		mirrors = split.HTTPRouteMirrors(r, req)
	}
	for _, m := range mirrors {
		if s.rng.Float64() < m.Fraction {
			s.answer(t, m.Backend, eps, "true", now)
		}
	}
}

// answer has one pod of backend b answer a request of target t.
func (s *Sim) answer(t Target, b split.Backend, eps map[string][]endpoint, mirrored string, now time.Time) {
	if b.Invalid {
		s.observe(b.Namespace, b.Service, "", "", 500, 0, "", mirrored, t.Path, now)
		return
	}
	list, cached := eps[b.Key()]
	if !cached {
		list = s.endpoints(b)
		eps[b.Key()] = list
	}
	if len(list) == 0 {
		// The proxy has nowhere to send it: 503, as Envoy and NGINX answer.
		s.observe(b.Namespace, b.Service, "", "", 503, 0.001, "", mirrored, t.Path, now)
		return
	}
	ep := list[s.rng.Intn(len(list))]
	behaviour, variant := ep.behaviour, ""
	if t.Flag != nil {
		variant = evaluateFlag(t.Flag, s.rng)
		behaviour = t.Flag.apply(behaviour, variant)
	}
	code, secs := behaviour.Answer(s.rng)
	s.observe(b.Namespace, b.Service, ep.pod, ep.behaviour.Version, code, secs, variant, mirrored, t.Path, now)
}

func (s *Sim) observe(ns, svc, pod, version string, code int, secs float64, variant, mirrored, path string, now time.Time) {
	c := strconv.Itoa(code)
	s.requests.WithLabelValues(ns, svc, pod, version, c, variant, mirrored, path).Inc()
	s.duration.WithLabelValues(ns, svc, pod, version, c, variant, mirrored, path).Observe(secs)
	s.series[[8]string{ns, svc, pod, version, c, variant, mirrored, path}] = now
}

// route returns the weighted backends for a request, or a reason why there
// are none.
func (s *Sim) route(t Target, req split.Request) ([]split.Weighted, string) {
	switch t.Kind {
	case KindService:
		return []split.Weighted{{Backend: split.Backend{Namespace: t.Namespace, Service: t.Name}, Weight: 1}}, ""
	case KindHTTPRoute:
		r, ok := decodeCached[split.HTTPRoute](s, s.routes, t.Namespace, t.Name)
		if !ok {
			return nil, "route-not-found"
		}
		ws, ok := split.HTTPRouteBackends(r, req)
		if !ok {
			return nil, "no-matching-rule"
		}
		return ws, ""
	case KindVirtualService:
		vs, ok := decodeCached[split.VirtualService](s, s.vss, t.Namespace, t.Name)
		if !ok {
			return nil, "route-not-found"
		}
		ws, ok := split.VirtualServiceBackends(vs, req)
		if !ok {
			return nil, "no-matching-rule"
		}
		return ws, ""
	case KindIngress:
		obj, ok, _ := s.ingresses.GetByKey(t.Namespace + "/" + t.Name)
		if !ok {
			return nil, "route-not-found"
		}
		primary := obj.(*networkingv1.Ingress)
		host := t.Host
		if host == "" {
			host = split.DefaultHost(primary)
		}
		ws, ok := split.NginxBackends(primary, s.canaryFor(primary, host), host, req)
		if !ok {
			return nil, "no-matching-rule"
		}
		return ws, ""
	}
	return nil, "unknown-kind"
}

// canaryFor finds the canary Ingress that shadows primary for host, as
// Ingress-NGINX merges them: same namespace, canary annotation, same host.
func (s *Sim) canaryFor(primary *networkingv1.Ingress, host string) *networkingv1.Ingress {
	objs, _ := s.ingresses.ByIndex(cache.NamespaceIndex, primary.Namespace)
	var cands []*networkingv1.Ingress
	for _, o := range objs {
		ing := o.(*networkingv1.Ingress)
		if ing.Name == primary.Name || !split.IsNginxCanary(ing) {
			continue
		}
		for _, r := range ing.Spec.Rules {
			if r.Host == host {
				cands = append(cands, ing)
				break
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].Name < cands[j].Name })
	return cands[0]
}

// decodeCached fetches a custom resource from a dynamic lister and converts
// it, caching the conversion by resourceVersion.
func decodeCached[T any](s *Sim, l cache.GenericLister, ns, name string) (T, bool) {
	var zero T
	obj, err := l.ByNamespace(ns).Get(name)
	if err != nil {
		return zero, false
	}
	u := obj.(*unstructured.Unstructured)
	key := u.GetAPIVersion() + "/" + u.GetKind() + "/" + ns + "/" + name
	if p, ok := s.parsed[key]; ok && p.rv == u.GetResourceVersion() {
		if v, ok := p.obj.(T); ok {
			return v, true
		}
	}
	var v T
	data, err := json.Marshal(u.Object)
	if err != nil || json.Unmarshal(data, &v) != nil {
		return zero, false
	}
	s.parsed[key] = parsedObj{rv: u.GetResourceVersion(), obj: v}
	return v, true
}

// endpoints lists the ready pods behind a backend from its EndpointSlices,
// narrowed to an Istio subset when one is named.
func (s *Sim) endpoints(b split.Backend) []endpoint {
	if _, ok, _ := s.services.GetByKey(b.Namespace + "/" + b.Service); !ok {
		return nil
	}
	var selector labels.Selector
	if b.Subset != "" {
		var rules []split.DestinationRule
		objs, _ := s.drs.ByNamespace(b.Namespace).List(labels.Everything())
		for _, o := range objs {
			if u, ok := o.(*unstructured.Unstructured); ok {
				if dr, ok := decodeCached[split.DestinationRule](s, s.drs, u.GetNamespace(), u.GetName()); ok {
					rules = append(rules, dr)
				}
			}
		}
		sel, ok := split.SubsetLabels(rules, b)
		if !ok {
			return nil
		}
		selector = labels.SelectorFromSet(sel)
	}
	slices, _ := s.slices.ByIndex("service", b.Namespace+"/"+b.Service)
	seen := map[string]bool{}
	var out []endpoint
	for _, o := range slices {
		es := o.(*discoveryv1.EndpointSlice)
		for _, ep := range es.Endpoints {
			if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
				continue
			}
			if ep.TargetRef == nil || ep.TargetRef.Kind != "Pod" || seen[ep.TargetRef.Name] {
				continue
			}
			seen[ep.TargetRef.Name] = true
			var pod *corev1.Pod
			if obj, ok, _ := s.pods.GetByKey(b.Namespace + "/" + ep.TargetRef.Name); ok {
				pod = obj.(*corev1.Pod)
			}
			if selector != nil && (pod == nil || !selector.Matches(labels.Set(pod.Labels))) {
				continue
			}
			out = append(out, endpoint{pod: ep.TargetRef.Name, behaviour: BehaviourOf(pod)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pod < out[j].pod })
	return out
}

// collectGarbage drops the series of pods that are gone, a minute after
// their last request, so a long run does not grow without bound.
func (s *Sim) collectGarbage() {
	s.mu.Lock()
	defer s.mu.Unlock()
	cutoff := time.Now().Add(-time.Minute)
	for k, seen := range s.series {
		if seen.After(cutoff) {
			continue
		}
		if k[2] != "" {
			if _, ok, _ := s.pods.GetByKey(k[0] + "/" + k[2]); ok {
				continue
			}
		}
		s.requests.DeleteLabelValues(k[:]...)
		s.duration.DeleteLabelValues(k[:]...)
		delete(s.series, k)
	}
}

// debugTargets shows each target and its current expected split.
func (s *Sim) debugTargets(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type view struct {
		Target
		Key    string             `json:"key"`
		Shares map[string]float64 `json:"shares,omitempty"`
		Error  string             `json:"error,omitempty"`
	}
	out := struct {
		Targets []view            `json:"targets"`
		Invalid map[string]string `json:"invalid,omitempty"`
	}{Invalid: map[string]string{}}
	for _, t := range s.targets {
		v := view{Target: t, Key: t.Key}
		ws, reason := s.route(t, split.Request{Path: t.Path})
		if reason != "" {
			v.Error = reason
		} else {
			v.Shares = split.Shares(ws)
		}
		out.Targets = append(out.Targets, v)
	}
	for k, err := range s.errs {
		out.Invalid[k] = err.Error()
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}
