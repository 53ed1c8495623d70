package verify_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/verify"
)

// healthServer starts a loopback server whose /healthz answers with the
// status status() returns, and counts the requests it got.
func healthServer(status func() int) (*httptest.Server, *atomic.Int64) {
	GinkgoHelper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status())
	}))
	DeferCleanup(srv.Close)
	return srv, &hits
}

func always(code int) func() int { return func() int { return code } }

// closedURL returns a loopback URL on which nothing listens.
func closedURL() string {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := ln.Addr().String()
	Expect(ln.Close()).To(Succeed())
	return "http://" + addr + "/healthz"
}

var _ = Describe("Health", func() {
	It("succeeds when every service answers 2xx", func(ctx SpecContext) {
		a, _ := healthServer(always(http.StatusOK))
		b, _ := healthServer(always(http.StatusNoContent))
		res := verify.Health(ctx, []verify.Endpoint{
			{Service: "web", URL: b.URL + "/healthz"},
			{Service: "api", URL: a.URL + "/healthz"},
		}, 2*time.Second)
		Expect(res.Name).To(Equal("health"))
		Expect(res.Verdict).To(Equal(verify.Success))
		Expect(res.Evidence).To(HaveKeyWithValue("healthy", []string{"api", "web"}))
		Expect(res.Evidence["unhealthy"]).To(BeEmpty())
		Expect(res.Evidence).NotTo(HaveKey("problems"))
		Expect(res.Integrity).To(BeFalse())
	}, SpecTimeout(5*time.Second))

	It("fails naming the service that keeps answering 503", func(ctx SpecContext) {
		ok, _ := healthServer(always(http.StatusOK))
		bad, hits := healthServer(always(http.StatusServiceUnavailable))
		res := verify.Health(ctx, []verify.Endpoint{
			{Service: "api", URL: ok.URL + "/healthz"},
			{Service: "db", URL: bad.URL + "/healthz"},
		}, 500*time.Millisecond)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Summary).To(ContainSubstring("db"))
		Expect(res.Summary).NotTo(ContainSubstring("api"))
		Expect(res.Evidence).To(HaveKeyWithValue("healthy", []string{"api"}))
		Expect(res.Evidence).To(HaveKeyWithValue("unhealthy", []string{"db"}))
		Expect(res.Evidence["problems"]).To(HaveKeyWithValue("db", Not(BeEmpty())))
		Expect(res.Evidence["problems"]).NotTo(HaveKey("api"))
		Expect(hits.Load()).To(BeNumerically(">", 1), "the unhealthy service is polled, not asked once")
	}, SpecTimeout(5*time.Second))

	// Pending: pollHealthy overwrites the last answer with the error of a
	// probe cut short by Health's own deadline ("context deadline
	// exceeded"), which happens most runs when the timeout is a multiple of
	// the 100 ms poll period. Un-pend once health.go keeps the last answer.
	It("keeps the status the service answered as its problem, not the verifier's own deadline", func(ctx SpecContext) {
		bad, _ := healthServer(always(http.StatusServiceUnavailable))
		for range 5 {
			res := verify.Health(ctx, []verify.Endpoint{{Service: "db", URL: bad.URL + "/healthz"}}, 300*time.Millisecond)
			Expect(res.Evidence["problems"]).To(HaveKeyWithValue("db", ContainSubstring("503")))
		}
	}, SpecTimeout(5*time.Second))

	It("waits for a service that becomes healthy within the timeout", func(ctx SpecContext) {
		start := time.Now()
		slow, hits := healthServer(func() int {
			if time.Since(start) < 300*time.Millisecond {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		})
		res := verify.Health(ctx, []verify.Endpoint{{Service: "api", URL: slow.URL + "/healthz"}}, 3*time.Second)
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("healthy", []string{"api"}))
		Expect(hits.Load()).To(BeNumerically(">", 1), "it answered 503 at first")
	}, SpecTimeout(5*time.Second))

	It("fails after the timeout when nothing listens on the port", func(ctx SpecContext) {
		timeout := 500 * time.Millisecond
		start := time.Now()
		res := verify.Health(ctx, []verify.Endpoint{{Service: "api", URL: closedURL()}}, timeout)
		Expect(time.Since(start)).To(BeNumerically(">=", timeout), "it kept trying until the timeout")
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Summary).To(ContainSubstring("api"))
		Expect(res.Evidence).To(HaveKeyWithValue("unhealthy", []string{"api"}))
		Expect(res.Evidence["problems"]).To(HaveKeyWithValue("api", Not(BeEmpty())))
	}, SpecTimeout(5*time.Second))

	It("stops early when its context is cancelled", func(ctx SpecContext) {
		bad, _ := healthServer(always(http.StatusServiceUnavailable))
		cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		res := verify.Health(cctx, []verify.Endpoint{{Service: "api", URL: bad.URL + "/healthz"}}, time.Minute)
		Expect(res.Verdict).To(Equal(verify.Failure))
	}, SpecTimeout(5*time.Second))

	It("succeeds with no endpoints", func(ctx SpecContext) {
		res := verify.Health(ctx, nil, time.Second)
		Expect(res.Verdict).To(Equal(verify.Success))
	}, SpecTimeout(5*time.Second))
})
