package scenarios_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/scenarios"
)

var _ = Describe("rollback.runbook", func() {
	// withRunbook writes the bundled runbook scenario into a temporary
	// folder, next to the runbook md (when not empty), after edit.
	withRunbook := func(md string, edit func(string) string) (*scenarios.Scenario, error) {
		src, err := os.ReadFile(filepath.Join("examples", "ledger-runbook.yaml"))
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		Expect(os.MkdirAll(filepath.Join(dir, "runbooks"), 0o755)).To(Succeed())
		if md != "" {
			Expect(os.WriteFile(filepath.Join(dir, "runbooks", "ledger-rollback.md"), []byte(md), 0o600)).To(Succeed())
		}
		path := filepath.Join(dir, "s.yaml")
		Expect(os.WriteFile(path, []byte(edit(string(src))), 0o600)).To(Succeed())
		return scenarios.Load(path)
	}
	same := func(s string) string { return s }

	It("resolves the runbook next to the scenario", func() {
		s, err := withRunbook("# R\n1. Announce\n", same)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.RunbookPath()).To(Equal(filepath.Join(s.Dir, "runbooks", "ledger-rollback.md")))
	})

	It("reports a malformed runbook at its own file and line", func() {
		_, err := withRunbook("# R\n1. Announce\n2. Wait <!-- expect: later -->\n", same)
		Expect(err).To(MatchError(scenarios.ErrInvalid))
		Expect(err.Error()).To(ContainSubstring(`ledger-rollback.md:3:1: step comment: expect "later"`))
	})

	It("names a runbook that is not there", func() {
		_, err := withRunbook("", same)
		Expect(err).To(MatchError(ContainSubstring("rollback.runbook")))
		Expect(err.Error()).To(ContainSubstring("give the path of a Markdown file"))
	})

	It("refuses a plan next to a runbook", func() {
		_, err := withRunbook("# R\n1. Announce\n", func(s string) string {
			return strings.Replace(s, "  runbook: runbooks/ledger-rollback.md", "  runbook: runbooks/ledger-rollback.md\n  plan:\n    - {action: redeploy-previous, service: api}", 1)
		})
		Expect(err).To(MatchError(ContainSubstring("a plan or a runbook, not both")))
	})
})
