package rollback_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/rollback"
)

// probeServer is a real HTTP server on loopback whose answer the spec
// sets: a status and a body, per request number (from 1).
type probeServer struct {
	*httptest.Server
	requests atomic.Int64
	answer   func(n int64) (int, string)
}

func newProbeServer(answer func(n int64) (int, string)) *probeServer {
	GinkgoHelper()
	p := &probeServer{answer: answer}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, body := p.answer(p.requests.Add(1))
		if status == 0 { // hang until the client gives up (bounded)
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	DeferCleanup(p.Close)
	return p
}

// probeRun is what one RunProbe did.
type probeRun struct {
	fired []rollback.Firing
	err   error
	took  time.Duration
}

// runProbe runs the probe against base for at most within and returns
// what it fired.
func runProbe(base string, spec rollback.ProbeSpec, within time.Duration) probeRun {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	start := time.Now()
	clock := func() time.Duration { return time.Since(start) }
	var mu sync.Mutex
	var run probeRun
	run.err = rollback.RunProbe(ctx, base, spec, clock, func(f rollback.Firing) {
		mu.Lock()
		defer mu.Unlock()
		run.fired = append(run.fired, f)
	})
	run.took = time.Since(start)
	return run
}

const probeEvery = 20 * time.Millisecond

var _ = Describe("RunProbe", func() {
	It("keeps polling a healthy service and never fires", func() {
		srv := newProbeServer(func(int64) (int, string) { return 200, `{}` })
		run := runProbe(srv.URL, rollback.ProbeSpec{URL: "/healthz", Interval: probeEvery}, 300*time.Millisecond)
		Expect(run.err).To(MatchError(context.DeadlineExceeded))
		Expect(run.fired).To(BeEmpty())
		Expect(srv.requests.Load()).To(BeNumerically(">=", 3), "it polled at its interval")
		Expect(srv.requests.Load()).To(BeNumerically("<=", 300/20+2), "and no faster")
	})

	It("fires once on the first failed check when For is 0, with the status and what it saw", func() {
		srv := newProbeServer(func(n int64) (int, string) {
			if n >= 3 {
				return 503, `{"status":"down"}`
			}
			return 200, `{}`
		})
		run := runProbe(srv.URL+"/", rollback.ProbeSpec{URL: "/healthz", Interval: probeEvery}, 5*time.Second)
		Expect(run.err).NotTo(HaveOccurred())
		Expect(run.fired).To(HaveLen(1))
		f := run.fired[0]
		Expect(f.Trigger).To(Equal("probe /healthz"))
		Expect(f.Value).To(Equal(503.0))
		Expect(f.Windows).To(Equal(1))
		Expect(f.FirstBreach).To(Equal(f.At))
		Expect(f.Detail).To(ContainSubstring("answered 503"))
		Expect(f.Detail).To(ContainSubstring(srv.URL + "/healthz"))
		Expect(srv.requests.Load()).To(Equal(int64(3)), "it stops polling once it has fired")
	})

	It("fires only after checks have failed without a break for For", func() {
		srv := newProbeServer(func(n int64) (int, string) { return 500, "" })
		run := runProbe(srv.URL, rollback.ProbeSpec{URL: "/healthz", Interval: probeEvery, For: 100 * time.Millisecond}, 5*time.Second)
		Expect(run.fired).To(HaveLen(1))
		f := run.fired[0]
		Expect(f.At - f.FirstBreach).To(BeNumerically(">=", 100*time.Millisecond))
		Expect(f.Windows).To(BeNumerically(">=", 5), "100ms of failures at a 20ms interval is at least 6 checks")
	})

	It("starts counting For again after a healthy check", func() {
		srv := newProbeServer(func(n int64) (int, string) {
			if n%2 == 0 {
				return 200, ""
			}
			return 500, ""
		})
		run := runProbe(srv.URL, rollback.ProbeSpec{URL: "/healthz", Interval: probeEvery, For: 50 * time.Millisecond}, 400*time.Millisecond)
		Expect(run.fired).To(BeEmpty())
		Expect(run.err).To(MatchError(context.DeadlineExceeded))
	})

	DescribeTable("checks a JSON field and the status",
		func(spec rollback.ProbeSpec, status int, body string, fires bool, detail string) {
			srv := newProbeServer(func(int64) (int, string) { return status, body })
			spec.Interval = probeEvery
			run := runProbe(srv.URL, spec, 150*time.Millisecond)
			if !fires {
				Expect(run.fired).To(BeEmpty())
				return
			}
			Expect(run.fired).To(HaveLen(1))
			Expect(run.fired[0].Detail).To(ContainSubstring(detail))
		},
		Entry("notEquals holds", rollback.ProbeSpec{URL: "/s", JSONField: "status", NotEquals: "degraded"}, 200, `{"status":"ok"}`, false, ""),
		Entry("notEquals fails", rollback.ProbeSpec{URL: "/s", JSONField: "status", NotEquals: "degraded"}, 200, `{"status":"degraded"}`, true, `status is "degraded"`),
		Entry("equals on a nested field holds", rollback.ProbeSpec{URL: "/s", JSONField: "checks.db", Equals: "ok"}, 200, `{"checks":{"db":"ok"}}`, false, ""),
		Entry("equals on a nested field fails", rollback.ProbeSpec{URL: "/s", JSONField: "checks.db", Equals: "ok"}, 200, `{"checks":{"db":"locked"}}`, true, `want "ok"`),
		Entry("a number compares as its JSON text", rollback.ProbeSpec{URL: "/s", JSONField: "version", Equals: "3"}, 200, `{"version":3}`, false, ""),
		Entry("a large number keeps its digits", rollback.ProbeSpec{URL: "/s", JSONField: "id", Equals: "12345678901234567890"}, 200, `{"id":12345678901234567890}`, false, ""),
		Entry("a boolean in an array", rollback.ProbeSpec{URL: "/s", JSONField: "nodes.1.up", Equals: "true"}, 200, `{"nodes":[{"up":true},{"up":false}]}`, true, `nodes.1.up is "false"`),
		Entry("a missing field fails", rollback.ProbeSpec{URL: "/s", JSONField: "status", NotEquals: "degraded"}, 200, `{"state":"ok"}`, true, "no such field"),
		Entry("a body that is not JSON fails", rollback.ProbeSpec{URL: "/s", JSONField: "status", Equals: "ok"}, 200, `<html>`, true, "not JSON"),
		Entry("a right field under an error status fails", rollback.ProbeSpec{URL: "/s", JSONField: "status", Equals: "ok"}, 500, `{"status":"ok"}`, true, "answered 500"),
		Entry("an expected status holds", rollback.ProbeSpec{URL: "/s", Status: 204}, 204, ``, false, ""),
		Entry("another 2xx than the expected status fails", rollback.ProbeSpec{URL: "/s", Status: 204}, 200, ``, true, "answered 200"),
		Entry("a redirect is a status, not followed", rollback.ProbeSpec{URL: "/s"}, 302, ``, true, "answered 302"),
	)

	It("counts a check that times out as failed", func() {
		srv := newProbeServer(func(int64) (int, string) { return 0, "" })
		run := runProbe(srv.URL, rollback.ProbeSpec{URL: "/slow", Interval: probeEvery, Timeout: 50 * time.Millisecond}, 5*time.Second)
		Expect(run.fired).To(HaveLen(1))
		Expect(run.fired[0].Value).To(Equal(0.0))
		Expect(run.fired[0].Detail).To(ContainSubstring("deadline exceeded"))
		Expect(run.took).To(BeNumerically("<", 2*time.Second), "the timeout, not the server, ended the check")
	})

	It("counts a refused connection as failed", func() {
		srv := newProbeServer(func(int64) (int, string) { return 200, "" })
		base := srv.URL
		srv.Close()
		run := runProbe(base, rollback.ProbeSpec{URL: "/healthz", Interval: probeEvery}, 5*time.Second)
		Expect(run.fired).To(HaveLen(1))
		Expect(run.fired[0].Value).To(Equal(0.0))
		Expect(run.fired[0].Detail).To(ContainSubstring("refused"))
	})

	DescribeTable("refuses a spec it cannot run, without a request",
		func(spec rollback.ProbeSpec) {
			srv := newProbeServer(func(int64) (int, string) { return 500, "" })
			run := runProbe(srv.URL, spec, time.Second)
			Expect(run.err).To(MatchError(rollback.ErrBadSpec))
			Expect(run.fired).To(BeEmpty())
			Expect(srv.requests.Load()).To(BeZero())
		},
		Entry("no url", rollback.ProbeSpec{}),
		Entry("a negative interval", rollback.ProbeSpec{URL: "/h", Interval: -time.Second}),
		Entry("a field with nothing to compare", rollback.ProbeSpec{URL: "/h", JSONField: "status"}),
		Entry("a field with both comparisons", rollback.ProbeSpec{URL: "/h", JSONField: "status", Equals: "a", NotEquals: "b"}),
	)
})

var _ = Describe("DueAt", func() {
	at := 30 * time.Second

	It("fires a planned trigger once the clock reaches its offset", func() {
		spec := rollback.TriggerSpec{At: &at}
		_, ok := rollback.DueAt(spec, 29*time.Second)
		Expect(ok).To(BeFalse())
		f, ok := rollback.DueAt(spec, 30*time.Second+5*ms)
		Expect(ok).To(BeTrue())
		Expect(f).To(Equal(rollback.Firing{Trigger: "at 30s", FirstBreach: at, At: 30*time.Second + 5*ms, Detail: "planned rollback at t+30s"}))
	})

	It("never fires a trigger that is not planned", func() {
		_, ok := rollback.DueAt(rollback.TriggerSpec{Metric: rollback.P99, Above: th("1s")}, time.Hour)
		Expect(ok).To(BeFalse())
	})

	It("NextAt finds the earliest planned offset", func() {
		early, late := 10*time.Second, 20*time.Second
		next, ok := rollback.NextAt([]rollback.TriggerSpec{{At: &late}, {Metric: rollback.P99}, {At: &early}})
		Expect(ok).To(BeTrue())
		Expect(next).To(Equal(early))
		_, ok = rollback.NextAt([]rollback.TriggerSpec{{Metric: rollback.P99}})
		Expect(ok).To(BeFalse())
	})
})
