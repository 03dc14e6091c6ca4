//go:build tools

// Package crdgen pins controller-gen and the OpenFeature Operator API module that
// ../gen-crd reads. It is a module of its own so that controller-tools' Kubernetes
// libraries never enter the flagd build (../go.mod). Never compiled (build tag).
package crdgen

import (
	// The Go types upstream generates the FeatureFlag CRD from.
	_ "github.com/open-feature/open-feature-operator/apis/core/v1beta1"
	// The stand-in flagd compiles against (../ofo-api), checked against the above.
	_ "github.com/open-feature/open-feature-operator/api/core/v1beta1"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
