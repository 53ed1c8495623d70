package drill_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"text/template"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/verify"
)

// drillCase is what varies between the end-to-end drills.
type drillCase struct {
	V2Flags  string // extra arguments of api v2, as YAML list items
	Rollback bool
	Duration string
}

func scenarioFor(c drillCase) *scenarios.Scenario {
	GinkgoHelper()
	tmpl := template.Must(template.ParseFiles(filepath.Join("testdata", "ledger.yaml.tmpl")))
	path := filepath.Join(GinkgoT().TempDir(), "ledger.yaml")
	f, err := os.Create(path)
	Expect(err).NotTo(HaveOccurred())
	Expect(tmpl.Execute(f, c)).To(Succeed())
	Expect(f.Close()).To(Succeed())
	sc, err := scenarios.Load(path)
	Expect(err).NotTo(HaveOccurred())
	return sc
}

func runDrill(ctx context.Context, c drillCase) *reports.Report {
	GinkgoHelper()
	rep, err := drill.Run(ctx, scenarioFor(c), drill.Options{
		OutDir: GinkgoT().TempDir(), Seed: 7, Vars: map[string]string{"ledger": ledgerBin},
	})
	Expect(rep).NotTo(BeNil())
	if ctx.Err() == nil {
		Expect(err).NotTo(HaveOccurred())
	}
	return rep
}

func journalKinds(dir string) []string {
	GinkgoHelper()
	f, err := os.Open(filepath.Join(dir, drill.JournalFile))
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	var kinds []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e drill.Entry
		Expect(json.Unmarshal(sc.Bytes(), &e)).To(Succeed())
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

func verifier(rep *reports.Report, name string) verify.Result {
	GinkgoHelper()
	for _, v := range rep.Verifiers {
		if v.Name == name {
			return v
		}
	}
	Fail("no verifier " + name + " in the report")
	return verify.Result{}
}

var _ = Describe("a drill on the process runtime", func() {
	It("rolls a release with an error spike back, recovers within the RTO and loses no acknowledged write", func(ctx SpecContext) {
		rep := runDrill(ctx, drillCase{V2Flags: `, "--defect", "error-spike"`, Rollback: true, Duration: "12s"})

		Expect(rep.Outcome.Reasons).To(BeEmpty())
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed))
		Expect(rep.Status).To(Equal(reports.Passed))
		Expect(rep.Trigger).NotTo(BeNil())
		Expect(rep.Trigger.Trigger).To(Equal("error_rate above 5%"))
		Expect(rep.Actions).To(HaveLen(1))
		Expect(rep.Actions[0].From).To(Equal("v2"))
		Expect(rep.Actions[0].To).To(Equal("v1"))

		p := rep.Phases
		for _, ph := range []*time.Duration{p.FaultOnset, p.TriggerFired, p.RollbackStart, p.RollbackEnd, p.Recovered} {
			Expect(ph).NotTo(BeNil())
		}
		Expect(*p.FaultOnset).To(BeNumerically("<", *p.TriggerFired))
		Expect(*p.TriggerFired).To(BeNumerically("<=", *p.RollbackStart))
		Expect(*p.RollbackStart).To(BeNumerically("<", *p.RollbackEnd))
		Expect(*p.RollbackEnd).To(BeNumerically("<=", *p.Recovered))
		Expect(*rep.Measures.RTO).To(BeNumerically("<=", rep.Objectives.RTO))

		dur := verifier(rep, "durability")
		Expect(dur.Verdict).To(Equal(verify.Success))
		Expect(dur.Evidence["acknowledged"]).To(BeNumerically(">", 600))
		Expect(rep.Measures.LostWrites).To(HaveValue(BeZero()))
		Expect(verifier(rep, "health").Verdict).To(Equal(verify.Success))
		Expect(rep.Score.Value).To(BeNumerically(">=", rep.Objectives.PassScore))

		kinds := journalKinds(rep.Drill.Dir)
		Expect(strings.Join(kinds, " ")).To(MatchRegexp(
			`load\.start .*deploy\.start .*fault\.inject .*trigger\.fired .*rollback\.start .*deploy\.end .*rollback\.end .*load\.end .*verify\.success .*drill\.end`))

		onDisk, err := reports.Read(filepath.Join(rep.Drill.Dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(onDisk.Outcome).To(Equal(rep.Outcome))
		Expect(onDisk.Drill.Seed).To(Equal(uint64(7)))
	}, SpecTimeout(90*time.Second))

	It("fails on its RTO, and says why, when the scenario disables rollback", func(ctx SpecContext) {
		rep := runDrill(ctx, drillCase{V2Flags: `, "--defect", "error-spike"`, Rollback: false, Duration: "10s"})

		Expect(rep.Status).To(Equal(reports.Failed))
		Expect(rep.Outcome.Class).To(Equal(reports.ClassRTO))
		Expect(rep.Trigger).NotTo(BeNil(), "the trigger still fires and is recorded")
		Expect(rep.Actions).To(BeEmpty())
		Expect(rep.Measures.RTO).To(BeNil())
		Expect(rep.Outcome.Reasons).To(ContainElement(ContainSubstring("never recovered")))
		Expect(rep.Measures.RTOFrom).To(BeEmpty(), "no RTO was measured")
		Expect(journalKinds(rep.Drill.Dir)).To(ContainElement("rollback.skipped"))
	}, SpecTimeout(90*time.Second))

	It("fails on integrity when a release acknowledges writes it never stores", func(ctx SpecContext) {
		rep := runDrill(ctx, drillCase{V2Flags: `, "--defect", "lost-writes"`, Rollback: false, Duration: "8s"})

		Expect(rep.Outcome.Class).To(Equal(reports.ClassIntegrity))
		dur := verifier(rep, "durability")
		Expect(dur.Verdict).To(Equal(verify.Failure))
		Expect(rep.Measures.LostWrites).To(HaveValue(BeNumerically(">", 10)))
		Expect(dur.Evidence["lostIds"]).NotTo(BeEmpty())
	}, SpecTimeout(90*time.Second))

	It("passes a good release without firing a trigger", func(ctx SpecContext) {
		rep := runDrill(ctx, drillCase{V2Flags: "", Rollback: true, Duration: "8s"})

		Expect(rep.Trigger).To(BeNil())
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "%v", rep.Outcome.Reasons)
		Expect(rep.Measures.LostWrites).To(HaveValue(BeZero()))
	}, SpecTimeout(90*time.Second))

	It("heals its faults, stops the system and writes a partial report when interrupted", func(ctx SpecContext) {
		runCtx, cancel := context.WithCancelCause(ctx)
		sc := scenarioFor(drillCase{V2Flags: `, "--defect", "latency"`, Rollback: true, Duration: "20s"})
		out := GinkgoT().TempDir()
		go func() {
			defer GinkgoRecover()
			// Interrupt once the latency fault is in place: wait on the
			// journal, not on the clock.
			Eventually(func() string {
				journals, _ := filepath.Glob(filepath.Join(out, "*-*", drill.JournalFile))
				if len(journals) != 1 {
					return ""
				}
				b, _ := os.ReadFile(journals[0])
				return string(b)
			}).WithTimeout(30 * time.Second).WithPolling(20 * time.Millisecond).Should(ContainSubstring(`"kind":"fault.inject"`))
			cancel(errors.New("interrupt signal received"))
		}()
		rep, err := drill.Run(runCtx, sc, drill.Options{OutDir: out, Seed: 7, Vars: map[string]string{"ledger": ledgerBin}})
		Expect(err).To(MatchError(context.Canceled))
		Expect(rep.Status).To(Equal(reports.Interrupted))
		Expect(rep.Outcome.Class.ExitCode()).To(Equal(130))
		Expect(rep.Partial).To(BeTrue())
		Expect(rep.Signal).NotTo(BeNil())
		Expect(rep.Signal.Name).To(Equal("interrupt signal received"))
		if rep.Phases.RollbackStart != nil {
			Expect(*rep.Phases.RollbackStart).To(BeNumerically("<", rep.Signal.At), "no rollback starts after the signal")
		}
		if rep.Phases.TriggerFired != nil {
			Expect(*rep.Phases.TriggerFired).To(BeNumerically("<", rep.Signal.At), "no trigger fires after the signal")
		}
		last := rep.Windows[len(rep.Windows)-1]
		Expect(last.Partial).To(BeTrue(), "the window cut by the signal is marked partial")

		onDisk, err := reports.Read(filepath.Join(rep.Drill.Dir, reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(onDisk.Status).To(Equal(reports.Interrupted))

		entries, err := faults.ReadLedger(filepath.Join(rep.Drill.Dir, "faults.jsonl"))
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).NotTo(BeEmpty(), "the fault was injected before the interrupt")
		Expect(faults.Unhealed(entries)).To(BeEmpty())
		kinds := journalKinds(rep.Drill.Dir)
		Expect(kinds).To(ContainElements("drill.signal", "fault.heal", "sut.down", "drill.end"))
		Expect(strings.Join(kinds, " ")).NotTo(MatchRegexp(`drill\.signal .*(trigger\.fired|rollback\.start)`))
		Expect(pidsAlive(rep.Drill.Dir)).To(BeEmpty())
	}, SpecTimeout(90*time.Second))
})

// pidsAlive returns the pids of processes the drill journaled as started
// that still exist.
func pidsAlive(dir string) []int {
	GinkgoHelper()
	f, err := os.Open(filepath.Join(dir, drill.JournalFile))
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	var alive []int
	sc := bufio.NewScanner(f)
	started := 0
	for sc.Scan() {
		var e drill.Entry
		Expect(json.Unmarshal(sc.Bytes(), &e)).To(Succeed())
		if e.Kind != "sut.started" {
			continue
		}
		started++
		pid := int(e.Fields["pid"].(float64))
		if syscall.Kill(pid, 0) == nil {
			alive = append(alive, pid)
		}
	}
	Expect(started).To(BeNumerically(">=", 2), "the journal records each started process")
	return alive
}
