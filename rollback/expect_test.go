package rollback_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/rollback"
)

// migratingServer is a real HTTP server whose /status answers, after
// switchAfter requests, that its storage runs v2; before that, v1 (and a
// 503 for the first request).
func migratingServer(switchAfter int32) (*httptest.Server, *atomic.Int32) {
	GinkgoHelper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		switch {
		case i == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case i > switchAfter:
			fmt.Fprint(w, `{"storage": {"version": "v2", "state": "ready"}, "rows": 42}`)
		default:
			fmt.Fprint(w, `{"storage": {"version": "v1", "state": "migrating"}, "rows": 40}`)
		}
	}))
	DeferCleanup(srv.Close)
	return srv, &n
}

// skipFirst makes the request that migratingServer answers with a 503.
func skipFirst(srv *httptest.Server) {
	GinkgoHelper()
	resp, err := http.Get(srv.URL)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.Body.Close()).To(Succeed())
	Expect(resp.StatusCode).To(Equal(http.StatusServiceUnavailable))
}

var _ = Describe("http action with expect and until", func() {
	run := func(a rollback.ActionSpec) (rollback.ActionResult, error) {
		results, err := rollback.Execute(context.Background(), []rollback.ActionSpec{a}, &fakeReleases{}, stepClock())
		Expect(results).To(HaveLen(1))
		return results[0], err
	}

	It("checks every assertion on the JSON body of one response", func() {
		srv, _ := migratingServer(1)
		skipFirst(srv)
		res, err := run(rollback.ActionSpec{Action: rollback.HTTP, URL: srv.URL + "/status", Expect: []rollback.Expectation{
			{JSONPath: "$.storage.version", Equals: "v2"},
			{JSONPath: "$.storage.state", NotEquals: "migrating"},
			{JSONPath: "rows", Matches: `^4[0-9]$`},
		}})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status).To(Equal(rollback.StepDone))
	})

	It("fails at once, without until, on the first assertion that does not hold, saying what it found", func() {
		srv, _ := migratingServer(100)
		skipFirst(srv)
		res, err := run(rollback.ActionSpec{Action: rollback.HTTP, URL: srv.URL + "/status", Expect: []rollback.Expectation{
			{JSONPath: "$.storage.version", Equals: "v2"},
		}})
		Expect(err).To(MatchError(rollback.ErrExpectation))
		Expect(res.Status).To(Equal(rollback.StepFailed))
		Expect(res.Error).To(HaveSuffix(`$.storage.version is "v1", want "v2"`))
	})

	It("polls until the status and every assertion hold", func() {
		srv, n := migratingServer(4)
		res, err := run(rollback.ActionSpec{Action: rollback.HTTP, URL: srv.URL + "/status",
			Expect: []rollback.Expectation{{JSONPath: "$.storage.version", Equals: "v2"}, {JSONPath: "$.storage.state", Matches: "^ready$"}},
			Until:  &rollback.UntilSpec{Interval: 20 * time.Millisecond, Timeout: 5 * time.Second}})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status).To(Equal(rollback.StepDone))
		Expect(n.Load()).To(Equal(int32(5)), "a 503, three answers of v1, then v2")
		Expect(res.Requests).To(Equal(5))
		Expect(res.Attempts).To(HaveLen(1))
		Expect(res.HTTPStatus).To(Equal(http.StatusOK))
	})

	It("fails when the timeout ends, with the last mismatch in one sentence", func() {
		srv, n := migratingServer(1000)
		start := time.Now()
		res, err := run(rollback.ActionSpec{Action: rollback.HTTP, URL: srv.URL + "/status",
			Expect: []rollback.Expectation{{JSONPath: "$.storage.version", Equals: "v2"}},
			Until:  &rollback.UntilSpec{Interval: 50 * time.Millisecond, Timeout: 400 * time.Millisecond}})
		Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))
		Expect(err).To(MatchError(rollback.ErrExpectation))
		Expect(res.Status).To(Equal(rollback.StepFailed))
		Expect(res.Error).To(MatchRegexp(`^not reached within 400ms \(\d+ requests\), the last: GET http://127\.0\.0\.1:\d+/status: response assertion failed: \$\.storage\.version is "v1", want "v2"$`))
		Expect(n.Load()).To(BeNumerically(">=", 4))
	})

	It("says the status was the last mismatch when the service never answers 2xx", func() {
		srv := newRecordingServer(503)
		_, err := run(rollback.ActionSpec{Action: rollback.HTTP, URL: srv.URL + "/ready",
			Until: &rollback.UntilSpec{Interval: 20 * time.Millisecond, Timeout: 200 * time.Millisecond}})
		Expect(err).To(MatchError(rollback.ErrUnexpectedStatus))
		Expect(err.Error()).To(HaveSuffix("answered 503, want 2xx"))
	})

	It("refuses a malformed assertion without calling", func() {
		srv, n := migratingServer(1)
		for _, e := range []rollback.Expectation{
			{JSONPath: "$.a[x]", Equals: "v2"},
			{JSONPath: "$.a", Matches: "("},
			{JSONPath: "$.a"},
			{JSONPath: "$.a", Equals: "1", NotEquals: "2"},
		} {
			_, err := run(rollback.ActionSpec{Action: rollback.HTTP, URL: srv.URL, Expect: []rollback.Expectation{e}})
			Expect(err).To(MatchError(rollback.ErrBadSpec), "%+v", e)
		}
		Expect(n.Load()).To(BeZero())
	})
})
