package drill_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/scenarios"
)

// honestyBase is a two-tier ledger drill; the specs below add their own
// objectives, timeline, rollback and harness sections.
const honestyBase = `apiVersion: faultdrill/v1
metadata: {name: honesty}
vars: {ledger: ledger}
system:
  services:
    store:
      dataDir: true
      initial: v1
      versions:
        v1: {command: ["${ledger}", "store", "--listen", "${addr}", "--data", "${data_dir}", "--version", "v1"]}
    api:
      initial: v1
      versions:
        v1: {command: ["${ledger}", "api", "--listen", "${addr}", "--store", "http://${link.api-to-store}", "--version", "v1" V1FLAGS]}
        v2: {command: ["${ledger}", "api", "--listen", "${addr}", "--store", "http://${link.api-to-store}", "--version", "v2"]}
  links:
    - {name: api-to-store, from: api, to: store}
load:
  target: api
  duration: 8s
  streams:
    - {name: writes, rate: 50/s, path: "/entries/{id}", body: '{"account":"a","amount":1}', writes: true}
verify:
  durability: {read: "GET /entries/{id}"}
`

// honestyScenario is honestyBase with v1's extra flags and more sections.
func honestyScenario(v1Flags, more string) *scenarios.Scenario {
	GinkgoHelper()
	src := strings.Replace(honestyBase, " V1FLAGS", v1Flags, 1) + more
	path := filepath.Join(GinkgoT().TempDir(), "honesty.yaml")
	Expect(os.WriteFile(path, []byte(src), 0o644)).To(Succeed())
	sc, err := scenarios.Load(path)
	Expect(err).NotTo(HaveOccurred())
	return sc
}

func runHonesty(ctx context.Context, sc *scenarios.Scenario) *reports.Report {
	GinkgoHelper()
	rep, err := drill.Run(ctx, sc, drill.Options{OutDir: GinkgoT().TempDir(), Seed: 3, Vars: map[string]string{"ledger": ledgerBin}})
	Expect(rep).NotTo(BeNil())
	Expect(err).NotTo(HaveOccurred())
	return rep
}

var _ = Describe("a drill that is honest about itself", func() {
	It("gives no detection credit to a trigger that fired before the fault, and fails as unhealthy before it", func(ctx SpecContext) {
		// v1 is already failing: the trigger fires long before the deploy.
		sc := honestyScenario(`, "--defect", "error-spike"`, `
timeline:
  - {at: 6s, deploy: {service: api, version: v2}}
rollback:
  triggers: [{metric: error_rate, above: 5%, for: 1s}]
`)
		rep := runHonesty(ctx, sc)
		Expect(rep.EarlyTriggers).NotTo(BeEmpty())
		early := rep.EarlyTriggers[0]
		Expect(early.At).To(BeNumerically("<", *rep.Phases.FaultOnset))
		if rep.Phases.RollbackStart != nil {
			Expect(*rep.Phases.RollbackStart).To(BeNumerically(">", *rep.Phases.FaultOnset), "no rollback before the fault")
		}
		if rep.Measures.DetectionTime != nil {
			Expect(*rep.Measures.DetectionTime).To(BeNumerically(">=", 0), "detection time is never negative")
		}
		Expect(rep.Outcome.Class).To(Equal(reports.ClassFailed))
		Expect(rep.Outcome.Reasons).To(ContainElement(ContainSubstring("before the fault onset: the system was already failing")))
		Expect(journalKinds(rep.Drill.Dir)).To(ContainElement("trigger.early"))

		sc.Objectives.ExpectUnhealthyBeforeFault = true
		rep = runHonesty(ctx, sc)
		Expect(rep.EarlyTriggers).NotTo(BeEmpty())
		Expect(rep.Outcome.Reasons).NotTo(ContainElement(ContainSubstring("already failing")))
		Expect(rep.Outcome.Warnings).To(ContainElement(ContainSubstring("expected by the scenario")))
	}, SpecTimeout(2*time.Minute))

	It("is void, journalling both offsets, when a step takes effect later than its tolerance", func(ctx SpecContext) {
		// The command holds the timeline for a second: the inject planned
		// at the same offset can only go on a second late.
		sc := honestyScenario("", `
timeline:
  - {at: 2s, action: {action: command, command: ["sleep", "1"]}}
  - {at: 2s, inject: {kind: latency, link: api-to-store, latency: 10ms, duration: 1s}}
harness: {stepTolerance: 300ms}
`)
		rep := runHonesty(ctx, sc)
		Expect(rep.Steps).To(HaveLen(2))
		Expect(rep.Steps[0].Status).To(Equal(rollback.StepDone))
		inject := rep.Steps[1]
		Expect(inject.Status).To(Equal(rollback.StepDone))
		Expect(inject.Late).NotTo(BeNil())
		Expect(*inject.Late).To(BeNumerically(">=", 900*time.Millisecond))
		Expect(rep.Outcome.Class).To(Equal(reports.ClassVoid))
		Expect(rep.Outcome.Class.ExitCode()).To(Equal(8))
		Expect(rep.Outcome.Reasons).To(ContainElement(MatchRegexp(`^step 2 \(inject latency .*\) took effect 1\.\d+s after its planned t\+2s \(tolerance 300ms\)$`)))
		Expect(journalKinds(rep.Drill.Dir)).To(ContainElement("step.late"))
		Expect(rep.Harness.StepTolerance).To(Equal(300 * time.Millisecond))
	}, SpecTimeout(2*time.Minute))

	It("fails on a step the system refused unless it is optional, and skips the steps after it", func(ctx SpecContext) {
		failing := `
timeline:
  - {at: 1s, action: {action: http, service: api, url: /nosuch, status: 200, timeout: 2s}}
  - {at: 2s, inject: {kind: latency, link: api-to-store, latency: 10ms, duration: 1s}}
`
		rep := runHonesty(ctx, honestyScenario("", failing))
		Expect(rep.Steps[0].Status).To(Equal(rollback.StepFailed))
		Expect(rep.Steps[0].Cause).To(Equal(reports.CauseSystem))
		Expect(rep.Steps[1].Status).To(Equal(rollback.StepSkipped))
		Expect(rep.Steps[1].Reason).To(Equal("not run: step 1 failed"))
		Expect(rep.Outcome.Reasons).To(ContainElement(HavePrefix("step 1 (action http api) failed: ")))
		Expect(rep.Outcome.Class).To(Equal(reports.ClassFailed), "%v", rep.Outcome.Reasons)

		optional := strings.Replace(failing, "timeout: 2s}}", "timeout: 2s}, optional: true}", 1)
		rep = runHonesty(ctx, honestyScenario("", optional))
		Expect(rep.Steps[0].Status).To(Equal(rollback.StepFailed))
		Expect(rep.Steps[1].Status).To(Equal(rollback.StepDone), "an optional step's failure does not stop the timeline")
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "%v", rep.Outcome.Reasons)
		Expect(rep.Outcome.Warnings).To(ContainElement(HavePrefix("optional step 1 (action http api) failed")))
	}, SpecTimeout(2*time.Minute))

	It("labels the RTO by what it was counted from when no rollback ran", func(ctx SpecContext) {
		sc := honestyScenario("", `
timeline:
  - {at: 2s, inject: {kind: latency, link: api-to-store, latency: 10ms, duration: 1s}}
rollback:
  enabled: false
  triggers: [{metric: error_rate, above: 50%, for: 1s}]
`)
		rep := runHonesty(ctx, sc)
		Expect(rep.Objectives.RTOFrom).To(Equal("rollback-start"))
		Expect(rep.Measures.RTO).NotTo(BeNil())
		Expect(rep.Measures.RTOFrom).To(Equal("fault-onset"), "no rollback started, so it counts from the fault")
		summary, err := os.ReadFile(filepath.Join(rep.Drill.Dir, reports.MarkdownFileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(summary)).To(ContainSubstring("counted from fault-onset"))
		Expect(string(summary)).NotTo(ContainSubstring("from rollback-start"))
	}, SpecTimeout(2*time.Minute))
})
