//go:build tools

// Package tools pins the upstream programs this module builds, so that go.mod
// and go.sum record their exact versions. It is never compiled (build tag).
package tools

import (
	// flagd's main package, built unchanged into bin/flagd.
	_ "github.com/open-feature/flagd/flagd"
)
