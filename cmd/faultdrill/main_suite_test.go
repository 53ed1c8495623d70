package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFaultdrill(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "faultdrill command")
}

// ledgerBin is the demo system under test, built once for the suite.
var ledgerBin string

var _ = BeforeSuite(func() {
	dir, err := os.MkdirTemp("", "faultdrill-cli-bin-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	ledgerBin = filepath.Join(dir, "ledger")
	cmd := exec.Command("go", "build", "-o", ledgerBin, "github.com/faultdrill/faultdrill/demo/cmd/ledger")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
})
