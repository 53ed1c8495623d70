package drill_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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
	"github.com/faultdrill/faultdrill/verify"
)

// example loads a bundled scenario, with each edit (old, new) applied to
// its text first.
func example(name string, edits ...string) *scenarios.Scenario {
	GinkgoHelper()
	src, err := os.ReadFile(filepath.Join("..", "scenarios", "examples", name))
	Expect(err).NotTo(HaveOccurred())
	text := string(src)
	for i := 0; i+1 < len(edits); i += 2 {
		Expect(text).To(ContainSubstring(edits[i]), "the edit applies to %s", name)
		text = strings.Replace(text, edits[i], edits[i+1], 1)
	}
	path := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(path, []byte(text), 0o644)).To(Succeed())
	sc, err := scenarios.Load(path)
	Expect(err).NotTo(HaveOccurred())
	return sc
}

func runScenario(ctx context.Context, sc *scenarios.Scenario, opts drill.Options) *reports.Report {
	GinkgoHelper()
	opts.OutDir = GinkgoT().TempDir()
	opts.Seed = 3
	opts.Vars = map[string]string{"ledger": ledgerBin}
	rep, err := drill.Run(ctx, sc, opts)
	Expect(err).NotTo(HaveOccurred())
	Expect(rep).NotTo(BeNil())
	return rep
}

func journalEntries(dir string) []drill.Entry {
	GinkgoHelper()
	data, err := os.ReadFile(filepath.Join(dir, drill.JournalFile))
	Expect(err).NotTo(HaveOccurred())
	var entries []drill.Entry
	for line := range strings.Lines(string(data)) {
		var e drill.Entry
		Expect(json.Unmarshal([]byte(line), &e)).To(Succeed())
		entries = append(entries, e)
	}
	return entries
}

func journalHas(rep *reports.Report, kind string) bool {
	GinkgoHelper()
	for _, k := range journalKinds(rep.Drill.Dir) {
		if k == kind {
			return true
		}
	}
	return false
}

var _ = Describe("rollback drills from the bundled examples", func() {
	It("records an automatic approval, and a rollback owner's decision typed on the terminal", func(ctx SpecContext) {
		rep := runScenario(ctx, example("ledger-approval.yaml"), drill.Options{})
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "%v", rep.Outcome.Reasons)
		Expect(rep.Approval).NotTo(BeNil())
		Expect(rep.Approval.Approved).To(BeTrue())
		Expect(rep.Approval.Auto).To(BeTrue())
		Expect(rep.Approval.Role).To(Equal("payments-oncall"))
		Expect(journalHas(rep, "approval.granted")).To(BeTrue())

		rep = runScenario(ctx, example("ledger-approval.yaml"), drill.Options{
			Prompt: &drill.Prompt{In: strings.NewReader("yes\nerror rate is real, rolling back\n"), Out: io.Discard, Approver: "Ana Lima"},
		})
		Expect(rep.Approval.Approved).To(BeTrue())
		Expect(rep.Approval.Auto).To(BeFalse())
		Expect(rep.Approval.By).To(Equal("Ana Lima"), "the approver named with --approver, not the OS user")
		Expect(rep.Approval.Rationale).To(Equal("error rate is real, rolling back"))
		p := rep.Phases
		Expect(*p.TriggerFired).To(BeNumerically("<=", *p.Approved))
		Expect(*p.Approved).To(BeNumerically("<=", *p.RollbackStart))

		rep = runScenario(ctx, example("ledger-approval.yaml"), drill.Options{
			Prompt: &drill.Prompt{In: strings.NewReader("no\nwant to watch it longer\n"), Out: io.Discard},
		})
		Expect(rep.Approval.Approved).To(BeFalse())
		Expect(rep.Actions).To(BeEmpty(), "a denied rollback does not run")
		Expect(journalHas(rep, "approval.denied")).To(BeTrue())
		Expect(rep.Outcome.Passed).To(BeFalse())
	}, SpecTimeout(3*time.Minute), SpecPriority(5)) // a long drill: started early on the parallel processes

	It("rolls back under an active partition, and the phases are present and ordered", func(ctx SpecContext) {
		rep := runScenario(ctx, example("ledger-partition.yaml"), drill.Options{})
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "%v", rep.Outcome.Reasons)
		Expect(rep.Faults).NotTo(BeEmpty())
		partition := rep.Faults[0]
		Expect(partition.Kind).To(HavePrefix("partition/"))
		p := rep.Phases
		Expect(p.RollbackStart).NotTo(BeNil())
		Expect(partition.End).NotTo(BeNil())
		Expect(partition.Start).To(BeNumerically("<", *p.RollbackStart))
		Expect(*partition.End).To(BeNumerically(">", *p.RollbackEnd), "the rollback completed while the partition held")
		order := []*time.Duration{p.LoadStart, p.FaultOnset, p.FirstBreach, p.TriggerFired, p.RollbackStart, p.RollbackEnd, p.Recovered, p.LoadEnd}
		for i := 1; i < len(order); i++ {
			Expect(order[i]).NotTo(BeNil(), "phase %d", i)
			Expect(*order[i]).To(BeNumerically(">=", *order[i-1]), "phase %d after phase %d", i, i-1)
		}
		for _, a := range rep.Actions {
			Expect(a.Start).To(BeNumerically(">=", *p.RollbackStart))
			Expect(a.End).To(BeNumerically("<=", *p.RollbackEnd))
		}
		Expect(rep.Baseline).NotTo(BeNil(), "the p99 trigger compares with a baseline")
	}, SpecTimeout(2*time.Minute))

	It("rolls a bad feature flag back by flipping it, and measures the flag's propagation", func(ctx SpecContext) {
		rep := runScenario(ctx, example("ledger-flag-rollback.yaml"), drill.Options{})
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "%v", rep.Outcome.Reasons)
		Expect(rep.Actions).NotTo(BeEmpty())
		Expect(rep.Actions[0].Action).To(Equal(rollback.Flag))
		Expect(rep.Measures.FlagPropagation).NotTo(BeNil())
		Expect(*rep.Measures.FlagPropagation).To(BeNumerically("<", 5*time.Second))
	}, SpecTimeout(2*time.Minute))

	It("restores a snapshot after a data-rewriting migration: later writes are expected loss, none is a bug", func(ctx SpecContext) {
		rep := runScenario(ctx, example("ledger-migration-restore.yaml"), drill.Options{})
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "%v", rep.Outcome.Reasons)
		dur := verifier(rep, verify.NameDurability)
		Expect(dur.Evidence["lost"]).To(BeEquivalentTo(0))
		Expect(dur.Evidence["expectedLost"]).To(BeNumerically(">", 0))
		Expect(journalHas(rep, "snapshot.restored")).To(BeTrue())
		for _, a := range rep.Actions {
			if a.Action == rollback.MigrateDown {
				Expect(a.SchemaBefore).NotTo(Equal(a.SchemaAfter), "the down migration changed the schema")
			}
		}
	}, SpecTimeout(2*time.Minute))

	It("refuses a corrupted snapshot, never restoring it", func(ctx SpecContext) {
		sc := example("ledger-migration-restore.yaml")
		out := GinkgoT().TempDir()
		go func() {
			defer GinkgoRecover()
			// Corrupt the snapshot once it is taken, before the planned rollback.
			Eventually(func() []string {
				m, _ := filepath.Glob(filepath.Join(out, "*-*", "snapshots", "*", "data", "*.db"))
				return m
			}).WithTimeout(30 * time.Second).WithPolling(100 * time.Millisecond).ShouldNot(BeEmpty())
			m, _ := filepath.Glob(filepath.Join(out, "*-*", "snapshots", "*", "data", "*.db"))
			f, err := os.OpenFile(m[0], os.O_RDWR, 0)
			Expect(err).NotTo(HaveOccurred())
			_, err = f.WriteAt([]byte("corrupt"), 200)
			Expect(err).NotTo(HaveOccurred())
			Expect(f.Close()).To(Succeed())
		}()
		rep, err := drill.Run(ctx, sc, drill.Options{OutDir: out, Seed: 3, Vars: map[string]string{"ledger": ledgerBin}})
		Expect(err).NotTo(HaveOccurred())
		Expect(journalHas(rep, "snapshot.refused")).To(BeTrue())
		Expect(journalHas(rep, "snapshot.restored")).To(BeFalse())
		var restore *rollback.ActionResult
		for i := range rep.Actions {
			if rep.Actions[i].Action == rollback.RestoreSnapshot {
				restore = &rep.Actions[i]
			}
		}
		Expect(restore).NotTo(BeNil())
		Expect(restore.Error).To(ContainSubstring("ledger.db: changed"), "the manifest caught the flipped bytes")
		Expect(rep.Outcome.Passed).To(BeFalse())
	}, SpecTimeout(2*time.Minute))

	It("journals each action of the plan as it starts and as it ends, at the actions' own offsets", func(ctx SpecContext) {
		var live bytes.Buffer
		rep := runScenario(ctx, example("ledger-bad-release.yaml",
			"    - action: redeploy-previous\n      service: api\n",
			"    - {action: command, name: pause, command: [sleep, \"0.3\"]}\n    - action: redeploy-previous\n      service: api\n"),
			drill.Options{Progress: drill.NewProgress(&live, false)})
		Expect(rep.Actions).To(HaveLen(2))
		Expect(live.String()).To(MatchRegexp(`(?s)action\.start +pause \(command\)\n.*action\.end +pause \(command\) done in \d+ms\n.*action\.start +redeploy-previous api\n`),
			"live progress shows each action as it starts and ends")
		var seen []drill.Entry
		for _, e := range journalEntries(rep.Drill.Dir) {
			if e.Kind == "action.start" || e.Kind == "action.end" {
				seen = append(seen, e)
			}
		}
		Expect(seen).To(HaveLen(4))
		var kinds []string
		for _, e := range seen {
			kinds = append(kinds, e.Kind)
		}
		Expect(kinds).To(Equal([]string{"action.start", "action.end", "action.start", "action.end"}))
		for i, a := range rep.Actions {
			start, end := seen[2*i], seen[2*i+1]
			Expect(a.Status).To(Equal(rollback.StepDone))
			Expect(start.T).To(BeNumerically(">=", a.Start), "action %d starts, then is journalled", i)
			Expect(start.T).To(BeNumerically("<", a.End), "action %d is journalled before it ends", i)
			Expect(end.T).To(BeNumerically(">=", a.End), "action %d ends, then is journalled", i)
			if i+1 < len(rep.Actions) {
				Expect(end.T).To(BeNumerically("<=", rep.Actions[i+1].Start), "action %d is journalled before the next starts", i)
			}
		}
		Expect(rep.Actions[0].End - rep.Actions[0].Start).To(BeNumerically(">=", 300*time.Millisecond))
		Expect(seen[0].Msg).To(Equal("pause (command)"))
		Expect(seen[3].Msg).To(HavePrefix("redeploy-previous api done in "))
	}, SpecTimeout(90*time.Second))

	It("stops and starts the store in a rollback plan, at the version it ran, which is no deploy", func(ctx SpecContext) {
		rep := runScenario(ctx, example("ledger-bad-release.yaml",
			"    - action: redeploy-previous\n      service: api\n",
			"    - action: redeploy-previous\n      service: api\n    - {action: stop, service: store}\n    - {action: start, service: store}\n"),
			drill.Options{})
		Expect(rep.Actions).To(HaveLen(3))
		stop, start := rep.Actions[1], rep.Actions[2]
		Expect(stop.Status).To(Equal(rollback.StepDone), stop.Error)
		Expect(stop.From).To(Equal("v1"))
		Expect(start.Status).To(Equal(rollback.StepDone), start.Error)
		Expect(start.From).To(Equal("v1"))
		Expect(start.To).To(Equal("v1"))
		for _, d := range rep.Deploys {
			Expect(d.Service).NotTo(Equal("store"), "a stop and a start at the same version are not deploys")
		}
		var kinds []string
		for _, e := range journalEntries(rep.Drill.Dir) {
			if e.T >= stop.Start && e.Fields["service"] == "store" {
				kinds = append(kinds, e.Kind)
			}
		}
		Expect(strings.Join(kinds, " ")).To(MatchRegexp(
			`^action\.start sut\.stopping sut\.stopped service\.stopped action\.end action\.start sut\.started sut\.healthy service\.started action\.end`))
		Expect(verifier(rep, "health").Verdict).To(Equal(verify.Success))
	}, SpecTimeout(90*time.Second))

	It("restores a snapshot into the version it names, starting the store once, at that version", func(ctx SpecContext) {
		rep := runScenario(ctx, example("ledger-migration-restore.yaml",
			"    - {action: redeploy-previous, service: store}\n", "",
			"{action: restore-snapshot, service: store, snapshot: before-v2}",
			"{action: restore-snapshot, service: store, snapshot: before-v2, version: v1}"), drill.Options{})
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "%v", rep.Outcome.Reasons)
		Expect(rep.Actions).To(HaveLen(2))
		restore := rep.Actions[1]
		Expect(restore.Action).To(Equal(rollback.RestoreSnapshot))
		Expect(restore.Status).To(Equal(rollback.StepDone), restore.Error)
		Expect(restore.From).To(Equal("v2"))
		Expect(restore.To).To(Equal("v1"))
		Expect(rep.Deploys).To(ContainElement(SatisfyAll(
			HaveField("Service", "store"), HaveField("From", "v2"), HaveField("To", "v1"), HaveField("By", "restore"), HaveField("Error", ""))))

		var during []string
		for _, e := range journalEntries(rep.Drill.Dir) {
			if e.T >= restore.Start && e.T <= restore.End && e.Fields["service"] == "store" && strings.HasPrefix(e.Kind, "sut.") {
				during = append(during, e.Kind+" "+e.Fields["version"].(string))
			}
		}
		Expect(during).To(Equal([]string{"sut.stopping v2", "sut.stopped v2", "sut.started v1", "sut.healthy v1"}),
			"stopped for the restore, started once, at v1")
	}, SpecTimeout(90*time.Second))

	It("catches a down migration that is not idempotent by running the rollback twice", func(ctx SpecContext) {
		idempotent := func(defect string) *reports.Report {
			return runScenario(ctx, example("ledger-migration-restore.yaml",
				`"--to", "5"]`, `"--to", "5"`+defect+`]`,
				"{action: restore-snapshot, service: store, snapshot: before-v2}",
				"{action: restore-snapshot, service: store, snapshot: before-v2, idempotent: false}",
				"\nverify:", "\n  verifyIdempotent: true\n\nverify:"), drill.Options{})
		}
		rep := idempotent(`, "--defect", "non-idempotent-down"`)
		check := verifier(rep, "rollback-idempotent")
		Expect(check.Verdict).To(Equal(verify.Failure))
		Expect(check.Evidence["firstDigest"]).NotTo(Equal(check.Evidence["secondDigest"]))
		Expect(rep.Outcome.Class).To(Equal(reports.ClassIntegrity))

		rep = idempotent("")
		Expect(verifier(rep, "rollback-idempotent").Verdict).To(Equal(verify.Success))
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "%v", rep.Outcome.Reasons)
	}, SpecTimeout(3*time.Minute))
})

var _ = Describe("the plan of every bundled example", func() {
	// stepKind names the kind of a timeline step as the report does.
	stepKind := func(st scenarios.Step) string {
		switch {
		case st.Deploy != nil:
			return "deploy"
		case st.Inject != nil:
			return "inject"
		case st.Partition != nil:
			return "partition"
		case st.Snapshot != nil:
			return "snapshot"
		case st.Action != nil:
			return "action"
		case st.Heal != "":
			return "heal"
		}
		return "wait"
	}
	DescribeTable("is what a real run of it does: the same verifiers in the same order, the same steps and rollback actions",
		func(ctx SpecContext, name string) {
			sc := example(name)
			rep := runScenario(ctx, sc, drill.Options{})

			var planned, ran []string
			for _, v := range drill.PlanVerifiers(sc) {
				planned = append(planned, v.Name)
			}
			for _, v := range rep.Verifiers {
				ran = append(ran, v.Name)
			}
			Expect(ran).To(Equal(planned))

			var kinds, ranKinds []string
			for _, st := range sc.Timeline {
				kinds = append(kinds, stepKind(st))
			}
			for _, st := range rep.Steps {
				ranKinds = append(ranKinds, st.Kind)
			}
			Expect(ranKinds).To(Equal(kinds))

			if len(rep.Actions) > 0 {
				plan := sc.Rollback.Plan
				if len(plan) == 0 {
					var deployed []string
					for _, st := range sc.Timeline {
						if st.Deploy != nil {
							deployed = append(deployed, st.Deploy.Service)
						}
					}
					plan = rollback.DefaultPlan(deployed)
				}
				var want, got []string
				for _, a := range plan {
					want = append(want, string(a.Action)+" "+a.Service)
				}
				for _, a := range rep.Actions {
					got = append(got, string(a.Action)+" "+a.Service)
				}
				Expect(got).To(Equal(want))
			}
			if sc.Rollback.Approval != nil && rep.Phases.TriggerFired != nil {
				Expect(rep.Approval).NotTo(BeNil(), "the planned approval was asked")
			}
		},
		Entry(nil, "ledger-bad-release.yaml"),
		Entry(nil, "ledger-good-release.yaml"),
		Entry(nil, "ledger-kv.yaml"),
		Entry(nil, "ledger-partition.yaml"),
		Entry(nil, "ledger-approval.yaml"),
		Entry(nil, "ledger-flag-rollback.yaml"),
		Entry(nil, "ledger-migration-restore.yaml"),
	)
})
