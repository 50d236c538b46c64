//go:build tools

// Keeps the Pulumi CLI's main package in the wrapper module's build list, so
// that `go mod tidy` records everything `go build .../pkg/v3/cmd/pulumi` needs.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
