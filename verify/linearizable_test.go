package verify_test

import (
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
		Expect(verify.Linearizable(ops, 5*time.Second, html).Verdict).To(Equal(verify.Failure))
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

	It("is unknown, never success, when a large history does not finish within a tiny timeout", func() {
		hard := kvSim{ops: 2000, keys: 1, concurrency: 30, meanLatency: 20 * time.Millisecond, indeterminate: 0.2}
		start := time.Now()
		res := verify.Linearizable(hard.history(1), 50*time.Millisecond, html)
		Expect(res.Verdict).To(Equal(verify.Unknown), res.Summary)
		Expect(time.Since(start)).To(BeNumerically("<", 5*time.Second), "the check stops at its timeout")
		expectNoHTML()
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
