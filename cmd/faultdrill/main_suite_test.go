package main

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/testbin"
)

func TestFaultdrill(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "faultdrill command")
}

// ledgerBin is the demo system under test, built once for the suite.
var ledgerBin string

var _ = BeforeSuite(func() {
	var err error
	ledgerBin, err = testbin.Build(testbin.Ledger)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, filepath.Dir(ledgerBin))
	// Drills run by the specs are recorded in a history of their own, not
	// in .faultdrill/history.db of the source tree; specs of the history
	// give --history.
	dir, err := os.MkdirTemp("", "faultdrill-history-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	Expect(os.Setenv("FAULTDRILL_HISTORY", filepath.Join(dir, "history.db"))).To(Succeed())
})
