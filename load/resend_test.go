package load_test

import (
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

var _ = Describe("a stream that resends requests", func() {
	It("sends that share of requests again with the id of the one before, as a retrying client does", func(ctx SpecContext) {
		var mu sync.Mutex
		seen := map[string]int{}
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen[strings.TrimPrefix(r.URL.Path, "/entries/")]++
			mu.Unlock()
		}))
		spec := load.Spec{Duration: 2 * time.Second, Streams: []load.StreamSpec{{
			Name: "writes", Rate: load.Rate{Freq: 200, Per: time.Second}, Path: "/entries/{id}", Writes: true, Resend: 0.2,
		}}}
		h, err := load.Run(ctx, spec, load.Options{Target: target, Seed: 9})
		Expect(err).NotTo(HaveOccurred())

		resent := 0
		for _, n := range seen {
			Expect(n).To(BeNumerically("<=", 2), "a request is retried once at most")
			resent += n - 1
		}
		// Each new request is followed by its retry with chance 0.2.
		Expect(float64(resent) / float64(len(h.Ops))).To(BeNumerically("~", 0.2/1.2, 0.06))
		ids := map[string]int{}
		for _, op := range h.Ops {
			ids[op.ID]++
		}
		Expect(ids).To(HaveLen(len(seen)), "the history records every send under its id")

		again, err := load.Run(ctx, spec, load.Options{Target: target, Seed: 9})
		Expect(err).NotTo(HaveOccurred())
		Expect(len(again.Ops)).To(BeNumerically("~", len(h.Ops), 40))
	}, SpecTimeout(30*time.Second))

	It("refuses a resend share outside [0, 1)", func() {
		spec := load.Spec{Duration: time.Second, Streams: []load.StreamSpec{{
			Name: "w", Rate: load.Rate{Freq: 1, Per: time.Second}, Path: "/e/{id}", Writes: true, Resend: 1,
		}}}
		Expect(spec.Validate()).To(MatchError(ContainSubstring("resend 1: want a fraction in [0, 1)")))
	})
})
