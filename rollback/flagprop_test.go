package rollback_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
)

// op is a load op started at start ms with a response carrying flags.
func op(start int, flags string) load.Op {
	s := time.Duration(start) * ms
	return load.Op{Start: s, End: s + 5*ms, Code: 200, Flags: flags}
}

var _ = Describe("FlagPropagation", func() {
	const flip = 1000

	DescribeTable("measures from the flip to the start of the last unbroken run of new values",
		func(ops []load.Op, want string, took time.Duration, ok bool) {
			d, got := rollback.FlagPropagation(ops, flip*ms, want)
			Expect(got).To(Equal(ok))
			Expect(d).To(Equal(took))
		},
		Entry("old values, then new ones from 1200ms",
			[]load.Op{op(900, "fast-path"), op(1010, "fast-path"), op(1100, "!"), op(1200, ""), op(1300, "")}, "!fast-path", 100*ms, true),
		Entry("a straggler reporting the old value later resets the run",
			[]load.Op{op(1010, ""), op(1100, "fast-path"), op(1200, ""), op(1300, "")}, "!fast-path", 200*ms, true),
		Entry("every later op new at once: the first later op",
			[]load.Op{op(500, "a"), op(1020, "a,fast-path"), op(1040, "fast-path,a")}, "fast-path", 20*ms, true),
		Entry("ops before the flip do not count",
			[]load.Op{op(999, "old"), op(1050, "new")}, "new", 50*ms, true),
		Entry("the last op still old: never propagated",
			[]load.Op{op(1010, "new"), op(1100, "new"), op(1200, "old")}, "new", time.Duration(0), false),
		Entry("no op after the flip",
			[]load.Op{op(10, "new")}, "new", time.Duration(0), false),
		Entry("ops without a response are ignored",
			[]load.Op{op(1010, "old"), {Start: 1500 * ms, End: 1600 * ms}, op(1100, "new")}, "new", 100*ms, true),
		Entry("ops are taken in start order",
			[]load.Op{op(1300, "new"), op(1010, "old"), op(1200, "new")}, "new", 200*ms, true),
		Entry("a whole header value matches",
			[]load.Op{op(1010, "mode=safe")}, "mode=safe", 10*ms, true),
		Entry("an item must match whole, not as a prefix",
			[]load.Op{op(1010, "fast-path-v2")}, "fast-path", time.Duration(0), false),
	)

	It("measures a real flip through a flag action while requests flow", func() {
		// The service reports its flags in X-Flags; a flip takes effect
		// 150ms after the call returns, as if it had to reach every replica.
		var mu sync.Mutex
		flags, flippedAt := "dark-mode,fast-path", time.Time{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if r.Method == http.MethodPost {
				flippedAt = time.Now()
				return
			}
			if !flippedAt.IsZero() && time.Since(flippedAt) >= 150*time.Millisecond {
				flags = "dark-mode"
			}
			w.Header().Set(load.HeaderFlags, flags)
		}))
		DeferCleanup(srv.Close)

		base := time.Now()
		clock := func() time.Duration { return time.Since(base) }
		var ops []load.Op
		get := func() {
			start := clock()
			resp, err := http.Get(srv.URL + "/ledger")
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			ops = append(ops, load.Op{Start: start, End: clock(), Code: uint16(resp.StatusCode), Flags: resp.Header.Get(load.HeaderFlags)})
		}
		for range 10 {
			get()
			time.Sleep(5 * time.Millisecond)
		}
		results, err := rollback.Execute(context.Background(), []rollback.ActionSpec{
			{Action: rollback.Flag, Service: "api", URL: "/flags/fast-path", Body: `{"on":false}`, ExpectFlags: "!fast-path"},
		}, newEnv(srv.URL), clock)
		Expect(err).NotTo(HaveOccurred())
		for range 100 { // at most ~1s of requests
			get()
			time.Sleep(5 * time.Millisecond)
			if len(ops) > 20 && ops[len(ops)-1].Flags == "dark-mode" && ops[len(ops)-10].Flags == "dark-mode" {
				break
			}
		}
		took, ok := rollback.FlagPropagation(ops, results[0].End, "!fast-path")
		Expect(ok).To(BeTrue())
		Expect(took).To(BeNumerically(">=", 140*time.Millisecond), "not before the service switched")
		Expect(took).To(BeNumerically("<", time.Second))
	})
})

var _ = Describe("FlagsMatch", func() {
	It("matches a whole value, an item, or the absence of an item", func() {
		Expect(rollback.FlagsMatch("a,b", "a,b")).To(BeTrue())
		Expect(rollback.FlagsMatch("a, b", "b")).To(BeTrue())
		Expect(rollback.FlagsMatch("a,b", "c")).To(BeFalse())
		Expect(rollback.FlagsMatch("a,b", "!c")).To(BeTrue())
		Expect(rollback.FlagsMatch("a,b", "!b")).To(BeFalse())
		Expect(rollback.FlagsMatch("", "!b")).To(BeTrue())
	})
})
