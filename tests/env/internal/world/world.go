// Package world orchestrates the local Kubernetes world: it starts etcd,
// kube-apiserver, kube-controller-manager, the kubelet stand-in, the traffic
// simulator and Prometheus as detached processes, waits until each is
// healthy, installs the upstream CRDs and writes kubeconfigs into one state
// directory. `down` stops exactly the processes recorded there.
package world

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"cutover.dev/tests/env/internal/crds"
	"cutover.dev/tests/env/internal/kubelet"
	"cutover.dev/tests/env/internal/pki"
)

// Part names, in start order.
const (
	PartEtcd       = "etcd"
	PartAPIServer  = "kube-apiserver"
	PartController = "kube-controller-manager"
	PartKubelet    = "kubelet"
	PartSim        = "sim"
	PartPrometheus = "prometheus"
)

// Controllers run by kube-controller-manager.
var Controllers = []string{
	"deployment-controller", "replicaset-controller", "endpoints-controller", "endpointslice-controller",
	"garbage-collector-controller", "namespace-controller", "serviceaccount-controller",
}

// Names of things in the state directory. They are a contract with the C++
// end-to-end tests; see tests/env/README.md.
const (
	ContextName      = "cutover-local"
	AdminUser        = "cutover-admin"
	CertUser         = "cutover-e2e-cert"
	ServiceCIDR      = "10.96.0.0/16"
	ServiceAccountIs = "https://kubernetes.default.svc.cluster.local"
	SimJob           = "cutover-sim"
	ExtraJob         = "cutover-extra"
)

// World is the record of a running world, kept in <state>/world.json.
type World struct {
	State     string         `json:"state"`
	Binary    string         `json:"binary"`
	BinaryID  string         `json:"binaryID"`
	Ports     map[string]int `json:"ports"`
	Procs     []Proc         `json:"procs"`
	StartedAt time.Time      `json:"startedAt"`
	ReadyIn   string         `json:"readyIn,omitempty"`
}

type paths struct{ dir string }

func (p paths) file(n ...string) string { return filepath.Join(append([]string{p.dir}, n...)...) }
func (p paths) world() string           { return p.file("world.json") }
func (p paths) kubeconfig() string      { return p.file("kubeconfig") }
func (p paths) certKubeconfig() string  { return p.file("cert-user.kubeconfig") }
func (p paths) promURL() string         { return p.file("prometheus-url") }
func (p paths) tokens() string          { return p.file("tokens.csv") }
func (p paths) logs(part string) string { return p.file("logs", part+".log") }
func (p paths) scrapeDir() string       { return p.file("scrape") }
func (p paths) promConfig() string      { return p.file("prometheus.yml") }
func (p paths) lock() string            { return p.file("lock") }

// Main dispatches up, down, env and status.
func Main(verb string, args []string) int {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	state := fs.String("state", os.Getenv("CUTOVER_CLUSTER_STATE"), "state directory (default $CUTOVER_CLUSTER_STATE)")
	moduleDir := fs.String("module-dir", "", "tests/env module directory, for `go mod download` of the CRD modules")
	prom := fs.String("prometheus", "prometheus", "Prometheus binary")
	seed := fs.Int64("seed", 1, "simulator random seed")
	nodes := fs.Int("nodes", 1, "number of simulated nodes")
	timeout := fs.Duration("timeout", 120*time.Second, "how long up waits for the world to be ready")
	watchCache := fs.Bool("watch-cache", false, "enable the apiserver watch cache (off: watches from a compacted resourceVersion get 410 Gone)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *state == "" {
		fmt.Fprintln(os.Stderr, "cutover-env: --state or CUTOVER_CLUSTER_STATE is required")
		return 2
	}
	dir, err := filepath.Abs(*state)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	p := paths{dir}
	switch verb {
	case "up":
		if *moduleDir == "" {
			fmt.Fprintln(os.Stderr, "cutover-env up: --module-dir is required")
			return 2
		}
		return withLock(p, func() int {
			return up(p, upOptions{moduleDir: *moduleDir, prometheus: *prom, seed: *seed, nodes: *nodes, timeout: *timeout, watchCache: *watchCache})
		})
	case "down":
		return withLock(p, func() int { return down(p) })
	case "env":
		return env(p)
	case "status":
		return status(p)
	case "compact":
		return compact(p)
	}
	return 2
}

func withLock(p paths, f func() int) int {
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	lf, err := os.OpenFile(p.lock(), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer lf.Close()
	if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fmt.Fprintln(os.Stderr, "cutover-env: another up/down holds", p.lock(), "- waiting")
		if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return f()
}

func load(p paths) (*World, error) {
	data, err := os.ReadFile(p.world())
	if err != nil {
		return nil, err
	}
	var w World
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

func (w *World) save(p paths) error {
	data, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return err
	}
	tmp := p.world() + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p.world())
}

func (w *World) proc(name string) (Proc, bool) {
	for _, pr := range w.Procs {
		if pr.Name == name {
			return pr, true
		}
	}
	return Proc{}, false
}

type upOptions struct {
	moduleDir  string
	prometheus string
	seed       int64
	nodes      int
	timeout    time.Duration
	watchCache bool
}

// partError is a failure of one part: up prints its log tail.
type partError struct {
	part string
	err  error
}

func (e *partError) Error() string { return e.part + ": " + e.err.Error() }

func fail(part string, err error) error { return &partError{part: part, err: err} }

func up(p paths, o upOptions) int {
	t0 := time.Now()
	if w, err := load(p); err == nil {
		// Parts stopped on purpose (`cutover-env stop`) come back as they were.
		if err := w.resumeStopped(p, o.timeout); err != nil {
			fmt.Fprintf(os.Stderr, "cutover world in %s: cannot start a stopped part: %v\n", p.dir, err)
		}
		if problems := w.check(p, 3*time.Second); len(problems) == 0 {
			fmt.Printf("cutover world already up (state %s)\n", p.dir)
			if id := binaryID(); id != "" && id != w.BinaryID {
				fmt.Fprintln(os.Stderr, "note: cutover-env was rebuilt since this world started; `scripts/cluster down && scripts/cluster up` runs the new build")
			}
			return 0
		} else {
			fmt.Fprintf(os.Stderr, "cutover world in %s is unhealthy (%s); restarting it\n", p.dir, strings.Join(problems, "; "))
			stop(reverse(w.Procs), 10*time.Second)
			_ = os.Remove(p.world())
		}
	}
	w := &World{State: p.dir, StartedAt: t0, Ports: map[string]int{}}
	err := w.start(p, o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "cutover-env up: %v\n", err)
		var pe *partError
		if errors.As(err, &pe) {
			fmt.Fprintf(os.Stderr, "---- last lines of %s ----\n%s\n----\n", p.logs(pe.part), tail(p.logs(pe.part), 40))
		}
		stop(reverse(w.Procs), 5*time.Second)
		_ = os.Remove(p.world())
		return 1
	}
	w.ReadyIn = time.Since(t0).Round(10 * time.Millisecond).String()
	_ = w.save(p)
	fmt.Printf("cutover world ready in %s (state %s)\n", w.ReadyIn, p.dir)
	fmt.Printf("  KUBECONFIG=%s\n  PROMETHEUS_URL=http://127.0.0.1:%d\n", p.kubeconfig(), w.Ports[PartPrometheus])
	return 0
}

// binaryID identifies the running executable's build by size and mtime.
func binaryID() string {
	bin, err := os.Executable()
	if err != nil {
		return ""
	}
	st, err := os.Stat(bin)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d-%d", st.Size(), st.ModTime().UnixNano())
}

func reverse(ps []Proc) []Proc {
	out := make([]Proc, len(ps))
	for i, p := range ps {
		out[len(ps)-1-i] = p
	}
	return out
}

// start brings every part up. It records each process as soon as it starts
// so that a failure (or a later down) can stop it.
func (w *World) start(p paths, o upOptions) error {
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	w.Binary = bin
	w.BinaryID = binaryID()
	promBin := o.prometheus
	if !strings.Contains(promBin, "/") {
		if promBin, err = lookPath(promBin); err != nil {
			return fail(PartPrometheus, fmt.Errorf("prometheus not found on PATH (apt-get install prometheus): %w", err))
		}
	}
	// Fresh data for a fresh world; PKI and tokens are kept.
	for _, d := range []string{"etcd", "prometheus"} {
		if err := os.RemoveAll(p.file(d)); err != nil {
			return err
		}
	}
	for _, d := range []string{"logs", "scrape", "etcd"} {
		if err := os.MkdirAll(p.file(d), 0o755); err != nil {
			return err
		}
	}
	for _, part := range []string{PartEtcd, PartAPIServer, PartController, PartKubelet, PartSim, PartPrometheus} {
		_ = os.Remove(p.logs(part))
	}
	files, err := pki.Ensure(p.file("pki"))
	if err != nil {
		return err
	}
	token, err := ensureToken(p)
	if err != nil {
		return err
	}
	for _, name := range []string{"etcd-client", "etcd-peer", PartAPIServer, PartSim, PartPrometheus} {
		port, err := freePort()
		if err != nil {
			return err
		}
		w.Ports[name] = port
	}
	env := os.Environ()
	launch := func(name string, argv ...string) error {
		pr, err := startDetached(name, p.logs(name), argv, env)
		if err != nil {
			return fail(name, err)
		}
		w.Procs = append(w.Procs, pr)
		return w.save(p)
	}
	deadline := time.Now().Add(o.timeout)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()

	// Prometheus does not depend on anything: start it first.
	if err := writePrometheusConfig(p, w.Ports[PartSim]); err != nil {
		return err
	}
	if err := launch(PartPrometheus, promBin,
		"--config.file="+p.promConfig(),
		"--storage.tsdb.path="+p.file("prometheus"),
		"--storage.tsdb.retention.time=6h",
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", w.Ports[PartPrometheus]),
		"--web.enable-lifecycle",
		"--log.level=warn",
	); err != nil {
		return err
	}
	promURL := fmt.Sprintf("http://127.0.0.1:%d", w.Ports[PartPrometheus])
	if err := os.WriteFile(p.promURL(), []byte(promURL), 0o644); err != nil {
		return err
	}

	if err := launch(PartEtcd, bin, "etcd", "--data-dir="+p.file("etcd", "data"),
		fmt.Sprintf("--client-port=%d", w.Ports["etcd-client"]), fmt.Sprintf("--peer-port=%d", w.Ports["etcd-peer"])); err != nil {
		return err
	}
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", w.Ports["etcd-client"])
	if err := w.waitFor(ctx, PartEtcd, func() error { return httpOK(plainClient, etcdURL+"/health", `"health":"true"`) }); err != nil {
		return err
	}

	apiPort := w.Ports[PartAPIServer]
	if err := launch(PartAPIServer, bin, "kube-apiserver",
		"--etcd-servers="+etcdURL,
		"--etcd-compaction-interval=1m",
		// Without the watch cache every watch is served by etcd, so a watch
		// from a compacted resourceVersion reliably fails with 410 Gone.
		fmt.Sprintf("--watch-cache=%t", o.watchCache),
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--endpoint-reconciler-type=none",
		"--cert-dir="+files.Dir,
		"--tls-cert-file="+files.ServingCert(), "--tls-private-key-file="+files.ServingKey(),
		"--client-ca-file="+files.CACert(),
		"--token-auth-file="+p.tokens(),
		"--authorization-mode=RBAC",
		"--service-account-issuer="+ServiceAccountIs,
		"--service-account-key-file="+files.ServiceAccountPub(),
		"--service-account-signing-key-file="+files.ServiceAccountKey(),
		"--service-cluster-ip-range="+ServiceCIDR,
		// Pods need no token volume (nothing runs in them), and without the
		// plugin a pod never waits for its namespace's default ServiceAccount.
		"--disable-admission-plugins=ServiceAccount",
		// As on hardened clusters: setting blockOwnerDeletion on an owner reference needs
		// `update` on the owner's finalizers subresource, so the operator's RBAC is checked.
		"--enable-admission-plugins=OwnerReferencesPermissionEnforcement",
		"--allow-privileged=true",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--event-ttl=30m",
		"--v=0",
	); err != nil {
		return err
	}
	if err := writeKubeconfigs(p, files, apiPort, token); err != nil {
		return err
	}
	restCfg, err := clientcmd.BuildConfigFromFlags("", p.kubeconfig())
	if err != nil {
		return err
	}
	apiClient, err := rest.HTTPClientFor(restCfg)
	if err != nil {
		return err
	}
	apiURL := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	if err := w.waitFor(ctx, PartAPIServer, func() error { return httpOK(apiClient, apiURL+"/readyz", "ok") }); err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		return err
	}
	// The Gateway API v1.0.0 CRDs use `format: binary`, which the apiserver
	// warns about on every apply; the warning is noise here.
	quiet := rest.CopyConfig(restCfg)
	quiet.WarningHandler = rest.NoWarnings{}
	dc, err := dynamic.NewForConfig(quiet)
	if err != nil {
		return err
	}

	if err := launch(PartController, bin, "kube-controller-manager",
		"--kubeconfig="+p.kubeconfig(),
		"--leader-elect=false", "--secure-port=0",
		"--controllers="+strings.Join(Controllers, ","),
		"--service-cluster-ip-range="+ServiceCIDR,
		"--kube-api-qps=100", "--kube-api-burst=200",
		"--concurrent-gc-syncs=10",
		"--v=0",
	); err != nil {
		return err
	}
	if err := launch(PartKubelet, bin, "kubelet", "--kubeconfig="+p.kubeconfig(), "--nodes="+strconv.Itoa(o.nodes)); err != nil {
		return err
	}

	// Install the CRDs while the controllers start.
	gwDir, gwVer, err := crds.ModuleDir(o.moduleDir, crds.GatewayAPIModule)
	if err != nil {
		return fail(PartAPIServer, fmt.Errorf("CRDs: %w", err))
	}
	isDir, isVer, err := crds.ModuleDir(o.moduleDir, crds.IstioAPIModule)
	if err != nil {
		return fail(PartAPIServer, fmt.Errorf("CRDs: %w", err))
	}
	objs, err := crds.Load(gwDir, isDir)
	if err != nil {
		return fail(PartAPIServer, fmt.Errorf("CRDs: %w", err))
	}
	if err := crds.Install(ctx, dc, objs); err != nil {
		return fail(PartAPIServer, fmt.Errorf("CRDs: %w", err))
	}
	fmt.Printf("installed %d CRDs (gateway-api %s, istio api %s)\n", len(objs), gwVer, isVer)

	if err := launch(PartSim, bin, "sim", "--kubeconfig="+p.kubeconfig(),
		fmt.Sprintf("--listen=127.0.0.1:%d", w.Ports[PartSim]), fmt.Sprintf("--seed=%d", o.seed)); err != nil {
		return err
	}

	// Wait for the rest; each check names its part on failure.
	if err := w.waitFor(ctx, PartController, func() error {
		// The serviceaccount controller proves the controller manager runs
		// and talks to the apiserver.
		_, err := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
		return err
	}); err != nil {
		return err
	}
	if err := w.waitFor(ctx, PartKubelet, func() error { return nodeReady(ctx, cs, kubelet.NodeName(1)) }); err != nil {
		return err
	}
	simURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", w.Ports[PartSim])
	if err := w.waitFor(ctx, PartSim, func() error { return httpOK(plainClient, simURL, "cutover_sim_targets") }); err != nil {
		return err
	}
	if err := w.waitFor(ctx, PartPrometheus, func() error {
		if err := httpOK(plainClient, promURL+"/-/ready", ""); err != nil {
			return err
		}
		return promTargetUp(promURL, SimJob)
	}); err != nil {
		return err
	}
	// Compact the bootstrap history away, so that resourceVersion=1 (or any
	// version from before up) is too old right from the start.
	if _, err := compactEtcd(fmt.Sprintf("127.0.0.1:%d", w.Ports["etcd-client"])); err != nil {
		return fail(PartEtcd, fmt.Errorf("compact: %w", err))
	}
	return nil
}

// waitFor polls check until it passes, the part dies, or ctx ends.
func (w *World) waitFor(ctx context.Context, part string, check func() error) error {
	var last error
	for {
		if pr, ok := w.proc(part); ok && !pr.Alive() {
			return fail(part, fmt.Errorf("process exited"))
		}
		if last = check(); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fail(part, fmt.Errorf("not healthy in time: %v", last))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

var plainClient = &http.Client{Timeout: 2 * time.Second}

func httpOK(c *http.Client, u, want string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %.200s", u, resp.Status, body)
	}
	if want != "" && !strings.Contains(string(body), want) {
		return fmt.Errorf("GET %s: body lacks %q", u, want)
	}
	return nil
}

func nodeReady(ctx context.Context, cs kubernetes.Interface, name string) error {
	n, err := cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
			return nil
		}
	}
	return fmt.Errorf("node %s not Ready", name)
}

// promTargetUp checks that Prometheus has scraped the job successfully.
func promTargetUp(promURL, job string) error {
	q := url.Values{"query": {fmt.Sprintf(`up{job=%q}`, job)}}
	resp, err := plainClient.Get(promURL + "/api/v1/query?" + q.Encode())
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Data struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return err
	}
	for _, s := range r.Data.Result {
		if v, _ := s.Value[1].(string); v == "1" {
			return nil
		}
	}
	return fmt.Errorf("prometheus has not scraped job %s yet", job)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lookPath(name string) (string, error) {
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found", name)
}

// ensureToken returns the admin token, creating tokens.csv on first use.
func ensureToken(p paths) (string, error) {
	if data, err := os.ReadFile(p.tokens()); err == nil {
		if tok, _, ok := strings.Cut(string(data), ","); ok && tok != "" {
			return tok, nil
		}
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := hex.EncodeToString(b)
	line := fmt.Sprintf("%s,%s,%s,\"system:masters\"\n", tok, AdminUser, AdminUser)
	return tok, os.WriteFile(p.tokens(), []byte(line), 0o600)
}

func writeKubeconfigs(p paths, f pki.Files, port int, token string) error {
	ca, err := os.ReadFile(f.CACert())
	if err != nil {
		return err
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", port)
	mk := func(user string, auth *clientcmdapi.AuthInfo) *clientcmdapi.Config {
		c := clientcmdapi.NewConfig()
		c.Clusters[ContextName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
		c.AuthInfos[user] = auth
		c.Contexts[ContextName] = &clientcmdapi.Context{Cluster: ContextName, AuthInfo: user, Namespace: "default"}
		c.CurrentContext = ContextName
		return c
	}
	if err := clientcmd.WriteToFile(*mk(AdminUser, &clientcmdapi.AuthInfo{Token: token}), p.kubeconfig()); err != nil {
		return err
	}
	cert, err := os.ReadFile(f.ClientCert())
	if err != nil {
		return err
	}
	key, err := os.ReadFile(f.ClientKey())
	if err != nil {
		return err
	}
	return clientcmd.WriteToFile(*mk(CertUser, &clientcmdapi.AuthInfo{ClientCertificateData: cert, ClientKeyData: key}), p.certKubeconfig())
}

func writePrometheusConfig(p paths, simPort int) error {
	cfg := fmt.Sprintf(`# Written by cutover-env up. Extra targets: drop Prometheus file_sd JSON or
# YAML files into %[1]s, e.g.
#   [{"targets": ["127.0.0.1:8080"], "labels": {"job": "cutover-operator"}}]
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: %[2]s
    static_configs:
      - targets: ["127.0.0.1:%[3]d"]
  - job_name: %[4]s
    file_sd_configs:
      - files: ["%[1]s/*.json", "%[1]s/*.yaml", "%[1]s/*.yml"]
        refresh_interval: 5s
`, p.scrapeDir(), SimJob, simPort, ExtraJob)
	return os.WriteFile(p.promConfig(), []byte(cfg), 0o644)
}

// check returns the problems of a recorded world; none means healthy.
func (w *World) check(p paths, timeout time.Duration) []string {
	var problems []string
	stopped := map[string]bool{}
	for _, pr := range w.Procs {
		switch {
		case pr.Stopped:
			stopped[pr.Name] = true
			problems = append(problems, pr.Name+" is stopped (scripts/cluster start "+pr.Name+")")
		case !pr.Alive():
			problems = append(problems, pr.Name+" is not running")
		}
	}
	if len(stopped) > 0 && len(problems) == len(stopped) && len(w.Procs) >= 6 {
		// Only stopped parts: check the others as usual.
		problems = append(problems, w.probe(p, timeout, stopped)...)
		return problems
	}
	if len(w.Procs) < 6 {
		problems = append(problems, "incomplete start")
	}
	if len(problems) > 0 {
		return problems
	}
	return w.probe(p, timeout, nil)
}

// probe checks the endpoints of the parts that have one, except skipped ones.
func (w *World) probe(p paths, timeout time.Duration, skip map[string]bool) []string {
	var problems []string
	if !skip[PartAPIServer] {
		c, err := adminHTTPClient(p, timeout)
		if err != nil {
			return []string{err.Error()}
		}
		if err := httpOK(c, fmt.Sprintf("https://127.0.0.1:%d/readyz", w.Ports[PartAPIServer]), "ok"); err != nil {
			problems = append(problems, "kube-apiserver: "+err.Error())
		}
	}
	if !skip[PartPrometheus] {
		if err := httpOK(plainClient, fmt.Sprintf("http://127.0.0.1:%d/-/ready", w.Ports[PartPrometheus]), ""); err != nil {
			problems = append(problems, "prometheus: "+err.Error())
		}
	}
	if !skip[PartSim] {
		if err := httpOK(plainClient, fmt.Sprintf("http://127.0.0.1:%d/metrics", w.Ports[PartSim]), ""); err != nil {
			problems = append(problems, "sim: "+err.Error())
		}
	}
	return problems
}

func adminHTTPClient(p paths, timeout time.Duration) (*http.Client, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", p.kubeconfig())
	if err != nil {
		return nil, err
	}
	cfg.Timeout = timeout
	return rest.HTTPClientFor(cfg)
}

func down(p paths) int {
	w, err := load(p)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Printf("cutover world not running (state %s)\n", p.dir)
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	killed := stop(reverse(w.Procs), 10*time.Second)
	if len(killed) > 0 {
		fmt.Fprintf(os.Stderr, "killed after grace period: %s\n", strings.Join(killed, ", "))
	}
	for _, pr := range w.Procs {
		if pr.Alive() {
			fmt.Fprintf(os.Stderr, "%s (pid %d) is still running\n", pr.Name, pr.PID)
			return 1
		}
	}
	_ = os.Remove(p.world())
	_ = os.RemoveAll(p.file("etcd"))
	_ = os.RemoveAll(p.file("prometheus"))
	fmt.Printf("cutover world stopped (%d processes; logs kept in %s)\n", len(w.Procs), p.file("logs"))
	return 0
}

func env(p paths) int {
	w, err := load(p)
	if err != nil {
		fmt.Fprintf(os.Stderr, "cutover world not up in %s: run scripts/cluster up\n", p.dir)
		return 1
	}
	fmt.Printf("export KUBECONFIG=%s\n", shellQuote(p.kubeconfig()))
	fmt.Printf("export PROMETHEUS_URL=%s\n", shellQuote(fmt.Sprintf("http://127.0.0.1:%d", w.Ports[PartPrometheus])))
	fmt.Printf("export CUTOVER_CLUSTER_STATE=%s\n", shellQuote(p.dir))
	return 0
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func status(p paths) int {
	w, err := load(p)
	if err != nil {
		fmt.Printf("cutover world: down (state %s)\n", p.dir)
		return 3
	}
	problems := w.check(p, 3*time.Second)
	state := "up"
	if len(problems) > 0 {
		state = "unhealthy"
	}
	fmt.Printf("cutover world: %s (state %s, started %s, ready in %s)\n", state, p.dir, w.StartedAt.Format(time.RFC3339), w.ReadyIn)
	fmt.Printf("%-24s %8s %-8s %8s  %s\n", "PART", "PID", "STATE", "RSS", "ENDPOINT")
	var total int64
	for _, pr := range w.Procs {
		st := "running"
		var rss int64
		switch {
		case pr.Stopped:
			st = "stopped"
		case pr.Alive():
			rss = pr.RSS()
			total += rss
		default:
			st = "dead"
		}
		fmt.Printf("%-24s %8d %-8s %7dM  %s\n", pr.Name, pr.PID, st, rss>>20, endpoint(w, pr.Name))
	}
	fmt.Printf("%-24s %8s %-8s %7dM\n", "total", "", "", total>>20)
	for _, pr := range problems {
		fmt.Println("problem:", pr)
	}
	if len(problems) > 0 {
		return 1
	}
	return 0
}

func endpoint(w *World, part string) string {
	switch part {
	case PartEtcd:
		return fmt.Sprintf("http://127.0.0.1:%d", w.Ports["etcd-client"])
	case PartAPIServer:
		return fmt.Sprintf("https://127.0.0.1:%d", w.Ports[PartAPIServer])
	case PartSim:
		return fmt.Sprintf("http://127.0.0.1:%d/metrics", w.Ports[PartSim])
	case PartPrometheus:
		return fmt.Sprintf("http://127.0.0.1:%d", w.Ports[PartPrometheus])
	}
	return "-"
}
