// Package crds installs the upstream CustomResourceDefinitions the world
// needs, read from pinned Go modules in the module cache: the Gateway API
// standard channel (sigs.k8s.io/gateway-api) and Istio's VirtualService and
// DestinationRule (istio.io/api).
package crds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"

	// This blank import pins Istio's CRD module in go.mod and go.sum, so every
	// machine reads the same CRDs. The package is dependency-free.
	_ "istio.io/api/label"
)

// Module paths of the CRD sources. Gateway API is pinned here, by version,
// not through go.mod: importing its Go packages at v1.6 would pull newer
// k8s.io modules (kube-openapi, structured-merge-diff) than the pinned
// Kubernetes v1.34 builds with. The go command still checks the module's
// hash against the checksum database when it downloads it. v1.6.1 serves
// GRPCRoute as v1 (since v1.1), which the routers need.
const (
	GatewayAPIModule = "sigs.k8s.io/gateway-api@v1.6.1"
	IstioAPIModule   = "istio.io/api"
)

// IstioKinds are the Istio CRDs installed (by metadata.name).
var IstioKinds = map[string]bool{
	"virtualservices.networking.istio.io":  true,
	"destinationrules.networking.istio.io": true,
}

var crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// ModuleDir asks the go command, run in moduleDir, where the version of
// module that go.mod pins lives in the module cache (downloading it if needed).
func ModuleDir(moduleDir, module string) (dir, version string, err error) {
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir = moduleDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go mod download -json %s: %v: %s", module, err, stderr.String())
	}
	var info struct{ Dir, Version, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", "", err
	}
	if info.Error != "" || info.Dir == "" {
		return "", "", fmt.Errorf("go mod download %s: %s", module, info.Error)
	}
	return info.Dir, info.Version, nil
}

// Load reads the CRDs to install from the two module directories.
func Load(gatewayDir, istioDir string) ([]*unstructured.Unstructured, error) {
	files, err := filepath.Glob(filepath.Join(gatewayDir, "config", "crd", "standard", "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Gateway API CRDs under %s", gatewayDir)
	}
	sort.Strings(files)
	var out []*unstructured.Unstructured
	for _, f := range files {
		objs, err := readYAML(f)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	objs, err := readYAML(filepath.Join(istioDir, "kubernetes", "customresourcedefinitions.gen.yaml"))
	if err != nil {
		return nil, err
	}
	found := 0
	for _, o := range objs {
		if IstioKinds[o.GetName()] {
			out = append(out, o)
			found++
		}
	}
	if found != len(IstioKinds) {
		return nil, fmt.Errorf("found %d of %d Istio CRDs in %s", found, len(IstioKinds), istioDir)
	}
	return out, nil
}

func readYAML(path string) ([]*unstructured.Unstructured, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if m == nil {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		if u.GetKind() == "CustomResourceDefinition" {
			out = append(out, u)
		}
	}
}

// Install server-side applies the CRDs and waits until all are Established.
func Install(ctx context.Context, dc dynamic.Interface, objs []*unstructured.Unstructured) error {
	for _, o := range objs {
		o = o.DeepCopy()
		unstructured.RemoveNestedField(o.Object, "status")
		o.SetCreationTimestamp(metav1.Time{})
		data, err := json.Marshal(o.Object)
		if err != nil {
			return err
		}
		force := true
		if _, err := dc.Resource(crdGVR).Patch(ctx, o.GetName(), types.ApplyPatchType, data,
			metav1.PatchOptions{FieldManager: "cutover-env", Force: &force}); err != nil {
			return fmt.Errorf("apply CRD %s: %w", o.GetName(), err)
		}
	}
	return wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		for _, o := range objs {
			got, err := dc.Resource(crdGVR).Get(ctx, o.GetName(), metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			if !established(got) {
				return false, nil
			}
		}
		return true, nil
	})
}

func established(u *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}
