package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// FlagMix makes a target's requests evaluate a feature flag, as an application
// with an OpenFeature SDK would: each request asks an OFREP server (ours, or
// flagd's) for flag Key with a random targetingKey. The variant it gets labels
// the request's series (http_requests_total{flag_variant}), and where Variants
// names it, that variant's error rate and latency replace the pod's. So a flag
// gate is judged on real PromQL over what each variant did.
type FlagMix struct {
	// OFREP is the server's base URL: http://127.0.0.1:PORT.
	OFREP string `json:"ofrep"`
	// Key is the flag's key.
	Key string `json:"key"`
	// Variants: per-variant behaviour; a variant not named keeps the pod's.
	Variants map[string]VariantBehaviour `json:"variants,omitempty"`
}

// VariantBehaviour overrides a pod's behaviour for requests that got a variant.
type VariantBehaviour struct {
	ErrorRate *float64 `json:"errorRate,omitempty"`
	LatencyMS *float64 `json:"latencyMs,omitempty"`
}

// FlagVariantError labels a request whose evaluation failed (the server was
// down, or answered an error): the application would take its code default.
const FlagVariantError = "error"

func (f *FlagMix) validate() error {
	u, err := url.Parse(f.OFREP)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("flag.ofrep must be an http(s) URL, e.g. http://127.0.0.1:8016")
	}
	if f.Key == "" {
		return fmt.Errorf("flag.key is required")
	}
	for name, v := range f.Variants {
		if v.ErrorRate != nil && (*v.ErrorRate < 0 || *v.ErrorRate > 1) {
			return fmt.Errorf("flag.variants.%s.errorRate must be in [0,1]", name)
		}
		if v.LatencyMS != nil && *v.LatencyMS < 0 {
			return fmt.Errorf("flag.variants.%s.latencyMs must not be negative", name)
		}
	}
	return nil
}

// apply returns the behaviour of a request that got `variant`.
func (f *FlagMix) apply(b Behaviour, variant string) Behaviour {
	v, ok := f.Variants[variant]
	if !ok {
		return b
	}
	if v.ErrorRate != nil {
		b.ErrorRate = *v.ErrorRate
	}
	if v.LatencyMS != nil {
		b.LatencyMS = *v.LatencyMS
	}
	return b
}

// flagClient evaluates flags over OFREP, keep-alive, with a short timeout: a
// slow server must not stall the simulator's clock.
var flagClient = &http.Client{Timeout: 2 * time.Second}

// evaluateFlag asks the OFREP server for the variant of f.Key for a random
// targetingKey. An error, or an answer without a variant, is FlagVariantError.
func evaluateFlag(f *FlagMix, rng *rand.Rand) string {
	body, _ := json.Marshal(map[string]any{"context": map[string]any{
		"targetingKey": fmt.Sprintf("user-%016x", rng.Uint64())}})
	endpoint := strings.TrimRight(f.OFREP, "/") + "/ofrep/v1/evaluate/flags/" + url.PathEscape(f.Key)
	resp, err := flagClient.Post(endpoint, "application/json", bytes.NewReader(body))
	if err != nil {
		return FlagVariantError
	}
	defer resp.Body.Close()
	var answer struct {
		Variant string `json:"variant"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&answer) != nil || answer.Variant == "" {
		return FlagVariantError
	}
	return answer.Variant
}
