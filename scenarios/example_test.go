package scenarios_test

import (
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/scenarios/examples"
)

// example reads a bundled example from the examples folder.
func example(name string) *scenarios.Scenario {
	s, err := scenarios.Load(filepath.Join("examples", name))
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return s
}

// kinds lists the actions of a plan, in order.
func kinds(plan []rollback.ActionSpec) []rollback.ActionKind {
	var out []rollback.ActionKind
	for _, a := range plan {
		out = append(out, a.Action)
	}
	return out
}

var _ = Describe("the bundled examples", func() {
	It("load clean from the embedded file system", func() {
		names, err := examples.Names()
		Expect(err).NotTo(HaveOccurred())
		Expect(names).To(ConsistOf("ledger-approval.yaml", "ledger-bad-release.yaml", "ledger-blue-green.yaml", "ledger-canary.yaml", "ledger-flag-rollback.yaml",
			"ledger-good-release.yaml", "ledger-kv.yaml", "ledger-migration-restore.yaml", "ledger-partition.yaml", "ledger-runbook.yaml",
			"seaweedfs-partition.yaml", "seaweedfs-upgrade.yaml"))
		for _, name := range names {
			src, err := fs.ReadFile(examples.FS(), name)
			Expect(err).NotTo(HaveOccurred())
			_, err = scenarios.Parse(filepath.Join("examples", name), src) // a runbook is found next to its scenario
			Expect(err).NotTo(HaveOccurred(), "%s", name)
		}
	})

	It("are each named after their file, open with their story, run the built ledger and stay short", func() {
		names, err := examples.Names()
		Expect(err).NotTo(HaveOccurred())
		ledger, err := filepath.Abs(filepath.Join("..", "bin", "ledger"))
		Expect(err).NotTo(HaveOccurred())
		for _, name := range names {
			s := example(name)
			base := strings.TrimSuffix(name, ".yaml")
			Expect(s.Metadata.Name).To(Equal(base), name)
			src, err := fs.ReadFile(examples.FS(), name)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(src)).To(HavePrefix("# "+base+": "), "%s opens with a comment telling its story", name)
			if strings.HasPrefix(name, "seaweedfs-") {
				weed, _ := filepath.Abs(filepath.Join("..", "bin", "weed-4.53"))
				var bins []string
				for _, v := range s.Vars {
					bins = append(bins, filepath.Join(s.Dir, v))
				}
				Expect(bins).To(ContainElement(weed), "%s runs the SeaweedFS make seaweedfs builds", name)
				continue
			}
			Expect(filepath.Join(s.Dir, s.Vars["ledger"])).To(Equal(ledger), name)
			if name != "ledger-bad-release.yaml" {
				Expect(s.Load.Duration).To(BeNumerically(">=", 12*time.Second), name)
				Expect(s.Load.Duration).To(BeNumerically("<=", 20*time.Second), "%s keeps the suite fast", name)
			}
		}
	})

	It("ledger-good-release.yaml ships v2 with no defect under an armed trigger", func() {
		s := example("ledger-good-release.yaml")
		Expect(s.System.Services["api"].Versions["v2"].Command).To(ContainElements("--defect", "none"))
		Expect(*s.Timeline[0].Deploy).To(Equal(scenarios.Deploy{Service: "api", Version: "v2"}))
		Expect(s.Rollback.Triggers).To(HaveLen(1))
		Expect(s.Rollback.Triggers[0].Name).To(Equal("error_rate above 5%"))
		Expect(s.Objectives.RTOFrom).To(Equal("fault-onset"))
		Expect(s.Objectives.Weights).To(HaveKeyWithValue("detection", 0.0))
		Expect(s.Verify.Durability.Read.String()).To(Equal("GET /entries/{id}"))
	})

	It("ledger-partition.yaml isolates the store while the bad release is rolled back", func() {
		s := example("ledger-partition.yaml")
		Expect(s.System.Services["api"].Versions["v2"].Command).To(ContainElements("--defect", "error-spike"))
		Expect(*s.Timeline[0].At).To(Equal(3 * time.Second))
		Expect(*s.Timeline[0].Deploy).To(Equal(scenarios.Deploy{Service: "api", Version: "v2"}))
		Expect(*s.Timeline[1].At).To(Equal(4 * time.Second))
		Expect(*s.Timeline[1].Partition).To(Equal(faults.PartitionSpec{
			Name: "isolate@store", Isolate: "store", Mode: faults.Blackhole, Direction: faults.Both, Duration: 4 * time.Second,
		}))
		links, err := faults.PartitionLinks(*s.Timeline[1].Partition, s.System.Links)
		Expect(err).NotTo(HaveOccurred())
		Expect(links).To(Equal([]string{"api-to-store"}))
		Expect(s.Rollback.HealFaults).To(Equal("after"))
		Expect(s.Rollback.Triggers).To(HaveLen(1))
		Expect(s.Rollback.Triggers[0].Name).To(Equal("any(error_rate above 5%, p99 above 3x)"))
		Expect(s.Rollback.Triggers[0].Any[1].Above.Relative()).To(BeTrue())
		Expect(s.Rollback.Triggers[0].Any[1].For).To(Equal(2 * time.Second))
		Expect(s.Verify.SLO.Enabled()).To(BeTrue())
		Expect(s.Verify.Durability.Read.String()).To(Equal("GET /entries/{id}"))
	})

	It("ledger-flag-rollback.yaml switches fast-path on in the timeline and off in the plan", func() {
		s := example("ledger-flag-rollback.yaml")
		Expect(s.System.Services["api"].Initial).To(Equal("v2"))
		Expect(s.System.Services["api"].Versions["v2"].Command).To(ContainElements("--defect", "bad-flag"))
		on := s.Timeline[0].Action
		Expect(*s.Timeline[0].At).To(Equal(5 * time.Second))
		Expect(on.Action).To(Equal(rollback.Flag))
		Expect([]string{on.Service, on.Method, on.URL, on.Body}).To(Equal([]string{"api", "PUT", "/flags/fast-path", "true"}))
		Expect(s.Rollback.Triggers[0].Metric).To(Equal(rollback.ErrorRate))
		off := s.Rollback.Plan[0]
		Expect(kinds(s.Rollback.Plan)).To(Equal([]rollback.ActionKind{rollback.Flag}))
		Expect([]string{off.Service, off.Method, off.URL, off.Body, off.ExpectFlags}).To(Equal([]string{"api", "PUT", "/flags/fast-path", "false", "fast-path=false"}))
	})

	It("ledger-migration-restore.yaml snapshots the store, ships the rewrite, and undoes it at 10s", func() {
		s := example("ledger-migration-restore.yaml")
		Expect(*s.Timeline[0].At).To(Equal(4 * time.Second))
		Expect(*s.Timeline[0].Snapshot).To(Equal(scenarios.Snapshot{Service: "store", Name: "before-v2"}))
		Expect(*s.Timeline[1].Deploy).To(Equal(scenarios.Deploy{Service: "store", Version: "v2"}))
		Expect(s.System.Services["store"].Versions["v2"].Command).To(ContainElements("--defect", "migration-rewrite"))
		Expect(s.Rollback.Triggers).To(HaveLen(1))
		Expect(*s.Rollback.Triggers[0].At).To(Equal(10 * time.Second))
		Expect(kinds(s.Rollback.Plan)).To(Equal([]rollback.ActionKind{rollback.MigrateDown, rollback.RedeployPrevious, rollback.RestoreSnapshot}))
		Expect(s.Rollback.Plan[0].Command).To(Equal([]string{"${ledger}", "migrate", "down", "--data", "${data_dir}", "--to", "5"}))
		Expect(s.Rollback.Plan[2].Snapshot).To(Equal("before-v2"))
		Expect(s.Verify.Durability.List.String()).To(Equal("GET /entries"))
		Expect(s.Verify.Invariants).To(HaveLen(2))
		Expect(s.Verify.Invariants[1].HTTP.Path).To(Equal("/totals"))
	})

	It("ledger-kv.yaml writes and reads 20 keys and checks the history", func() {
		s := example("ledger-kv.yaml")
		Expect(s.System.Services["api"].Versions["v2"].Command).To(ContainElements("--defect", "stale-cache"))
		writes, reads := s.Load.Streams[0], s.Load.Streams[1]
		Expect([]any{writes.Method, writes.Path, writes.Body, writes.Keys, writes.Writes}).To(Equal([]any{"PUT", "/kv/{key}", "{id}", 20, true}))
		Expect([]any{reads.Method, reads.Path, reads.Keys, reads.Writes}).To(Equal([]any{"GET", "/kv/{key}", 20, false}))
		Expect(*s.Timeline[0].At).To(Equal(4 * time.Second))
		Expect(s.Rollback.Triggers[0].Probe.URL).To(Equal("/readyz"))
		Expect(s.Rollback.Triggers[1].Name).To(Equal("p99 above 3x"))
		Expect(s.Verify.Linearizability.Timeout).To(Equal(20 * time.Second))
		Expect(s.Verify.StaleReads.Disabled).To(BeFalse())
		Expect(s.Verify.Durability.Enabled()).To(BeFalse(), "key-value writes are not entries to read back")
	})

	It("ledger-approval.yaml waits for payments-oncall before the plan", func() {
		s := example("ledger-approval.yaml")
		Expect(*s.Rollback.Approval).To(Equal(rollback.ApprovalSpec{Role: "payments-oncall", Timeout: 2 * time.Minute}))
		Expect(s.System.Services["api"].Versions["v2"].Command).To(ContainElements("--defect", "error-spike"))
		Expect(kinds(s.Rollback.Plan)).To(Equal([]rollback.ActionKind{rollback.RedeployPrevious}))
	})

	Describe("ledger-bad-release.yaml", func() {
		var s *scenarios.Scenario

		BeforeEach(func() {
			var err error
			s, err = scenarios.Load(filepath.Join("examples", "ledger-bad-release.yaml"))
			Expect(err).NotTo(HaveOccurred())
		})

		It("runs the ledger's API in front of its store, through a link", func() {
			Expect(s.Metadata.Name).To(Equal("ledger-bad-release"))
			Expect(s.Vars).To(HaveKeyWithValue("ledger", "../../bin/ledger"))
			Expect(s.Dir).To(HaveSuffix(filepath.Join("scenarios", "examples")))
			Expect(s.System.Links).To(Equal([]faults.LinkSpec{{Name: "api-to-store", From: "api", To: "store"}}))
			api := s.System.Services["api"]
			Expect(api.Versions["v1"].Command).To(Equal([]string{
				"${ledger}", "api", "--listen", "${addr}", "--store", "http://${link.api-to-store}", "--version", "v1",
			}))
			Expect(api.Versions["v2"].Command).To(ContainElements("--defect", "error-spike"))
			Expect(s.System.Services["store"].DataDir).To(BeTrue())
			Expect(scenarios.StartOrder(s)).To(Equal([]string{"store", "api"}))
		})

		It("writes at 100/s for 25s, ships v2 at 5s and adds 50ms of latency at 15s for 4s", func() {
			Expect(s.Load.Target).To(Equal("api"))
			Expect(s.Load.Duration).To(Equal(25 * time.Second))
			Expect(s.Load.Streams).To(HaveLen(1))
			Expect(s.Load.Streams[0].Rate).To(Equal(load.Rate{Freq: 100, Per: time.Second}))
			Expect(s.Load.Streams[0].Writes).To(BeTrue())

			Expect(s.Timeline).To(HaveLen(2))
			Expect(*s.Timeline[0].At).To(Equal(5 * time.Second))
			Expect(*s.Timeline[0].Deploy).To(Equal(scenarios.Deploy{Service: "api", Version: "v2"}))
			Expect(*s.Timeline[1].At).To(Equal(15 * time.Second))
			Expect(*s.Timeline[1].Inject).To(Equal(faults.Spec{
				Name: "latency@api-to-store", Kind: faults.Latency, Link: "api-to-store",
				Direction: faults.Both, Toxicity: 1, Latency: 50 * time.Millisecond, Duration: 4 * time.Second,
			}))
		})

		It("rolls api back when the error rate stays above 5% for 2s, and reads every write back", func() {
			Expect(s.Rollback.Triggers).To(HaveLen(1))
			t := s.Rollback.Triggers[0]
			Expect(t.Name).To(Equal("error_rate above 5%"))
			Expect(t.Metric).To(Equal(rollback.ErrorRate))
			Expect(t.Above.Value).To(BeNumerically("~", 0.05, 1e-9))
			Expect(t.For).To(Equal(2 * time.Second))
			Expect(s.Rollback.Plan).To(Equal([]rollback.ActionSpec{{Action: rollback.RedeployPrevious, Service: "api"}}))

			Expect(s.Objectives.RTO).To(Equal(10 * time.Second))
			Expect(s.Objectives.RPO).To(BeZero())
			Expect(s.Objectives.PassScore).To(Equal(80))
			Expect(s.Verify.Durability.Read.String()).To(Equal("GET /entries/{id}"))
		})
	})
})
