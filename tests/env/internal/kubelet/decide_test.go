package kubelet

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var (
	t0   = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	node = Node{Name: "cutover-node-1", IP: "10.200.0.1"}
)

func pod(ann map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web-1", Namespace: "shop", UID: "0123456789abcdef", Annotations: ann,
			CreationTimestamp: metav1.Time{Time: t0}},
		Spec: corev1.PodSpec{
			NodeName:       node.Name,
			InitContainers: []corev1.Container{{Name: "init", Image: "busybox"}},
			Containers:     []corev1.Container{{Name: "app", Image: "web:1"}, {Name: "sidecar", Image: "proxy:1"}},
		},
	}
}

func cond(st corev1.PodStatus, t corev1.PodConditionType) corev1.ConditionStatus {
	for _, c := range st.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

func TestDesiredDefaultIsRunningAndReady(t *testing.T) {
	st, after := Desired(pod(nil), node, "10.244.0.7", t0, t0.Add(time.Second))
	if after != 0 {
		t.Errorf("requeue %v, want none", after)
	}
	if st.Phase != corev1.PodRunning || st.PodIP != "10.244.0.7" || st.HostIP != node.IP || len(st.PodIPs) != 1 || len(st.HostIPs) != 1 {
		t.Fatalf("status %+v", st)
	}
	for _, c := range []corev1.PodConditionType{corev1.PodScheduled, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady, corev1.PodReadyToStartContainers} {
		if cond(st, c) != corev1.ConditionTrue {
			t.Errorf("condition %s = %q", c, cond(st, c))
		}
	}
	if len(st.ContainerStatuses) != 2 || len(st.InitContainerStatuses) != 1 {
		t.Fatalf("container statuses %+v", st.ContainerStatuses)
	}
	for _, cs := range st.ContainerStatuses {
		if !cs.Ready || cs.State.Running == nil || cs.Started == nil || !*cs.Started || cs.RestartCount != 0 {
			t.Errorf("container %+v", cs)
		}
	}
	if st.InitContainerStatuses[0].State.Terminated == nil {
		t.Error("init container must be terminated")
	}
}

func TestDesiredReadyAfter(t *testing.T) {
	for _, v := range []string{"5s", "5"} {
		p := pod(map[string]string{AnnReadyAfter: v})
		st, after := Desired(p, node, "10.244.0.1", t0, t0.Add(2*time.Second))
		if cond(st, corev1.PodReady) != corev1.ConditionFalse || st.Phase != corev1.PodRunning {
			t.Errorf("%s: ready before the delay: %+v", v, st.Conditions)
		}
		if after != 3*time.Second {
			t.Errorf("%s: requeue %v, want 3s", v, after)
		}
		st, after = Desired(p, node, "10.244.0.1", t0, t0.Add(5*time.Second))
		if cond(st, corev1.PodReady) != corev1.ConditionTrue || after != 0 {
			t.Errorf("%s: not ready after the delay (requeue %v)", v, after)
		}
	}
	if d := ReadyAfter(pod(map[string]string{AnnReadyAfter: "garbage"})); d != 0 {
		t.Errorf("invalid ready-after gave %v", d)
	}
}

func TestDesiredNeverReady(t *testing.T) {
	st, after := Desired(pod(map[string]string{AnnNeverReady: "true"}), node, "10.244.0.1", t0, t0.Add(time.Hour))
	if st.Phase != corev1.PodRunning || cond(st, corev1.PodReady) != corev1.ConditionFalse || cond(st, corev1.ContainersReady) != corev1.ConditionFalse {
		t.Fatalf("never-ready pod: %+v", st)
	}
	if after != 0 {
		t.Errorf("requeue %v", after)
	}
	if st.ContainerStatuses[0].State.Running == nil || st.ContainerStatuses[0].Ready {
		t.Errorf("container must run but not be ready: %+v", st.ContainerStatuses[0])
	}
	st, _ = Desired(pod(map[string]string{AnnNeverReady: "false"}), node, "10.244.0.1", t0, t0.Add(time.Hour))
	if cond(st, corev1.PodReady) != corev1.ConditionTrue {
		t.Error(`never-ready: "false" must be ready`)
	}
}

func TestCrashRestartsRise(t *testing.T) {
	prev := int32(-1)
	for s := 0; s <= 120; s++ {
		n, last, next := CrashRestarts(time.Duration(s) * time.Second)
		if n < prev {
			t.Fatalf("restart count fell at %ds", s)
		}
		if next <= time.Duration(s)*time.Second || (n > 0 && last > time.Duration(s)*time.Second) {
			t.Fatalf("at %ds: last %v next %v", s, last, next)
		}
		if next-last > CrashCap && n > 0 {
			t.Fatalf("back-off %v above cap", next-last)
		}
		prev = n
	}
	if n, _, _ := CrashRestarts(30 * time.Second); n < 4 {
		t.Errorf("only %d restarts after 30s", n)
	}
	if n, _, _ := CrashRestarts(0); n != 0 {
		t.Errorf("restarts at start: %d", n)
	}
}

func TestDesiredCrash(t *testing.T) {
	p := pod(map[string]string{AnnCrash: "true"})
	st, after := Desired(p, node, "10.244.0.1", t0, t0.Add(20*time.Second))
	if st.Phase != corev1.PodRunning || cond(st, corev1.PodReady) != corev1.ConditionFalse {
		t.Fatalf("crashing pod: %+v", st)
	}
	cs := st.ContainerStatuses[0]
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != "CrashLoopBackOff" {
		t.Fatalf("state %+v", cs.State)
	}
	if cs.RestartCount < 3 || cs.LastTerminationState.Terminated == nil || cs.LastTerminationState.Terminated.ExitCode != 1 {
		t.Fatalf("container %+v", cs)
	}
	if after <= 0 || after > CrashCap {
		t.Errorf("requeue %v", after)
	}
	later, _ := Desired(p, node, "10.244.0.1", t0, t0.Add(60*time.Second))
	if later.ContainerStatuses[0].RestartCount <= cs.RestartCount {
		t.Error("restartCount must rise")
	}
	if Fingerprint(later) == Fingerprint(st) {
		t.Error("fingerprint must change when restartCount rises")
	}
}

func TestDesiredCrashNeverRestartFails(t *testing.T) {
	p := pod(map[string]string{AnnCrash: "true"})
	p.Spec.RestartPolicy = corev1.RestartPolicyNever
	st, after := Desired(p, node, "10.244.0.1", t0, t0.Add(5*time.Second))
	if st.Phase != corev1.PodFailed || st.ContainerStatuses[0].State.Terminated == nil || after != 0 {
		t.Fatalf("restartPolicy Never crash: %+v (requeue %v)", st, after)
	}
}

func TestReadinessGates(t *testing.T) {
	p := pod(nil)
	p.Spec.ReadinessGates = []corev1.PodReadinessGate{{ConditionType: "example.com/lb"}}
	st, _ := Desired(p, node, "10.244.0.1", t0, t0.Add(time.Second))
	if cond(st, corev1.ContainersReady) != corev1.ConditionTrue || cond(st, corev1.PodReady) != corev1.ConditionFalse {
		t.Fatalf("gate not met: %+v", st.Conditions)
	}
	p.Status.Conditions = []corev1.PodCondition{{Type: "example.com/lb", Status: corev1.ConditionTrue}}
	st, _ = Desired(p, node, "10.244.0.1", t0, t0.Add(time.Second))
	if cond(st, corev1.PodReady) != corev1.ConditionTrue || cond(st, "example.com/lb") != corev1.ConditionTrue {
		t.Fatalf("gate met: %+v", st.Conditions)
	}
}

func TestFingerprintIgnoresServerFields(t *testing.T) {
	st, _ := Desired(pod(nil), node, "10.244.0.1", t0, t0.Add(time.Second))
	other := *st.DeepCopy()
	other.QOSClass = corev1.PodQOSBestEffort
	other.Conditions[0].LastProbeTime = metav1.Time{Time: t0.Add(time.Minute)}
	if Fingerprint(st) != Fingerprint(other) {
		t.Error("fingerprint must ignore fields the stand-in does not own")
	}
	other.PodIP = "10.244.0.2"
	if Fingerprint(st) == Fingerprint(other) {
		t.Error("fingerprint must see a new pod IP")
	}
}

func TestChooseNode(t *testing.T) {
	nodes := []string{"cutover-node-1", "cutover-node-2", "cutover-node-3"}
	if n := ChooseNode(nodes, map[string]int{"cutover-node-1": 2, "cutover-node-2": 1, "cutover-node-3": 1}); n != "cutover-node-2" {
		t.Errorf("got %s", n)
	}
	if n := ChooseNode(nodes, nil); n != "cutover-node-1" {
		t.Errorf("got %s", n)
	}
}

func TestSchedulable(t *testing.T) {
	p := pod(nil)
	p.Spec.NodeName = ""
	if !Schedulable(p) {
		t.Error("unbound pod must be schedulable")
	}
	p.Spec.SchedulerName = "other"
	if Schedulable(p) {
		t.Error("pods for another scheduler are left alone")
	}
	p.Spec.SchedulerName = ""
	now := metav1.Now()
	p.DeletionTimestamp = &now
	if Schedulable(p) {
		t.Error("terminating pods are not bound")
	}
}

func TestPodIPsUnique(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 254*256; i++ {
		ip := PodIP(i)
		if seen[ip] || strings.HasSuffix(ip, ".0") || strings.HasSuffix(ip, ".255") {
			t.Fatalf("bad or duplicate IP %s at %d", ip, i)
		}
		seen[ip] = true
	}
}

func TestNodeStatusReady(t *testing.T) {
	st := NodeStatus(1, t0, t0)
	ready := false
	for _, c := range st.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
			ready = true
		}
	}
	if !ready || st.Allocatable.Pods().Value() < 100 || st.Allocatable.Cpu().IsZero() {
		t.Fatalf("node status %+v", st)
	}
	if st.Addresses[0].Address != NodeIP(1) {
		t.Error("InternalIP")
	}
}
