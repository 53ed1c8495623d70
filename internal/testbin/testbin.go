// Package testbin builds the programs that end-to-end tests run as real
// processes (the demo system, test harnesses), statically, once per suite.
package testbin

import (
	"fmt"
	"os"
	"path/filepath"
)

// Ledger is the import path of the demo system under test.
const Ledger = "github.com/faultdrill/faultdrill/demo/cmd/ledger"

// Build compiles the Go package at importPath into a new temporary folder
// with CGO disabled and returns the binary's path. Remove the folder
// (filepath.Dir of the path) when done.
func Build(importPath string) (string, error) {
	dir, err := os.MkdirTemp("", "faultdrill-bin-")
	if err != nil {
		return "", fmt.Errorf("testbin: %w", err)
	}
	bin := filepath.Join(dir, filepath.Base(importPath))
	if err := build(importPath, bin); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return bin, nil
}
