package sim

import (
	"math"
	"math/rand"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Pod annotations and labels that shape a pod's simulated behaviour.
const (
	AnnErrorRate = "sim.cutover.dev/error-rate"
	AnnLatencyMS = "sim.cutover.dev/latency-ms"
	LabelVersion = "app.kubernetes.io/version"
	LabelHash    = "pod-template-hash"
)

// DefaultLatencyMS is the mean latency of a pod without the annotation.
const DefaultLatencyMS = 20

// latencySigma is the spread of the log-normal latency distribution: with
// 0.5 the p99 is about 2.6× the median, a plausible web service shape.
const latencySigma = 0.5

// Behaviour is how a pod answers.
type Behaviour struct {
	ErrorRate float64
	LatencyMS float64
	Version   string
}

// BehaviourOf reads a pod's annotations and labels.
func BehaviourOf(pod *corev1.Pod) Behaviour {
	b := Behaviour{LatencyMS: DefaultLatencyMS}
	if pod == nil {
		return b
	}
	if v, err := strconv.ParseFloat(strings.TrimSpace(pod.Annotations[AnnErrorRate]), 64); err == nil {
		b.ErrorRate = math.Min(math.Max(v, 0), 1)
	}
	if v, err := strconv.ParseFloat(strings.TrimSpace(pod.Annotations[AnnLatencyMS]), 64); err == nil && v >= 0 {
		b.LatencyMS = v
	}
	b.Version = VersionOf(pod)
	return b
}

// VersionOf is the pod's app.kubernetes.io/version label, else its
// pod-template-hash.
func VersionOf(pod *corev1.Pod) string {
	if v := pod.Labels[LabelVersion]; v != "" {
		return v
	}
	return pod.Labels[LabelHash]
}

// Answer draws the status code and latency (seconds) of one request.
func (b Behaviour) Answer(rng *rand.Rand) (code int, seconds float64) {
	code = 200
	if b.ErrorRate > 0 && rng.Float64() < b.ErrorRate {
		code = 500
	}
	if b.LatencyMS <= 0 {
		return code, 0
	}
	// Log-normal with the requested mean.
	mu := math.Log(b.LatencyMS/1000) - latencySigma*latencySigma/2
	return code, math.Exp(mu + latencySigma*rng.NormFloat64())
}
