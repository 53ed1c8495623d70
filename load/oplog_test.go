package load_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

var _ = Describe("the ops a run keeps while it records", func() {
	It("come back as sent and answered: ids, keys, versions, flags and values, long or odd", func(ctx SpecContext) {
		var mu sync.Mutex
		answered := map[string]http.Header{} // by request id
		n := 0
		srv := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			n++
			i := n
			mu.Unlock()
			h := w.Header()
			h.Set("X-Version", "v"+strconv.Itoa(i%3)) // a few versions
			h.Set("X-Flags", "flag-"+strconv.Itoa(i)) // a new value each time
			if r.Method == http.MethodGet {
				switch i % 4 {
				case 0:
					h.Set("X-Value", strings.Repeat("x", 20<<10)+strconv.Itoa(i)) // longer than a quarter chunk
				case 1:
					h.Set("X-Value", "") // found nothing
				case 2:
					h.Set("X-Value", "é-"+strconv.Itoa(i))
				} // 3: no value at all
			}
			if i%5 == 0 {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
			mu.Lock()
			answered[r.Header.Get("X-Request-Id")] = h.Clone()
			mu.Unlock()
		}))
		writes := stream("w-rites", "200/s", "/kv/{key}")
		writes.Writes, writes.Keys = true, 5000
		reads := stream("r", "200/s", "/kv/{key}")
		reads.Keys = 7
		var file bytes.Buffer
		h, err := load.Run(ctx, load.Spec{Duration: time.Second, Streams: []load.StreamSpec{writes, reads}},
			load.Options{Target: srv, HistoryWriter: &file})
		Expect(err).NotTo(HaveOccurred())
		Expect(len(h.Ops)).To(BeNumerically(">", 300))

		mu.Lock()
		defer mu.Unlock()
		Expect(h.Ops).To(HaveLen(len(answered)))
		for _, op := range h.Ops {
			a, ok := answered[op.ID]
			Expect(ok).To(BeTrue(), "op %q was never answered", op.ID)
			Expect(op.Version).To(Equal(a.Get("X-Version")))
			Expect(op.Flags).To(Equal(a.Get("X-Flags")))
			Expect(op.Key).To(MatchRegexp(`^k\d+$`))
			if op.Write {
				Expect(op.Stream).To(Equal("w-rites"))
				Expect(op.Value).To(Equal(op.ID))
				Expect(op.HasValue).To(BeTrue())
				continue
			}
			vs, has := a["X-Value"]
			Expect(op.HasValue).To(Equal(has && op.Outcome == load.Acknowledged), "op %q", op.ID)
			if op.HasValue {
				Expect(op.Value).To(Equal(vs[0]))
			}
		}

		back, err := load.ReadHistory(&file)
		Expect(err).NotTo(HaveOccurred())
		Expect(back.Complete).To(BeTrue())
		Expect(back.Ops).To(ConsistOf(h.Ops))
	}, NodeTimeout(20*time.Second))
})
