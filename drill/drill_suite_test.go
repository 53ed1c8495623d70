package drill_test

import (
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/testbin"
)

func TestDrill(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "drill")
}

// ledgerBin is the demo system under test, built once for the suite.
var ledgerBin string

var _ = BeforeSuite(func() {
	var err error
	ledgerBin, err = testbin.Build(testbin.Ledger)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, filepath.Dir(ledgerBin))
})
