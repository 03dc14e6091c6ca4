package kubelet

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
)

// Main is the `cutover-env kubelet` entry point.
func Main(args []string) int {
	fs := flag.NewFlagSet("kubelet", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", "", "admin kubeconfig (required)")
	nodes := fs.Int("nodes", 1, "number of Ready nodes to register")
	workers := fs.Int("workers", 4, "concurrent pod workers")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Printf("kubelet: %v", err)
		return 1
	}
	cfg.QPS, cfg.Burst = 200, 400
	cfg.UserAgent = "cutover-kubelet-standin"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		log.Printf("kubelet: %v", err)
		return 1
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	k := New(cs, *nodes)
	if err := k.Run(ctx, *workers); err != nil {
		log.Printf("kubelet: %v", err)
		return 1
	}
	return 0
}

// Kubelet is the stand-in controller.
type Kubelet struct {
	cs        kubernetes.Interface
	nodeCount int
	nodes     map[string]Node
	nodeNames []string
	pods      corelisters.PodLister
	queue     workqueue.TypedRateLimitingInterface[string]

	mu     sync.Mutex
	ipOf   map[types.UID]string
	ipUsed map[string]types.UID
	nextIP int
	// started remembers when each pod was first reported running, so the
	// ready-after clock does not depend on a status round-trip.
	started map[types.UID]time.Time
	// bound remembers our bindings until the informer shows them, so that
	// concurrent workers spread pods evenly.
	bound map[types.UID]string
}

// New creates a stand-in for n nodes.
func New(cs kubernetes.Interface, n int) *Kubelet {
	k := &Kubelet{
		cs: cs, nodeCount: n, nodes: map[string]Node{},
		ipOf: map[types.UID]string{}, ipUsed: map[string]types.UID{}, started: map[types.UID]time.Time{}, bound: map[types.UID]string{},
		queue: workqueue.NewTypedRateLimitingQueue(workqueue.NewTypedItemExponentialFailureRateLimiter[string](50*time.Millisecond, 5*time.Second)),
	}
	for i := 1; i <= n; i++ {
		k.nodes[NodeName(i)] = Node{Name: NodeName(i), IP: NodeIP(i)}
		k.nodeNames = append(k.nodeNames, NodeName(i))
	}
	return k
}

// Run registers the nodes and reconciles pods until ctx ends.
func (k *Kubelet) Run(ctx context.Context, workers int) error {
	if err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		if err := k.registerNodes(ctx); err != nil {
			log.Printf("kubelet: register nodes: %v", err)
			return false, nil
		}
		return true, nil
	}); err != nil {
		return err
	}
	log.Printf("kubelet: %d node(s) Ready", k.nodeCount)

	factory := informers.NewSharedInformerFactory(k.cs, 0)
	podInf := factory.Core().V1().Pods()
	k.pods = podInf.Lister()
	if _, err := podInf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    k.enqueue,
		UpdateFunc: func(_, obj any) { k.enqueue(obj) },
		DeleteFunc: k.enqueue,
	}); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), podInf.Informer().HasSynced) {
		return fmt.Errorf("pod informer did not sync")
	}
	k.adoptExistingIPs()

	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k.processNext(ctx) {
			}
		}()
	}
	go wait.UntilWithContext(ctx, func(ctx context.Context) {
		if err := k.registerNodes(ctx); err != nil {
			log.Printf("kubelet: heartbeat: %v", err)
		}
	}, 20*time.Second)

	<-ctx.Done()
	k.queue.ShutDown()
	wg.Wait()
	return nil
}

func (k *Kubelet) enqueue(obj any) {
	key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
	if err == nil {
		k.queue.Add(key)
	}
}

// registerNodes creates missing nodes, posts a Ready status and removes the
// taints the apiserver puts on new nodes.
func (k *Kubelet) registerNodes(ctx context.Context) error {
	now := time.Now()
	for i := 1; i <= k.nodeCount; i++ {
		node, err := k.cs.CoreV1().Nodes().Get(ctx, NodeName(i), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			node, err = k.cs.CoreV1().Nodes().Create(ctx, NodeObject(i), metav1.CreateOptions{})
		}
		if err != nil {
			return err
		}
		transition := now
		for _, c := range node.Status.Conditions {
			if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
				transition = c.LastTransitionTime.Time
			}
		}
		node.Status = NodeStatus(i, now, transition)
		node, err = k.cs.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
		if err != nil {
			return err
		}
		if len(node.Spec.Taints) > 0 {
			node.Spec.Taints = nil
			if _, err := k.cs.CoreV1().Nodes().Update(ctx, node, metav1.UpdateOptions{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// adoptExistingIPs keeps the IPs of pods that already run (after a restart
// of the stand-in), so IPs stay unique.
func (k *Kubelet) adoptExistingIPs() {
	pods, _ := k.pods.List(everything)
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, p := range pods {
		if p.Status.PodIP != "" && k.nodes[p.Spec.NodeName].Name != "" {
			k.ipOf[p.UID] = p.Status.PodIP
			k.ipUsed[p.Status.PodIP] = p.UID
		}
		if p.Status.StartTime != nil {
			k.started[p.UID] = p.Status.StartTime.Time
		}
	}
}

func (k *Kubelet) allocate(uid types.UID) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if ip, ok := k.ipOf[uid]; ok {
		return ip
	}
	for {
		ip := PodIP(k.nextIP)
		k.nextIP++
		if _, used := k.ipUsed[ip]; !used {
			k.ipOf[uid] = ip
			k.ipUsed[ip] = uid
			return ip
		}
	}
}

func (k *Kubelet) release(uid types.UID) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if ip, ok := k.ipOf[uid]; ok {
		delete(k.ipUsed, ip)
		delete(k.ipOf, uid)
	}
	delete(k.started, uid)
}

func (k *Kubelet) startTime(pod *corev1.Pod) time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	if t, ok := k.started[pod.UID]; ok {
		return t
	}
	t := time.Now().Truncate(time.Second)
	if pod.Status.StartTime != nil {
		t = pod.Status.StartTime.Time
	}
	k.started[pod.UID] = t
	return t
}

func (k *Kubelet) processNext(ctx context.Context) bool {
	key, quit := k.queue.Get()
	if quit {
		return false
	}
	defer k.queue.Done(key)
	after, err := k.sync(ctx, key)
	switch {
	case err != nil:
		if !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
			log.Printf("kubelet: %s: %v", key, err)
		}
		k.queue.AddRateLimited(key)
	default:
		k.queue.Forget(key)
		if after > 0 {
			k.queue.AddAfter(key, after)
		}
	}
	return true
}

// pickNode chooses a node for a pod and remembers the choice. The load
// counts bound pods from the informer plus bindings it has not seen yet.
func (k *Kubelet) pickNode(uid types.UID) string {
	pods, _ := k.pods.List(everything)
	k.mu.Lock()
	defer k.mu.Unlock()
	load := map[string]int{}
	seen := map[types.UID]bool{}
	for _, p := range pods {
		seen[p.UID] = true
		switch {
		case p.Spec.NodeName != "":
			load[p.Spec.NodeName]++
			delete(k.bound, p.UID)
		case k.bound[p.UID] != "" && p.UID != uid:
			load[k.bound[p.UID]]++
		}
	}
	for u := range k.bound {
		if !seen[u] {
			delete(k.bound, u)
		}
	}
	node := ChooseNode(k.nodeNames, load)
	k.bound[uid] = node
	return node
}

func (k *Kubelet) sync(ctx context.Context, key string) (time.Duration, error) {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return 0, nil
	}
	pod, err := k.pods.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		k.releaseGone()
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if Schedulable(pod) {
		node := k.pickNode(pod.UID)
		err := k.cs.CoreV1().Pods(ns).Bind(ctx, &corev1.Binding{
			ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: ns, UID: pod.UID},
			Target:     corev1.ObjectReference{Kind: "Node", Name: node},
		}, metav1.CreateOptions{})
		if apierrors.IsConflict(err) || apierrors.IsNotFound(err) {
			return 0, nil // bound meanwhile, or gone
		}
		return 0, err
	}
	node, ours := k.nodes[pod.Spec.NodeName]
	if !ours {
		return 0, nil
	}
	if pod.DeletionTimestamp != nil {
		// A real kubelet stops the containers and then removes the pod; there
		// is nothing to stop, so remove it at once.
		zero := int64(0)
		err := k.cs.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{
			GracePeriodSeconds: &zero,
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if err == nil || apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			k.release(pod.UID)
			return 0, nil
		}
		return 0, err
	}
	if pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return 0, nil
	}
	ip := k.allocate(pod.UID)
	want, after := Desired(pod, node, ip, k.startTime(pod), time.Now())
	if Fingerprint(want) == Fingerprint(pod.Status) {
		return after, nil
	}
	upd := pod.DeepCopy()
	upd.Status = want
	if _, err := k.cs.CoreV1().Pods(ns).UpdateStatus(ctx, upd, metav1.UpdateOptions{}); err != nil {
		return 0, err
	}
	return after, nil
}

// releaseGone frees the IPs of pods that no longer exist.
func (k *Kubelet) releaseGone() {
	pods, _ := k.pods.List(everything)
	live := map[types.UID]bool{}
	for _, p := range pods {
		live[p.UID] = true
	}
	k.mu.Lock()
	var gone []types.UID
	for uid := range k.ipOf {
		if !live[uid] {
			gone = append(gone, uid)
		}
	}
	k.mu.Unlock()
	for _, uid := range gone {
		k.release(uid)
	}
}

func init() {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetOutput(os.Stderr)
}
