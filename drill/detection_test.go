package drill_test

import (
	"os"
	"path/filepath"
	"text/template"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/verify"
)

// release is one row of the detection-power table: a v2 of one service,
// with one defect (or none), and what must catch it.
type release struct {
	Name        string
	Service     string // the service deployed at 2s
	APIDefect   string
	StoreDefect string
	// Trigger, when set, must fire; Failing verifiers must fail; a clean
	// release must fire no trigger and fail no verifier.
	Trigger string
	Failing []string
}

func (rel release) scenario() *scenarios.Scenario {
	GinkgoHelper()
	if rel.APIDefect == "" {
		rel.APIDefect = "none"
	}
	if rel.StoreDefect == "" {
		rel.StoreDefect = "none"
	}
	tmpl := template.Must(template.ParseFiles(filepath.Join("testdata", "detection.yaml.tmpl")))
	path := filepath.Join(GinkgoT().TempDir(), rel.Name+".yaml")
	f, err := os.Create(path)
	Expect(err).NotTo(HaveOccurred())
	Expect(tmpl.Execute(f, rel)).To(Succeed())
	Expect(f.Close()).To(Succeed())
	sc, err := scenarios.Load(path)
	Expect(err).NotTo(HaveOccurred())
	return sc
}

// detectionRuns is how many times each release is drilled: a defect must
// be caught every time, and the clean release never flagged.
const detectionRuns = 2

var _ = Describe("detection power: each defect of the demo system is caught by the check meant for it", func() {
	DescribeTable("every run",
		func(ctx SpecContext, rel release) {
			for run := range detectionRuns {
				rep, err := drill.Run(ctx, rel.scenario(), drill.Options{
					OutDir: GinkgoT().TempDir(), Seed: uint64(100 + run), Vars: map[string]string{"ledger": ledgerBin},
				})
				Expect(err).NotTo(HaveOccurred())
				failing := map[string]bool{}
				for _, v := range rep.Verifiers {
					if v.Verdict == verify.Failure {
						failing[v.Name] = true
					}
				}
				if rel.Trigger == "" && len(rel.Failing) == 0 {
					Expect(rep.Trigger).To(BeNil(), "run %d: no false alarm on a clean release", run)
					Expect(failing).To(BeEmpty(), "run %d: no verifier fails a clean release", run)
					Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "run %d: %v", run, rep.Outcome.Reasons)
					continue
				}
				if rel.Trigger != "" {
					Expect(rep.Trigger).NotTo(BeNil(), "run %d: a trigger fires", run)
					Expect(rep.Trigger.Trigger).To(Equal(rel.Trigger), "run %d", run)
				}
				for _, name := range rel.Failing {
					Expect(failing).To(HaveKey(name), "run %d: %s catches %s", run, name, rel.Name)
				}
				Expect(rep.Outcome.Passed).To(BeFalse(), "run %d: a defective release never passes", run)
			}
		},
		// Serial: "no false alarm" on a p99 trigger needs the machine to
		// itself. Next to the other drills starting on a shared 2-core
		// machine, the restart at 2s was seen above 250 ms at p99.
		Entry("clean release", Serial, SpecTimeout(3*time.Minute), release{Name: "clean", Service: "api"}),
		Entry("error spike", SpecTimeout(3*time.Minute), release{Name: "error-spike", Service: "api", APIDefect: "error-spike", Trigger: "error_rate above 5%"}),
		Entry("latency regression", SpecTimeout(3*time.Minute), release{Name: "latency", Service: "api", APIDefect: "latency", Trigger: "p99 above 250ms"}),
		Entry("lost writes", SpecTimeout(3*time.Minute), release{Name: "lost-writes", Service: "api", APIDefect: "lost-writes", Failing: []string{verify.NameDurability}}),
		Entry("stale cache", SpecTimeout(3*time.Minute), release{Name: "stale-cache", Service: "api", APIDefect: "stale-cache", Failing: []string{verify.NameStaleReads, verify.NameLinearizability}}),
		Entry("double-applied writes", SpecTimeout(3*time.Minute), release{Name: "double-apply", Service: "store", StoreDefect: "double-apply",
			Failing: []string{verify.NameDuplicates}}),
		Entry("data-rewriting migration without restore", SpecTimeout(3*time.Minute), release{Name: "migration-rewrite", Service: "store", StoreDefect: "migration-rewrite",
			Failing: []string{verify.NameDurability, verify.InvariantPrefix + "amounts-in-units"}}),
	)
})
