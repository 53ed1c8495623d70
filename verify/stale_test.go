package verify_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

var _ = Describe("StaleReads", func() {
	// Before the rollback ends at 100 ms: w1 then w2 on key a, w3 on key b.
	base := func() []load.Op {
		return []load.Op{
			kvWrite("w1", "a", 0, 10, load.Acknowledged),
			kvWrite("w2", "a", 20, 30, load.Acknowledged),
			kvWrite("w3", "b", 0, 10, load.Acknowledged),
		}
	}

	It("fails on a read after the rollback that returns an overwritten value, with examples", func() {
		ops := append(base(),
			kvRead("r1", "a", "w1", 150, 160, load.Acknowledged), // stale: w2 completed before r1
			kvRead("r2", "a", "w2", 150, 160, load.Acknowledged),
			kvRead("r3", "b", "w3", 150, 160, load.Acknowledged),
		)
		res := verify.StaleReads(ops, ms(100))
		Expect(res.Name).To(Equal("stale-reads"))
		Expect(res.Integrity).To(BeTrue(), "a stale read is wrong data: an integrity failure")
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("reads", 3))
		Expect(res.Evidence).To(HaveKeyWithValue("stale", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("examples", []verify.StaleRead{
			{Key: "a", ReadID: "r1", At: ms(150), Got: "w1", Want: "w2", WantID: "w2"},
		}))
		Expect(res.Summary).To(ContainSubstring("r1"))
	})

	It("fails on an empty read of a key whose write had completed (a lost or uncached value)", func() {
		ops := append(base(), kvRead("r1", "b", "", 150, 160, load.Acknowledged))
		res := verify.StaleReads(ops, ms(100))
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("examples", []verify.StaleRead{
			{Key: "b", ReadID: "r1", At: ms(150), Got: "", Want: "w3", WantID: "w3"},
		}))
	})

	It("counts a 404 with an empty X-Value as an empty read, and ignores reads without X-Value", func() {
		missing := kvRead("r1", "b", "", 150, 160, load.Failed)
		missing.Code = 404
		blind := kvRead("r2", "a", "", 150, 160, load.Acknowledged)
		blind.HasValue = false
		res := verify.StaleReads(append(base(), missing, blind), ms(100))
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("reads", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("examples", ConsistOf(HaveField("ReadID", "r1"))))
	})

	It("judges against the latest-starting write that completed, not the last to complete", func() {
		ops := []load.Op{
			kvWrite("long", "a", 0, 50, load.Acknowledged), // completes last, started first
			kvWrite("w1", "a", 5, 10, load.Acknowledged),
			kvWrite("w2", "a", 20, 30, load.Acknowledged), // started after w1 completed
			kvRead("r1", "a", "w1", 150, 160, load.Acknowledged),
			kvRead("r2", "a", "long", 150, 160, load.Acknowledged), // long overlaps w2: fine
		}
		res := verify.StaleReads(ops, ms(100))
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("stale", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("examples", ConsistOf(HaveField("ReadID", "r1"))))
	})

	It("succeeds when the older value's overwrite was concurrent with the read or had not completed", func() {
		ops := append(base(),
			kvWrite("w4", "a", 140, 170, load.Acknowledged),
			kvRead("r1", "a", "w2", 150, 160, load.Acknowledged), // w4 still in flight
			kvRead("r2", "a", "w4", 155, 165, load.Acknowledged),
		)
		res := verify.StaleReads(ops, ms(100))
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("stale", 0))
	})

	It("ignores reads that started before the rollback ended, failed reads and writes that failed", func() {
		ops := append(base(),
			kvRead("early", "a", "w1", 40, 50, load.Acknowledged), // stale, but before `after`
			kvRead("failed", "a", "w1", 150, 160, load.Failed),
			kvWrite("wf", "a", 110, 120, load.Failed),
			kvRead("r1", "a", "w2", 150, 160, load.Acknowledged), // wf never happened
		)
		res := verify.StaleReads(ops, ms(100))
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("reads", 1))
	})

	It("never judges a value an indeterminate write wrote, and counts unknown values apart", func() {
		ops := append(base(),
			kvWrite("maybe", "a", 5, 8, load.Indeterminate),
			kvRead("r1", "a", "maybe", 150, 160, load.Acknowledged),
			kvRead("r2", "a", "seeded", 150, 160, load.Acknowledged),
		)
		res := verify.StaleReads(ops, ms(100))
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("unjudged", 1))
	})

	It("is skipped when no read succeeded after the rollback", func() {
		ops := append(base(), kvRead("early", "a", "w1", 40, 50, load.Acknowledged))
		res := verify.StaleReads(ops, ms(100))
		Expect(res.Verdict).To(Equal(verify.Skipped))
		Expect(res.Summary).To(ContainSubstring("no key-value read"))
	})
})

var _ = Describe("MixedVersions", func() {
	It("is skipped, saying why, when no answer said which version served it", func() {
		ops := []load.Op{{ID: "a", Code: 200, Outcome: load.Acknowledged}, {ID: "b", Code: 500, Outcome: load.Failed}}
		res := verify.MixedVersions(ops, verify.MixedVersionsSpec{})
		Expect(res.Verdict).To(Equal(verify.Skipped))
		Expect(res.Summary).To(ContainSubstring("set response.version"))
	})

	served := func(id, version string, code uint16, o load.Outcome, end int) load.Op {
		return load.Op{ID: id, Stream: "writes", Version: version, Code: code, Outcome: o, Start: ms(end - 5), End: ms(end)}
	}
	ops := func() []load.Op {
		return []load.Op{
			served("a", "v1", 200, load.Acknowledged, 10),
			served("b", "v1", 200, load.Acknowledged, 100),
			served("c", "v2", 500, load.Failed, 40),
			served("d", "v2", 500, load.Failed, 60),
			served("e", "v2", 200, load.Acknowledged, 70),
			served("f", "v1", 503, load.Failed, 80),
			served("g", "", 0, load.Indeterminate, 50),
		}
	}

	It("classifies failed requests by the version that served them, informing only", func() {
		res := verify.MixedVersions(ops(), verify.MixedVersionsSpec{})
		Expect(res.Name).To(Equal("mixed-versions"))
		Expect(res.Verdict).To(Equal(verify.Success))
		Expect(res.Evidence).To(HaveKeyWithValue("failed", 4))
		Expect(res.Evidence).To(HaveKeyWithValue("requests", 7))
		Expect(res.Evidence).To(HaveKeyWithValue("versions", []verify.VersionStats{
			{Version: "v1", Requests: 3, Failed: 1, Codes: map[string]int{"503": 1}, First: ms(10), Last: ms(100)},
			{Version: "v2", Requests: 3, Failed: 2, Codes: map[string]int{"500": 2}, First: ms(40), Last: ms(70)},
			{Version: verify.NoVersion, Requests: 1, Failed: 1, Codes: map[string]int{"error": 1}, First: ms(50), Last: ms(50)},
		}))
		Expect(res.Evidence).To(HaveKeyWithValue("mixedFrom", "40ms"))
		Expect(res.Evidence).To(HaveKeyWithValue("mixedTo", "70ms"))
		Expect(res.Summary).To(ContainSubstring("v2 2 of 3"))
	})

	It("fails when the spec's limit on failures is exceeded, and not at the limit", func() {
		four, three := 4, 3
		Expect(verify.MixedVersions(ops(), verify.MixedVersionsSpec{MaxFailures: &four}).Verdict).To(Equal(verify.Success))
		res := verify.MixedVersions(ops(), verify.MixedVersionsSpec{MaxFailures: &three})
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("maxFailures", 3))
	})

	It("reports no mixed window when one version answered", func() {
		res := verify.MixedVersions(ops()[:2], verify.MixedVersionsSpec{})
		Expect(res.Verdict).To(Equal(verify.Success))
		Expect(res.Evidence).NotTo(HaveKey("mixedFrom"))
		Expect(res.Evidence).To(HaveKeyWithValue("failed", 0))
	})
})
