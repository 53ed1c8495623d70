package drill_test

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/reports"
)

// deploysBy returns the report's switches made by "by".
func deploysBy(rep *reports.Report, by string) []reports.Deploy {
	var out []reports.Deploy
	for _, d := range rep.Deploys {
		if d.By == by {
			out = append(out, d)
		}
	}
	return out
}

var _ = Describe("deploy strategies behind a traffic front, from the bundled examples", func() {
	It("catches a bad canary on its own traffic and rolls it back by a weight shift: no restart, a blast radius above 0 and below the total", func(ctx SpecContext) {
		rep := runScenario(ctx, example("ledger-canary.yaml"), drill.Options{})
		Expect(rep.Outcome.Passed).To(BeTrue(), "%v", rep.Outcome.Reasons)
		Expect(rep.Trigger).NotTo(BeNil())
		Expect(rep.Trigger.Trigger).To(Equal("error_rate above 10%"))

		Expect(deploysBy(rep, "timeline")).To(HaveLen(1))
		Expect(deploysBy(rep, "timeline")[0].Strategy).To(Equal("canary"))
		back := deploysBy(rep, "rollback")
		Expect(back).To(HaveLen(1))
		Expect(back[0].Strategy).To(Equal("canary-abort"))
		Expect(back[0].Phases).NotTo(BeNil())
		Expect(back[0].Phases.StartNew).To(BeZero(), "the rollback started nothing: v1 never stopped")

		Expect(rep.BlastRadius).To(HaveLen(1))
		b := rep.BlastRadius[0]
		Expect(b.Service).To(Equal("api"))
		Expect(b.Version).To(Equal("v2"))
		Expect(b.Requests).To(BeNumerically(">", 0))
		Expect(b.Requests).To(BeNumerically("<", b.TotalRequests))
		Expect(b.Writes).To(Equal(b.Requests), "every request of the drill is a write")
		Expect(b.Errors).To(BeNumerically(">", 0))
		Expect(b.RequestShare).To(BeNumerically("<", 0.5), "caught at the 10% step, before 50%")
		Expect(journalHas(rep, "canary.ended")).To(BeTrue())
		Expect(journalHas(rep, "canary.promoted")).To(BeFalse())
	})

	DescribeTable("switches a good release under load with 0 failed requests",
		func(ctx SpecContext, edits ...string) {
			rep := runScenario(ctx, example("ledger-blue-green.yaml", edits...), drill.Options{})
			Expect(rep.Outcome.Passed).To(BeTrue(), "%v", rep.Outcome.Reasons)
			Expect(rep.Load.Failed + rep.Load.Indeterminate).To(BeZero())
			Expect(rep.Load.Acknowledged).To(BeNumerically(">", 1000))
			Expect(rep.Trigger).To(BeNil())
			d := deploysBy(rep, "timeline")
			Expect(d).To(HaveLen(1))
			Expect(d[0].Phases).NotTo(BeNil())
			Expect(d[0].Phases.StartNew).To(BeNumerically(">", 0))
			Expect(d[0].Phases.StopOld).To(BeNumerically(">", 0))
		},
		Entry("blue-green"),
		Entry("rolling, one surge replica at a time", "strategy: blue-green}", "strategy: rolling, maxSurge: 1, maxUnavailable: 0}"),
	)

	It("rolls back only the services of rollback.scope", func(ctx SpecContext) {
		sc := example("ledger-canary.yaml",
			"    - {weight: 10%, pause: 4s}\n        - {weight: 50%, pause: 4s}", "    - {weight: 10%, pause: 4s}",
			"timeline:\n", "timeline:\n  - at: 1s\n    deploy: {service: store, version: v2}\n",
			`          command: ["${ledger}", "store", "--listen", "${addr}", "--data", "${data_dir}", "--version", "v1"]`,
			`          command: ["${ledger}", "store", "--listen", "${addr}", "--data", "${data_dir}", "--version", "v1"]
        v2:
          command: ["${ledger}", "store", "--listen", "${addr}", "--data", "${data_dir}", "--version", "v2"]`)
		rep := runScenario(ctx, sc, drill.Options{})
		Expect(rep.Trigger).NotTo(BeNil())
		var got []string
		for _, a := range rep.Actions {
			got = append(got, string(a.Action)+" "+a.Service)
		}
		Expect(got).To(Equal([]string{"redeploy-previous api"}), "the store stays at v2")
		Expect(deploysBy(rep, "rollback")).To(HaveLen(1))
	})

	It("runs replicas as processes of their own, and a kill of one of them fails only what was in flight: the front ejects it", func(ctx SpecContext) {
		sc := example("ledger-blue-green.yaml",
			"replicas: 2", "replicas: 3",
			"  - at: 5s\n    deploy: {service: api, version: v2, strategy: blue-green}",
			"  - at: 3s\n    inject: {name: one-down, kind: kill, service: api, replicas: \"1\"}\n  - at: 7s\n    heal: one-down")
		rep := runScenario(ctx, sc, drill.Options{})
		// The requests at the killed instance when SIGKILL hit fail; every
		// later one goes to the 2 others (without ejection, a third of the
		// 4 s of load at 100/s, some 130 requests, would fail).
		Expect(rep.Load.Failed+rep.Load.Indeterminate).To(BeNumerically("<=", 5), "failed %d, indeterminate %d", rep.Load.Failed, rep.Load.Indeterminate)
		journal := journalEntries(rep.Drill.Dir)
		pids := map[string]bool{}
		killed := 0
		for _, e := range journal {
			if e.Kind == "sut.started" && strings.HasPrefix(e.Msg, "api.") {
				pids[fmt.Sprint(e.Fields["pid"])] = true
			}
			if e.Kind == "sut.killed" || (e.Kind == "sut.exited" && strings.HasPrefix(e.Msg, "api.")) {
				killed++
			}
		}
		Expect(len(pids)).To(BeNumerically(">=", 4), "3 replicas, and the killed one started again by the heal")
		Expect(killed).To(BeNumerically(">=", 1), "a replica was killed")
		Expect(journalHas(rep, "fault.heal")).To(BeTrue())
	})

	It("measures the blast radius of a recreate rollback without a front from the load history", func(ctx SpecContext) {
		rep := runScenario(ctx, example("ledger-bad-release.yaml"), drill.Options{})
		Expect(rep.Trigger).NotTo(BeNil())
		Expect(rep.BlastRadius).To(HaveLen(1))
		b := rep.BlastRadius[0]
		Expect(b).To(And(HaveField("Service", "api"), HaveField("Version", "v2"), HaveField("Source", "history")))
		Expect(b.Requests).To(BeNumerically(">", 0))
		Expect(b.Requests).To(BeNumerically("<", b.TotalRequests))
		Expect(b.Errors).To(BeNumerically(">", 0))
		Expect(b.Errors).To(BeNumerically("<=", b.Requests))
	})
})
