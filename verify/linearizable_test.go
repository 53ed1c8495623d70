package verify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

// ms is a duration in milliseconds, for hand-built histories.
func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// kvWrite is a write of its own id to key over [start, end] ms.
func kvWrite(id, key string, start, end int, o load.Outcome) load.Op {
	return load.Op{ID: id, Stream: "writes", Key: key, Value: id, HasValue: true, Write: true, Outcome: o, Start: ms(start), End: ms(end)}
}

// kvRead is a read of key over [start, end] ms that returned value in
// X-Value: 200 when acknowledged, 503 otherwise.
func kvRead(id, key, value string, start, end int, o load.Outcome) load.Op {
	code := uint16(200)
	if o != load.Acknowledged {
		code = 503
	}
	return load.Op{ID: id, Stream: "reads", Key: key, Value: value, HasValue: true, Code: code, Outcome: o, Start: ms(start), End: ms(end)}
}

var _ = Describe("Linearizable", func() {
	var html string
	BeforeEach(func() { html = filepath.Join(GinkgoT().TempDir(), "out", "linearizability.html") })

	expectNoHTML := func() {
		GinkgoHelper()
		_, err := os.Stat(html)
		Expect(os.IsNotExist(err)).To(BeTrue(), "no visualisation is written unless the history is not linearizable")
	}

	It("succeeds on a linearizable history with concurrent operations", func() {
		ops := []load.Op{
			kvRead("r0", "a", "", 0, 5, load.Acknowledged), // before any write
			kvWrite("w1", "a", 0, 10, load.Acknowledged),
			kvRead("r1", "a", "w1", 20, 30, load.Acknowledged),
			kvWrite("w2", "a", 25, 40, load.Acknowledged),
			kvRead("r2", "a", "w2", 30, 35, load.Acknowledged), // w2 took effect before r2 ended
			kvRead("r3", "a", "w2", 41, 45, load.Acknowledged),
			kvWrite("w3", "b", 0, 10, load.Acknowledged),
			kvRead("r4", "b", "w3", 11, 12, load.Acknowledged),
			{ID: "plain", Stream: "other", Outcome: load.Acknowledged, Start: ms(1), End: ms(2)}, // no key: not key-value
		}
		res := verify.Linearizable(ops, 5*time.Second, html)
		Expect(res.Name).To(Equal("linearizability"))
		Expect(res.Integrity).To(BeTrue())
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("operations", 8))
		Expect(res.Evidence).To(HaveKeyWithValue("keys", 2))
		Expect(res.Evidence).To(HaveKeyWithValue("keysLinearizable", 2))
		Expect(res.Coverage).To(Equal(&verify.Coverage{Checked: 2, Expected: 2, Unit: "keys"}))
		expectNoHTML()
	})

	It("fails on a read of an overwritten value after the overwrite completed, and writes the HTML", func() {
		ops := []load.Op{
			kvWrite("w1", "a", 0, 10, load.Acknowledged),
			kvWrite("w2", "a", 20, 30, load.Acknowledged),
			kvRead("r1", "a", "w1", 40, 50, load.Acknowledged),
			kvWrite("w3", "b", 0, 10, load.Acknowledged),
			kvRead("r2", "b", "w3", 40, 50, load.Acknowledged),
		}
		res := verify.Linearizable(ops, 5*time.Second, html)
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Integrity).To(BeTrue())
		Expect(res.Evidence).To(HaveKeyWithValue("nonLinearizableKeys", []string{"a"}))
		Expect(res.Evidence).To(HaveKeyWithValue("violations", HaveKeyWithValue("a", ContainSubstring("r1"))))
		Expect(res.Evidence).To(HaveKeyWithValue("keysLinearizable", 1))
		Expect(res.Coverage).To(Equal(&verify.Coverage{Checked: 2, Expected: 2, Unit: "keys"}))
		Expect(res.Evidence).To(HaveKeyWithValue("visualization", html))
		page, err := os.ReadFile(html)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(page)).To(ContainSubstring("<html"))
		Expect(string(page)).To(ContainSubstring(`\"w2\"`), "the visualisation describes the operations")
		Expect(string(page)).NotTo(ContainSubstring(`\"w3\"`), "only the keys at fault are drawn")
	})

	It("succeeds when a value an indeterminate write wrote is read later", func() {
		ops := []load.Op{
			kvWrite("w1", "a", 0, 10, load.Acknowledged),
			kvWrite("w2", "a", 20, 30, load.Indeterminate),
			kvRead("r1", "a", "w1", 40, 50, load.Acknowledged),   // w2 had not taken effect yet…
			kvRead("r2", "a", "w2", 100, 110, load.Acknowledged), // …and then it did
		}
		res := verify.Linearizable(ops, 5*time.Second, html)
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("indeterminate", 1))
		expectNoHTML()
	})

	It("fails when an indeterminate write's value is read and then the older value again", func() {
		ops := []load.Op{
			kvWrite("w1", "a", 0, 10, load.Acknowledged),
			kvWrite("w2", "a", 20, 30, load.Indeterminate),
			kvRead("r1", "a", "w2", 100, 110, load.Acknowledged),
			kvRead("r2", "a", "w1", 120, 130, load.Acknowledged),
		}
		res := verify.Linearizable(ops, 5*time.Second, html)
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("indeterminateBounded", 1), "w2 is bounded by r1, the first read of its value")
	})

	It("fails when a failed write's value is read: failed writes did not happen", func() {
		ops := []load.Op{
			kvWrite("w1", "a", 0, 10, load.Failed),
			kvRead("r1", "a", "w1", 20, 30, load.Acknowledged),
		}
		Expect(verify.Linearizable(ops, 5*time.Second, "").Verdict).To(Equal(verify.Failure))
	})

	It("leaves out reads that did not succeed", func() {
		ops := []load.Op{
			kvWrite("w1", "a", 0, 10, load.Acknowledged),
			kvRead("r1", "a", "garbage", 20, 30, load.Failed),
			kvRead("r2", "a", "", 20, 30, load.Indeterminate),
		}
		res := verify.Linearizable(ops, 5*time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("dropped", 2))
	})

	It("counts a 404 with an empty X-Value as a read of a key with no value", func() {
		missing := kvRead("r1", "a", "", 20, 30, load.Failed)
		missing.Code = 404
		ops := []load.Op{missing, kvWrite("w1", "a", 0, 10, load.Acknowledged)}
		res := verify.Linearizable(ops, 5*time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Failure), "w1 had completed before the read started")
		Expect(res.Evidence).To(HaveKeyWithValue("reads", 1))

		missing.Start, missing.End = 0, ms(5)
		Expect(verify.Linearizable([]load.Op{missing, ops[1]}, 5*time.Second, "").Verdict).To(Equal(verify.Success))
	})

	It("leaves out reads without an X-Value: they say nothing of the key", func() {
		blind := kvRead("r1", "a", "", 20, 30, load.Acknowledged)
		blind.HasValue = false
		res := verify.Linearizable([]load.Op{kvWrite("w1", "a", 0, 10, load.Acknowledged), blind}, 5*time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("dropped", 1))
	})

	It("is skipped when there are no key-value operations", func() {
		res := verify.Linearizable([]load.Op{write("w1", load.Acknowledged)}, time.Second, html)
		Expect(res.Verdict).To(Equal(verify.Skipped))
		Expect(res.Summary).NotTo(BeEmpty())
	})

	It("accepts a simulated linearizable history of 10,000 operations and catches one stale read in it", func() {
		ops := benchSim().history(7)
		res := verify.Linearizable(ops, time.Minute, html)
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)

		// Make one read return the value of an acknowledged write to its key
		// that was overwritten by another acknowledged write that completed
		// before the read started.
		i, want := staleCandidate(ops)
		Expect(i).To(BeNumerically(">=", 0), "the simulation has a read to corrupt")
		ops[i].Value = want
		res = verify.Linearizable(ops, time.Minute, html)
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("nonLinearizableKeys", []string{ops[i].Key}))
		Expect(html).To(BeARegularFile())
	})
})

// staleCandidate finds a successful read r and a value v of an
// acknowledged write w1 to its key such that another acknowledged write w2
// to the key started after w1 ended and ended before r started; it returns
// r's index and v, or -1.
func staleCandidate(ops []load.Op) (int, string) {
	for i, r := range ops {
		if r.Write || r.Outcome != load.Acknowledged || r.Key == "" {
			continue
		}
		for _, w1 := range ops {
			if !w1.Write || w1.Outcome != load.Acknowledged || w1.Key != r.Key || w1.Value == r.Value {
				continue
			}
			for _, w2 := range ops {
				if w2.Write && w2.Outcome == load.Acknowledged && w2.Key == r.Key && w2.Start > w1.End && w2.End < r.Start {
					return i, w1.Value
				}
			}
		}
	}
	return -1, ""
}

// The reductions of indeterminate writes (see reduceKey) must keep every
// verdict: a history that is not linearizable stays caught after them.
var _ = Describe("Linearizable after the reductions of indeterminate writes", func() {
	// stale is a stale read of w1 after w2 overwrote it, with an
	// indeterminate write w3 that no read observed in between.
	stale := func() []load.Op {
		return []load.Op{
			kvWrite("w1", "a", 0, 10, load.Acknowledged),
			kvWrite("w3", "a", 5, 15, load.Indeterminate),
			kvWrite("w2", "a", 20, 30, load.Acknowledged),
			kvRead("r1", "a", "w1", 40, 50, load.Acknowledged),
		}
	}

	It("still catches a stale read when an unread indeterminate write is left out", func() {
		res := verify.Linearizable(stale(), 5*time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("indeterminateUnread", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("keysSearched", 0), "decided by the cluster check")
	})

	It("still catches it when values repeat and porcupine decides", func() {
		ops := stale()
		ops[1].Value = "w1" // w3 writes w1's value again: no longer unique
		res := verify.Linearizable(ops, 5*time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Success), "w3 may have taken effect after w2: r1 is explained by it")

		ops[1].Value = "x" // unread again, with w1 and w2 repeating values
		ops = append(ops, kvWrite("w4", "a", 60, 70, load.Acknowledged))
		ops[4].Value = "w1"
		res = verify.Linearizable(ops, 5*time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("keysSearched", 1), "repeated values go to porcupine")
		Expect(res.Evidence).To(HaveKeyWithValue("indeterminateUnread", 1))
	})

	It("keeps acknowledged writes nobody read: they still make a later read stale", func() {
		ops := stale()[:1]
		ops = append(ops, kvWrite("w2", "a", 20, 30, load.Acknowledged), kvRead("r1", "a", "w1", 40, 50, load.Acknowledged))
		Expect(verify.Linearizable(ops, 5*time.Second, "").Verdict).To(Equal(verify.Failure))
	})

	It("fails when a read returned an indeterminate write's value before the write began", func() {
		ops := []load.Op{
			kvRead("r1", "a", "w1", 10, 20, load.Acknowledged),
			kvWrite("w1", "a", 50, 60, load.Indeterminate),
		}
		res := verify.Linearizable(ops, 5*time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("violations", HaveKeyWithValue("a", ContainSubstring("before w1, which wrote it, began"))))
	})

	It("succeeds when every operation on a key is an unread indeterminate write", func() {
		ops := []load.Op{kvWrite("w1", "a", 0, 10, load.Indeterminate), kvWrite("w2", "b", 0, 10, load.Acknowledged)}
		res := verify.Linearizable(ops, 5*time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Coverage).To(Equal(&verify.Coverage{Checked: 2, Expected: 2, Unit: "keys"}))
	})
})

// realScale is the workload of issue 12 at the scale that gave up there:
// 1,300 operations on 10 keys from 20 concurrent clients, a fifth of them
// indeterminate writes (two in five writes) of which half were applied,
// up to 2 s after they began — long after their client gave up.
func realScale() kvSim {
	return kvSim{
		ops: 1300, keys: 10, concurrency: 20, meanLatency: 20 * time.Millisecond,
		indeterminate: 0.4, failed: 0.02, failedReads: 0.02, lateEffect: 2 * time.Second,
	}
}

// hardKey is a key porcupine cannot decide in any reasonable time: n
// concurrent acknowledged writes of two repeated values, then a read of
// the initial value. It is not linearizable, but the search must try
// every subset of the writes to know it.
func hardKey(key string, n int) []load.Op {
	var ops []load.Op
	for i := range n {
		w := kvWrite(fmt.Sprintf("%s-w%02d", key, i), key, i, 100+i, load.Acknowledged)
		w.Value = []string{"a", "b"}[i%2]
		ops = append(ops, w)
	}
	return append(ops, kvRead(key+"-r", key, "", 200, 210, load.Acknowledged))
}

var _ = Describe("Linearizable key by key", func() {
	It("decides 10 keys × 1,300 operations with 20% indeterminate writes applied late", func() {
		ops := realScale().history(12)
		start := time.Now()
		res := verify.Linearizable(ops, verify.DefaultLinearizabilityTimeout, "")
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(time.Since(start)).To(BeNumerically("<", 5*time.Second))
		Expect(res.Evidence).To(HaveKeyWithValue("indeterminate", BeNumerically(">=", 230)), "about a fifth of 1,300")
		Expect(res.Evidence).To(HaveKeyWithValue("keysLinearizable", 10))
		Expect(res.Evidence).To(HaveKeyWithValue("keysUnknown", 0))
		Expect(res.Coverage).To(Equal(&verify.Coverage{Checked: 10, Expected: 10, Unit: "keys"}))
	})

	It("decides the same workload when values repeat, with porcupine", func() {
		sim := realScale()
		sim.values, sim.lateEffect = 50, 0
		res := verify.Linearizable(sim.history(12), verify.DefaultLinearizabilityTimeout, "")
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("keysSearched", 10))
	})

	It("fails on one stale read among 10 keys, naming that key only", func() {
		html := filepath.Join(GinkgoT().TempDir(), "linearizability.html")
		ops := realScale().history(12)
		i, want := staleCandidate(ops)
		Expect(i).To(BeNumerically(">=", 0), "the simulation has a read to corrupt")
		ops[i].Value = want
		res := verify.Linearizable(ops, verify.DefaultLinearizabilityTimeout, html)
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Summary).To(ContainSubstring("on 1 of 10 keys (first: " + ops[i].Key + ")"))
		Expect(res.Evidence).To(HaveKeyWithValue("nonLinearizableKeys", []string{ops[i].Key}))
		Expect(res.Evidence).To(HaveKeyWithValue("violations", HaveKeyWithValue(ops[i].Key, ContainSubstring(ops[i].ID))))
		Expect(res.Evidence).To(HaveKeyWithValue("keysViolated", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("keysLinearizable", 9))
		Expect(res.Coverage).To(Equal(&verify.Coverage{Checked: 10, Expected: 10, Unit: "keys"}))
		page, err := os.ReadFile(html)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(page)).To(ContainSubstring(ops[i].ID), "the key at fault is drawn")
	})

	It("is unknown on a key whose budget runs out, with the counts, while the other keys are decided", func() {
		ops := append(realScale().history(12), hardKey("zz", 24)...)
		start := time.Now()
		res := verify.Linearizable(ops, time.Second, "")
		Expect(time.Since(start)).To(BeNumerically("<", 4*time.Second), "the check stops at its timeout")
		Expect(res.Verdict).To(Equal(verify.Unknown), res.Summary)
		Expect(res.Summary).To(ContainSubstring("decided 10 of 11 keys, all linearizable; 1 of 11 keys not decided"))
		Expect(res.Evidence).To(HaveKeyWithValue("keysLinearizable", 10))
		Expect(res.Evidence).To(HaveKeyWithValue("keysViolated", 0))
		Expect(res.Evidence).To(HaveKeyWithValue("keysUnknown", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("unknownKeys", []string{"zz"}))
		Expect(res.Evidence).To(HaveKeyWithValue("keysSearched", 1))
		Expect(res.Coverage).To(Equal(&verify.Coverage{Checked: 10, Expected: 11, Unit: "keys"}))
		Expect(res.Coverage.Short()).To(BeTrue(), "the verdict gate fails closed on it")
	})

	It("shares the budget among the keys porcupine searches and decides the quick ones", func() {
		easy := realScale()
		easy.values, easy.lateEffect = 50, 0
		ops := append(easy.history(3), hardKey("zz1", 24)...)
		ops = append(ops, hardKey("zz2", 24)...)
		res := verify.Linearizable(ops, time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Unknown), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("keysSearched", 12))
		Expect(res.Evidence).To(HaveKeyWithValue("keysLinearizable", 10))
		Expect(res.Evidence).To(HaveKeyWithValue("unknownKeys", []string{"zz1", "zz2"}))
		Expect(res.Evidence).To(HaveKeyWithValue("keyBudget", "250ms"), "1s × 2 workers / 12 keys is below the floor")
	})

	It("fails when a key is violated even though another could not be decided, and says so", func() {
		ops := append(realScale().history(12), hardKey("zz", 24)...)
		i, want := staleCandidate(ops)
		ops[i].Value = want
		res := verify.Linearizable(ops, time.Second, "")
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Summary).To(ContainSubstring("1 of 11 keys not decided within their time budget (first: zz"))
		Expect(res.Evidence).To(HaveKeyWithValue("keysViolated", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("keysUnknown", 1))
		Expect(res.Coverage).To(Equal(&verify.Coverage{Checked: 10, Expected: 11, Unit: "keys"}))
	})
})
