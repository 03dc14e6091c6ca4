// Package kubelet is a stand-in for the kubelet: it registers Ready Nodes,
// binds unscheduled Pods to them, reports them Running and Ready with unique
// pod IPs, and honours test annotations that make pods slow, never ready or
// crash-looping. No container runs.
//
// This file holds the pure decisions; controller.go talks to the apiserver.
package kubelet

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Pod annotations understood by the stand-in.
const (
	// AnnReadyAfter delays readiness: a Go duration ("5s", "1m") or seconds ("5").
	AnnReadyAfter = "sim.cutover.dev/ready-after"
	// AnnNeverReady keeps the pod Running but never Ready ("true").
	AnnNeverReady = "sim.cutover.dev/never-ready"
	// AnnCrash makes every container crash-loop ("true").
	AnnCrash = "sim.cutover.dev/crash"
)

// Crash-loop timing: restart k happens CrashBase*(2^k-1) after start, with the
// back-off capped at CrashCap, so restartCount rises within seconds.
const (
	CrashBase = time.Second
	CrashCap  = 10 * time.Second
)

// KubeletVersion is what the fake Nodes report.
const KubeletVersion = "v1.34.4-cutover-sim"

// Node is one simulated node.
type Node struct {
	Name string
	IP   string
}

// NodeName returns the name of node i (1-based).
func NodeName(i int) string { return fmt.Sprintf("cutover-node-%d", i) }

// NodeIP returns the InternalIP of node i (1-based).
func NodeIP(i int) string { return fmt.Sprintf("10.200.0.%d", i) }

// annotationOn reports whether a boolean annotation is on: present and not "false"/"0".
func annotationOn(pod *corev1.Pod, key string) bool {
	v, ok := pod.Annotations[key]
	if !ok {
		return false
	}
	v = strings.ToLower(strings.TrimSpace(v))
	return v != "false" && v != "0" && v != "no"
}

// ReadyAfter parses the ready-after annotation. Invalid values count as 0.
func ReadyAfter(pod *corev1.Pod) time.Duration {
	v := strings.TrimSpace(pod.Annotations[AnnReadyAfter])
	if v == "" {
		return 0
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	return 0
}

// CrashRestarts returns how many restarts a crash-looping container has had
// after running for elapsed, when the last one happened, and when the next
// one is due (both as offsets from start).
func CrashRestarts(elapsed time.Duration) (count int32, last, next time.Duration) {
	t := CrashBase
	back := CrashBase
	for t <= elapsed {
		count++
		last = t
		back *= 2
		if back > CrashCap {
			back = CrashCap
		}
		t += back
	}
	return count, last, t
}

// Desired computes the status a real kubelet would report for a bound pod at
// time now, given when it started. The second result is how long until the
// status next changes by itself (0: never).
func Desired(pod *corev1.Pod, node Node, podIP string, started, now time.Time) (corev1.PodStatus, time.Duration) {
	started = started.Truncate(time.Second)
	elapsed := now.Sub(started)
	if elapsed < 0 {
		elapsed = 0
	}
	st := corev1.PodStatus{
		Phase:     corev1.PodRunning,
		HostIP:    node.IP,
		HostIPs:   []corev1.HostIP{{IP: node.IP}},
		PodIP:     podIP,
		PodIPs:    []corev1.PodIP{{IP: podIP}},
		StartTime: &metav1.Time{Time: started},
		QOSClass:  pod.Status.QOSClass,
	}
	var requeue time.Duration

	crash := annotationOn(pod, AnnCrash)
	ready := !crash && !annotationOn(pod, AnnNeverReady)
	readyAt := started
	if d := ReadyAfter(pod); ready && d > 0 {
		readyAt = started.Add(d).Truncate(time.Second)
		if now.Before(readyAt) {
			ready = false
			requeue = readyAt.Sub(now)
		}
	}
	if crash && pod.Spec.RestartPolicy == corev1.RestartPolicyNever && elapsed >= CrashBase {
		st.Phase = corev1.PodFailed
	}

	for _, c := range pod.Spec.InitContainers {
		st.InitContainerStatuses = append(st.InitContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: imageID(c.Image), ContainerID: containerID(pod, c.Name),
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 0, Reason: "Completed", StartedAt: metav1.Time{Time: started}, FinishedAt: metav1.Time{Time: started},
			}},
			Ready: true,
		})
	}
	for _, c := range pod.Spec.Containers {
		cs := corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: imageID(c.Image), ContainerID: containerID(pod, c.Name),
			Ready: ready,
		}
		started := started
		if crash {
			count, last, next := CrashRestarts(elapsed)
			cs.RestartCount = count
			if count == 0 {
				cs.State.Running = &corev1.ContainerStateRunning{StartedAt: metav1.Time{Time: started}}
			} else {
				crashedAt := started.Add(last)
				cs.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{
					ExitCode: 1, Reason: "Error", StartedAt: metav1.Time{Time: crashedAt.Add(-CrashBase / 2).Truncate(time.Second)},
					FinishedAt: metav1.Time{Time: crashedAt}, ContainerID: cs.ContainerID,
				}
				if st.Phase == corev1.PodFailed {
					cs.State.Terminated = cs.LastTerminationState.Terminated
					cs.LastTerminationState = corev1.ContainerState{}
					cs.RestartCount = 0
				} else {
					cs.State.Waiting = &corev1.ContainerStateWaiting{
						Reason:  "CrashLoopBackOff",
						Message: fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", (next - last).String(), c.Name, pod.Name, pod.Namespace, pod.UID),
					}
				}
			}
			if st.Phase != corev1.PodFailed {
				if requeue == 0 || next-elapsed < requeue {
					requeue = next - elapsed
				}
			}
		} else {
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: metav1.Time{Time: started}}
		}
		t := true
		cs.Started = &t
		if crash {
			f := cs.State.Running != nil
			cs.Started = &f
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}

	containersReady := ready
	podReady := containersReady
	for _, g := range pod.Spec.ReadinessGates {
		if !conditionTrue(pod.Status.Conditions, g.ConditionType) {
			podReady = false
		}
	}
	cond := func(t corev1.PodConditionType, ok bool, at time.Time, reason string) corev1.PodCondition {
		c := corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Time{Time: at}}
		if !ok {
			c.Status = corev1.ConditionFalse
			c.LastTransitionTime = metav1.Time{Time: started}
			c.Reason = reason
		}
		return c
	}
	readyReason := "ContainersNotReady"
	st.Conditions = []corev1.PodCondition{
		cond(corev1.PodReadyToStartContainers, true, started, ""),
		cond(corev1.PodInitialized, true, started, ""),
		cond(corev1.ContainersReady, containersReady, readyAt, readyReason),
		cond(corev1.PodReady, podReady, readyAt, readyReason),
		cond(corev1.PodScheduled, true, pod.CreationTimestamp.Time, ""),
	}
	if containersReady && !podReady {
		st.Conditions[3].Reason = "ReadinessGatesNotReady"
	}
	// Keep conditions that others own (readiness gates).
	for _, c := range pod.Status.Conditions {
		if !isKubeletCondition(c.Type) {
			st.Conditions = append(st.Conditions, c)
		}
	}
	return st, requeue
}

func isKubeletCondition(t corev1.PodConditionType) bool {
	switch t {
	case corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.ContainersReady, corev1.PodReady, corev1.PodScheduled:
		return true
	}
	return false
}

func conditionTrue(cs []corev1.PodCondition, t corev1.PodConditionType) bool {
	for _, c := range cs {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func imageID(image string) string { return "sim://" + image }

func containerID(pod *corev1.Pod, name string) string {
	uid := string(pod.UID)
	if len(uid) > 8 {
		uid = uid[:8]
	}
	return "sim://" + uid + "-" + name
}

// Fingerprint summarises the parts of a pod status the stand-in controls, so
// it can tell whether an update is needed without being fooled by fields the
// apiserver adds or by timestamp precision.
func Fingerprint(st corev1.PodStatus) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|", st.Phase, st.PodIP, st.HostIP)
	if st.StartTime != nil {
		fmt.Fprintf(&b, "%d|", st.StartTime.Unix())
	}
	conds := append([]corev1.PodCondition(nil), st.Conditions...)
	sort.Slice(conds, func(i, j int) bool { return conds[i].Type < conds[j].Type })
	for _, c := range conds {
		if isKubeletCondition(c.Type) {
			fmt.Fprintf(&b, "%s=%s,", c.Type, c.Status)
		}
	}
	for _, list := range [][]corev1.ContainerStatus{st.InitContainerStatuses, st.ContainerStatuses} {
		b.WriteString("|")
		for _, c := range list {
			state := "?"
			switch {
			case c.State.Running != nil:
				state = "running"
			case c.State.Waiting != nil:
				state = "waiting:" + c.State.Waiting.Reason
			case c.State.Terminated != nil:
				state = "terminated:" + c.State.Terminated.Reason
			}
			fmt.Fprintf(&b, "%s:%v:%d:%s:%s,", c.Name, c.Ready, c.RestartCount, state, c.Image)
		}
	}
	return b.String()
}

// ChooseNode picks the node with the fewest pods, ties broken by name.
func ChooseNode(nodes []string, load map[string]int) string {
	best := ""
	for _, n := range nodes {
		if best == "" || load[n] < load[best] || (load[n] == load[best] && n < best) {
			best = n
		}
	}
	return best
}

// Schedulable reports whether the stand-in should bind the pod: it is
// unbound, not terminating, and asks for the default scheduler.
func Schedulable(pod *corev1.Pod) bool {
	return pod.Spec.NodeName == "" && pod.DeletionTimestamp == nil &&
		(pod.Spec.SchedulerName == "" || pod.Spec.SchedulerName == corev1.DefaultSchedulerName) &&
		pod.Status.Phase != corev1.PodSucceeded && pod.Status.Phase != corev1.PodFailed
}

// PodIP returns the n-th pod IP (n ≥ 0) of the 10.244.0.0/16 pod network,
// skipping .0 and .255 host parts.
func PodIP(n int) string {
	return fmt.Sprintf("10.244.%d.%d", (n/254)%256, n%254+1)
}

// NodeObject returns a new Node for node i.
func NodeObject(i int) *corev1.Node {
	name := NodeName(i)
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: name,
			Labels: map[string]string{
				"kubernetes.io/hostname":           name,
				"kubernetes.io/os":                 "linux",
				"kubernetes.io/arch":               "amd64",
				"sim.cutover.dev/node":             "true",
				"node.kubernetes.io/instance-type": "cutover-sim",
			},
		},
		Spec: corev1.NodeSpec{PodCIDR: fmt.Sprintf("10.244.%d.0/24", i-1), PodCIDRs: []string{fmt.Sprintf("10.244.%d.0/24", i-1)}},
	}
}

// NodeStatus is the status of a healthy simulated node at time now.
func NodeStatus(i int, now time.Time, transition time.Time) corev1.NodeStatus {
	res := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("32"),
		corev1.ResourceMemory:           resource.MustParse("128Gi"),
		corev1.ResourcePods:             resource.MustParse("1000"),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
	}
	hb := metav1.Time{Time: now}
	tr := metav1.Time{Time: transition}
	c := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: s, LastHeartbeatTime: hb, LastTransitionTime: tr, Reason: reason, Message: msg}
	}
	return corev1.NodeStatus{
		Capacity:    res,
		Allocatable: res,
		Phase:       corev1.NodeRunning,
		Conditions: []corev1.NodeCondition{
			c(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
			c(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
			c(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
			c(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "cutover kubelet stand-in is posting ready status"),
		},
		Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: NodeIP(i)},
			{Type: corev1.NodeHostName, Address: NodeName(i)},
		},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
		NodeInfo: corev1.NodeSystemInfo{
			KubeletVersion:          KubeletVersion,
			OperatingSystem:         "linux",
			Architecture:            "amd64",
			ContainerRuntimeVersion: "sim://1.0",
			OSImage:                 "Cutover simulated node",
			KernelVersion:           "sim",
			MachineID:               name32(i),
			SystemUUID:              name32(i),
			BootID:                  name32(i),
		},
	}
}

func name32(i int) string { return fmt.Sprintf("cutover%025d", i) }
