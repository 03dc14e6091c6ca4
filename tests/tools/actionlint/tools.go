//go:build tools

// Package tools pins actionlint in go.mod/go.sum; build it with
//
//	go build -o bin/actionlint github.com/rhysd/actionlint/cmd/actionlint
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
