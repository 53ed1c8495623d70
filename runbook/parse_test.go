package runbook_test

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/runbook"
)

// got is the part of a step the shape table compares.
type got struct {
	Line    int
	Section string
	Title   string
	Kind    runbook.Kind
	Role    string
	Expect  time.Duration
}

func shapes(rb *runbook.Runbook) []got {
	out := make([]got, len(rb.Steps))
	for i, s := range rb.Steps {
		Expect(s.Number).To(Equal(i + 1))
		out[i] = got{s.Line, s.Section, s.Title, s.Kind, s.Role, s.Expect}
	}
	return out
}

// md joins lines, so that line numbers in the table are easy to count.
func md(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

var _ = Describe("Parse", func() {
	DescribeTable("reads the steps of a Markdown shape",
		func(src string, want []got) {
			rb, err := runbook.Parse("rb.md", []byte(src))
			Expect(err).NotTo(HaveOccurred())
			Expect(shapes(rb)).To(Equal(want))
		},
		Entry("an ordered list under a heading", md(
			"# Roll back",
			"",
			"1. Announce in #incidents",
			"2. Freeze deploys",
		), []got{
			{3, "Roll back", "Announce in #incidents", runbook.Manual, "", 0},
			{4, "Roll back", "Freeze deploys", runbook.Manual, "", 0},
		}),
		Entry("checkbox items are steps, plain bullets are prose", md(
			"## Before",
			"",
			"- a note, not a step",
			"- [ ] Page the database owner",
			"- [x] Open the dashboard",
		), []got{
			{4, "Before", "Page the database owner", runbook.Manual, "", 0},
			{5, "Before", "Open the dashboard", runbook.Manual, "", 0},
		}),
		Entry("nested lists belong to their step", md(
			"# R",
			"1. Check the replicas",
			"   1. replica lag under 1s",
			"   2. no errors in the log",
			"2. Tell support",
		), []got{
			{2, "R", "Check the replicas", runbook.Manual, "", 0},
			{5, "R", "Tell support", runbook.Manual, "", 0},
		}),
		Entry("steps take the section of the heading above them", md(
			"# Rollback",
			"## Stop the bleeding",
			"1. Flip the flag off",
			"## Verify",
			"1. Error rate is back under 1%",
		), []got{
			{3, "Stop the bleeding", "Flip the flag off", runbook.Manual, "", 0},
			{5, "Verify", "Error rate is back under 1%", runbook.Manual, "", 0},
		}),
		Entry("a fenced sh block makes an automated step; another language stays text", md(
			"# R",
			"1. Redeploy",
			"",
			"   ```sh",
			"   ./deploy ${service} v1",
			"   ```",
			"2. Look at this query",
			"",
			"   ```sql",
			"   select 1;",
			"   ```",
		), []got{
			{2, "R", "Redeploy", runbook.Shell, "", 0},
			{7, "R", "Look at this query", runbook.Manual, "", 0},
		}),
		Entry("a faultdrill block holds an action", md(
			"# R",
			"1. Flag off",
			"   ```faultdrill",
			"   action: flag",
			"   service: ledger",
			"   url: /flags/bad-path?on=false",
			"   ```",
		), []got{{2, "R", "Flag off", runbook.ActionStep, "", 0}}),
		Entry("comments give role and expected time; front matter the defaults", md(
			"---",
			"title: Ledger rollback",
			"role: on-call",
			"expect: 1m",
			"---",
			"# R",
			"1. Announce <!-- role: comms lead; expect: 30s -->",
			"2. Decide",
			"   <!-- expect: 2m -->",
			"3. Wait",
		), []got{
			{7, "R", "Announce", runbook.Manual, "comms lead", 30 * time.Second},
			{8, "R", "Decide", runbook.Manual, "on-call", 2 * time.Minute},
			{10, "R", "Wait", runbook.Manual, "on-call", time.Minute},
		}),
		Entry("code blocks outside lists are not steps", md(
			"# R",
			"```sh",
			"echo not a step",
			"```",
			"1. The only step",
		), []got{{5, "R", "The only step", runbook.Manual, "", 0}}),
	)

	It("makes an sh step a command action run by sh -e, named after the step", func() {
		rb, err := runbook.Parse("rb.md", []byte(md("# R", "1. Redeploy", "   ```sh", "   ./deploy ${service}", "   ```")))
		Expect(err).NotTo(HaveOccurred())
		a := rb.Steps[0].Action
		Expect(a.Action).To(Equal(rollback.Command))
		Expect(a.Command).To(Equal([]string{"sh", "-ec", "./deploy ${service}\n"}))
		Expect(a.Name).To(Equal("Redeploy"))
	})

	It("decodes a faultdrill block into the action", func() {
		rb, err := runbook.Parse("rb.md", []byte(md("# R", "1. Check", "   ```faultdrill", "   action: http", "   url: /health", "   timeout: 5s", "   ```")))
		Expect(err).NotTo(HaveOccurred())
		Expect(*rb.Steps[0].Action).To(Equal(rollback.ActionSpec{Action: rollback.HTTP, URL: "/health", Timeout: 5 * time.Second, Name: "Check"}))
	})

	It("records the title, the digest and the total expected time", func() {
		src := []byte(md("# Ledger", "1. A <!-- expect: 1m -->", "2. B <!-- expect: 90s -->"))
		rb, err := runbook.Parse("rb.md", src)
		Expect(err).NotTo(HaveOccurred())
		Expect(rb.Title).To(Equal("Ledger"))
		Expect(rb.SHA256).To(HaveLen(64))
		Expect(rb.TotalExpected()).To(Equal(150 * time.Second))
	})

	DescribeTable("refuses a malformed runbook with file:line problems",
		func(src string, want ...string) {
			_, err := runbook.Parse("rb.md", []byte(src))
			Expect(err).To(MatchError(runbook.ErrInvalid))
			for _, w := range want {
				Expect(err.Error()).To(ContainSubstring(w))
			}
		},
		Entry("no steps", md("# Nothing here", "just prose"), "rb.md:1: the runbook has no steps"),
		Entry("a bad expected time", md("# R", "1. A", "2. B <!-- expect: soon -->"), `rb.md:3: step comment: expect "soon"`),
		Entry("an unknown comment key", md("# R", "1. A <!-- owner: Ana -->"), `rb.md:2: step comment: unknown key "owner"`),
		Entry("an empty sh block", md("# R", "1. A", "   ```sh", "   ```"), "rb.md:3: the sh block is empty"),
		Entry("two automated blocks", md("# R", "1. A", "   ```sh", "   true", "   ```", "   ```sh", "   true", "   ```"), "rb.md:6: a second automated block"),
		Entry("an unknown action field", md("# R", "1. A", "   ```faultdrill", "   action: http", "   ulr: /x", "   ```"), "rb.md:5: faultdrill block:"),
		Entry("an unknown action", md("# R", "1. A", "   ```faultdrill", "   action: reboot", "   ```"), `rb.md:4: faultdrill block: action "reboot"`),
		Entry("an unclosed front matter", md("---", "role: x", "# R", "1. A"), "rb.md:1: the front matter opened by ---"),
		Entry("an unknown front matter key", md("---", "role: x", "owner: y", "---", "# R", "1. A"), "rb.md:3: front matter:"),
		Entry("a step without text", md("# R", "1. <!-- expect: 1m -->"), "rb.md:2: the step has no text"),
	)

	It("loads a file and says which one it could not read", func() {
		dir := GinkgoT().TempDir()
		path := filepath.Join(dir, "rb.md")
		Expect(os.WriteFile(path, []byte(md("# R", "1. A")), 0o600)).To(Succeed())
		rb, err := runbook.Load(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(rb.Path).To(Equal(path))
		_, err = runbook.Load(filepath.Join(dir, "missing.md"))
		Expect(err).To(MatchError(ContainSubstring("missing.md")))
	})
})
