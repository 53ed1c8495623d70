package drill_test

import (
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/testbin"
)

// The specs of this suite run on ginkgo's parallel processes (`make test`
// runs `ginkgo -p`; see the Makefile). Each spec runs its own drill on its
// own ports and folders, so a new spec needs nothing to run in parallel.
// When one cannot share the machine:
//   - specs that must run one after another on one process, sharing setup
//     or taking turns on a resource, go into one Describe marked Ordered
//     (the SeaweedFS drills, the cluster specs);
//   - a spec that must run alone (heavy load whose harness gate would call
//     the drill void next to other drills, a machine-wide resource) is
//     marked Serial: it runs after the parallel specs, on process 1 alone.
//     Use it sparingly: every Serial second is a second of `make test`.
// Build what specs run through `shared` (shared.Binary, shared.Once), once
// per suite, never per spec.

func TestDrill(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "drill")
}

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
})

var _ = SynchronizedAfterSuite(removeDockerDrills, func() {
	Expect(os.RemoveAll(shared.Dir)).To(Succeed())
}, NodeTimeout(2*time.Minute))
