package drill_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestDrill(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "drill")
}

// ledgerBin is the demo system under test, built once for the suite.
var ledgerBin string

var _ = SynchronizedBeforeSuite(func() []byte {
	dir, err := os.MkdirTemp("", "faultdrill-drill-bin-")
	Expect(err).NotTo(HaveOccurred())
	bin := filepath.Join(dir, "ledger")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/faultdrill/faultdrill/demo/cmd/ledger")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
	return []byte(bin)
}, func(bin []byte) {
	ledgerBin = string(bin)
})

var _ = SynchronizedAfterSuite(func() {}, func() {
	if ledgerBin != "" {
		os.RemoveAll(filepath.Dir(ledgerBin))
	}
})
