package verify_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

// recorder makes checks that record the order they ran in.
type recorder struct{ ran []string }

func (r *recorder) check(name string, stage verify.Stage, v verify.Verdict, needs ...string) verify.Check {
	return verify.Check{Name: name, Stage: stage, Needs: needs, Run: func(context.Context) verify.Result {
		r.ran = append(r.ran, name)
		return verify.Result{Name: name, Verdict: v, Summary: name + " said " + string(v)}
	}}
}

func verdicts(results []verify.Result) map[string]verify.Verdict {
	out := map[string]verify.Verdict{}
	for _, r := range results {
		out[r.Name] = r.Verdict
	}
	return out
}

func names(results []verify.Result) []string {
	var out []string
	for _, r := range results {
		out = append(out, r.Name)
	}
	return out
}

var _ = Describe("RunAll", func() {
	It("runs assumptions, then integrity, then the rest, keeping the order within a stage", func(ctx SpecContext) {
		var r recorder
		results := verify.RunAll(ctx, []verify.Check{
			r.check("slo", verify.Others, verify.Success),
			r.check("durability", verify.Integrity, verify.Success),
			r.check("load", verify.Assumptions, verify.Success),
			r.check("linearizability", verify.Integrity, verify.Success),
			r.check("initial-state", verify.Assumptions, verify.Success),
			r.check("health", verify.Others, verify.Failure),
		})
		want := []string{"load", "initial-state", "durability", "linearizability", "slo", "health"}
		Expect(r.ran).To(Equal(want))
		Expect(names(results)).To(Equal(want))
		Expect(verdicts(results)).To(HaveKeyWithValue("health", verify.Failure))
	})

	It("skips, with the reason, the checks that an earlier one makes moot", func(ctx SpecContext) {
		var r recorder
		results := verify.RunAll(ctx, []verify.Check{
			verify.Assume(verify.Result{Name: "load", Verdict: verify.Failure, Summary: "reached 12/s of 100/s"}),
			r.check("initial-state", verify.Assumptions, verify.Success),
			r.check("durability", verify.Integrity, verify.Failure, "initial-state"),
			r.check("linearizability", verify.Integrity, verify.Success, "load", "initial-state"),
			r.check("stale-reads", verify.Others, verify.Success, "linearizability"),
			r.check("after-durability", verify.Others, verify.Success, "durability"),
		})
		Expect(r.ran).To(Equal([]string{"initial-state", "durability"}))
		v := verdicts(results)
		Expect(v).To(HaveKeyWithValue("load", verify.Failure))
		Expect(v).To(HaveKeyWithValue("durability", verify.Failure))
		Expect(v).To(HaveKeyWithValue("linearizability", verify.Skipped))
		Expect(v).To(HaveKeyWithValue("stale-reads", verify.Skipped))
		Expect(v).To(HaveKeyWithValue("after-durability", verify.Skipped))
		Expect(results[3].Summary).To(And(ContainSubstring("load"), ContainSubstring("reached 12/s of 100/s")))
		Expect(results[4].Summary).To(ContainSubstring("linearizability"))
	})

	It("skips a check that needs one that is not earlier, instead of running it blind", func(ctx SpecContext) {
		var r recorder
		results := verify.RunAll(ctx, []verify.Check{
			r.check("durability", verify.Integrity, verify.Success, "slo"),
			r.check("slo", verify.Others, verify.Success),
			r.check("typo", verify.Others, verify.Success, "lod"),
		})
		Expect(r.ran).To(Equal([]string{"slo"}))
		Expect(results[0].Verdict).To(Equal(verify.Skipped))
		Expect(results[0].Summary).To(ContainSubstring(`"slo"`))
		Expect(results[2].Verdict).To(Equal(verify.Skipped))
	})

	It("times out what is left once its deadline passes: a check not done is not a check passed", func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		var r recorder
		slow := verify.Check{Name: "slow", Stage: verify.Assumptions, Run: func(ctx context.Context) verify.Result {
			<-ctx.Done()
			return verify.Result{Name: "slow", Verdict: verify.Success}
		}}
		results := verify.RunAll(ctx, []verify.Check{slow, r.check("durability", verify.Integrity, verify.Success)})
		Expect(r.ran).To(BeEmpty())
		Expect(results[1].Verdict).To(Equal(verify.Timeout))
		Expect(results[1].Summary).To(ContainSubstring("ran out of time"))
	})

	It("skips what is left once its context is canceled", func() {
		ctx, cancel := context.WithCancel(context.Background())
		var r recorder
		stop := verify.Check{Name: "stop", Stage: verify.Assumptions, Run: func(context.Context) verify.Result {
			cancel()
			return verify.Result{Name: "stop", Verdict: verify.Success}
		}}
		results := verify.RunAll(ctx, []verify.Check{stop, r.check("durability", verify.Integrity, verify.Success)})
		Expect(r.ran).To(BeEmpty())
		Expect(results[1].Verdict).To(Equal(verify.Skipped))
	})

	It("runs the real verifiers in order over one history", func(ctx SpecContext) {
		ops := []load.Op{
			kvWrite("w1", "a", 0, 10, load.Acknowledged),
			kvWrite("w2", "a", 20, 30, load.Acknowledged),
			kvRead("r1", "a", "w1", 40, 50, load.Acknowledged),
		}
		results := verify.RunAll(ctx, []verify.Check{
			{Name: verify.NameStaleReads, Stage: verify.Others, Needs: []string{"load"},
				Run: func(context.Context) verify.Result { return verify.StaleReads(ops, 0) }},
			{Name: verify.NameLinearizability, Stage: verify.Integrity, Needs: []string{"load"},
				Run: func(context.Context) verify.Result { return verify.Linearizable(ops, 0, "") }},
			verify.Assume(verify.Result{Name: "load", Verdict: verify.Success, Summary: "reached its rate"}),
		})
		Expect(names(results)).To(Equal([]string{"load", "linearizability", "stale-reads"}))
		Expect(verdicts(results)).To(Equal(map[string]verify.Verdict{
			"load": verify.Success, "linearizability": verify.Failure, "stale-reads": verify.Failure,
		}))
	})
})
