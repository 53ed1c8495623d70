package load_test

import (
	"net/http"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

var _ = Describe("the memory a history holds", func() {
	It("stays under 256 bytes per op, strings included", func(ctx SpecContext) {
		srv := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Version", "v2")
			w.Header().Set("X-Flags", "dark-mode,fast-path")
			w.Header().Set("X-Value", r.Header.Get("X-Request-Id")) // a value of its own for every read
		}))
		reads := stream("reads", "2000/s", "/kv/{key}")
		reads.Keys = 100
		h, err := load.Run(ctx, load.Spec{Duration: time.Second, Streams: []load.StreamSpec{reads}},
			load.Options{Target: srv})
		Expect(err).NotTo(HaveOccurred())
		ops := len(h.Ops)
		Expect(ops).To(BeNumerically(">", 500))
		Expect(h.Ops[0].Value).NotTo(BeEmpty())

		with := heapInUse()
		runtime.KeepAlive(h)
		h = nil
		perOp := float64(with-min(with, heapInUse())) / float64(ops)
		AddReportEntry("history bytes per op", perOp)
		Expect(perOp).To(BeNumerically(">", 136), "an Op alone is 136 bytes: the measure would be wrong")
		Expect(perOp).To(BeNumerically("<=", 256))
	}, NodeTimeout(20*time.Second))
})
