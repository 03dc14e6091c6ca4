// A stand-in for github.com/open-feature/open-feature-operator/api, the module that
// flagd/core v0.15.8 imports for the FeatureFlag type. The Go module proxy serves that
// module's go.mod (v0.2.47) but not its source zip. See ../README.md ("Pins").
module github.com/open-feature/open-feature-operator/api

go 1.23.0

require k8s.io/apimachinery v0.31.4
