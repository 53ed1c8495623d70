package main

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/testbin"
)

// The specs of this suite run on ginkgo's parallel processes (`make test`
// runs `ginkgo -p`; see the Makefile): each runs the command in-process or
// as its own child, on its own ports and folders. A spec that must run
// alone (heavy load, a machine-wide resource) is marked Serial and runs
// after the others on process 1; specs that share setup go into one
// Describe marked Ordered. Build binaries through shared.Binary: once per
// suite, not once per spec or process.

func TestFaultdrill(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "faultdrill command")
}

// toxiproxyServer is the import path of the real toxiproxy server, run by
// the specs that stand for a user's own toxiproxy.
const toxiproxyServer = "github.com/Shopify/toxiproxy/v2/cmd/server"

var (
	// shared holds what the suite builds once for all its processes.
	shared testbin.Shared
	// ledgerBin is the demo system under test.
	ledgerBin string
)

var _ = SynchronizedBeforeSuite(func() []byte {
	// Process 1 makes the shared folder; the first process to ask for a
	// binary builds it there, the others wait for it.
	s, err := testbin.NewShared()
	Expect(err).NotTo(HaveOccurred())
	return []byte(s.Dir)
}, func(dir []byte) {
	shared = testbin.Shared{Dir: string(dir)}
	var err error
	ledgerBin, err = shared.Binary(testbin.Ledger)
	Expect(err).NotTo(HaveOccurred())
	// Drills run by the specs are recorded in a history of their own, not
	// in .faultdrill/history.db of the source tree; specs of the history
	// give --history.
	historyDir, err := os.MkdirTemp("", "faultdrill-history-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, historyDir)
	Expect(os.Setenv("FAULTDRILL_HISTORY", filepath.Join(historyDir, "history.db"))).To(Succeed())
})

var _ = SynchronizedAfterSuite(func() {}, func() {
	Expect(os.RemoveAll(shared.Dir)).To(Succeed())
})
