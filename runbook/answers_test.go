package runbook_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/runbook"
)

var _ = Describe("LoadAnswers", func() {
	var rb *runbook.Runbook
	BeforeEach(func() {
		var err error
		rb, err = runbook.Parse("rb.md", []byte(md("# R", "1. Announce", "2. Redeploy", "   ```sh", "   true", "   ```", "3. Verify")))
		Expect(err).NotTo(HaveOccurred())
	})
	load := func(src string) (runbook.Answers, string, error) {
		path := filepath.Join(GinkgoT().TempDir(), "answers.yaml")
		Expect(os.WriteFile(path, []byte(src), 0o600)).To(Succeed())
		a, err := runbook.LoadAnswers(path, rb)
		return a, path, err
	}

	It("reads answers by step number", func() {
		a, _, err := load("answers:\n  - {step: 1, outcome: done, took: 45s, note: posted, who: Ana}\n  - {step: 3, outcome: skip}\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(a).To(Equal(runbook.Answers{
			1: {Step: 1, Outcome: runbook.Done, Took: 45 * time.Second, Note: "posted", Who: "Ana"},
			3: {Step: 3, Outcome: runbook.Skipped},
		}))
	})

	DescribeTable("refuses a bad answer at its line",
		func(src, want string) {
			_, path, err := load(src)
			Expect(err).To(MatchError(runbook.ErrInvalid))
			Expect(err.Error()).To(ContainSubstring(path + want))
		},
		Entry("a step that is not there", "answers:\n  - {step: 1, outcome: done}\n  - {step: 9, outcome: done}\n", ":3: step 9 is not a step of rb.md (it has 3)"),
		Entry("an automated step", "answers:\n  - {step: 2, outcome: done}\n", `:2: step 2 (line 3) "Redeploy" runs by itself (sh)`),
		Entry("an unknown outcome", "answers:\n  - {step: 1, outcome: maybe}\n", `:2: outcome "maybe": use done, failed or skip`),
		Entry("a step answered twice", "answers:\n  - {step: 1, outcome: done}\n  - {step: 1, outcome: failed}\n", ":3: step 1 is answered twice"),
		Entry("an unknown field", "answers:\n  - {step: 1, outcome: done, when: now}\n", ":2: "),
	)
})
