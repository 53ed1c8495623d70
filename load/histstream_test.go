package load_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

// readHistoryFile reads the history file at path.
func readHistoryFile(path string) *load.History {
	f, err := os.Open(path)
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	h, err := load.ReadHistory(f)
	Expect(err).NotTo(HaveOccurred())
	return h
}

func byID(ops []load.Op) []load.Op {
	return slices.SortedFunc(slices.Values(ops), func(a, b load.Op) int { return strings.Compare(a.ID, b.ID) })
}

// errDiskFull stands for a write that fails.
var errDiskFull = errors.New("disk full")

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	limit        int64
	n            atomic.Int64
	failed       atomic.Int64 // writes that failed
	afterFailure atomic.Int64 // writes attempted after one failed
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.failed.Load() > 0 {
		w.afterFailure.Add(1)
	}
	if w.n.Add(int64(len(p))) > w.limit {
		w.failed.Add(1)
		return 0, errDiskFull
	}
	return len(p), nil
}

var _ = Describe("Run with a HistoryWriter", func() {
	It("writes every op as it completes: readable mid-run, complete after", func(ctx SpecContext) {
		target := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Version", "v1")
			w.Header().Set("X-Value", "")
		}))
		path := filepath.Join(GinkgoT().TempDir(), "history.jsonl")
		f, err := os.Create(path)
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		writes := stream("w", "100/s", "/kv/{key}")
		writes.Writes, writes.Keys = true, 4
		reads := stream("r", "100/s", "/kv/{key}")
		reads.Keys = 4

		type midRead struct {
			h        *load.History
			from, to time.Duration // when the read began and ended, on the run's clock
		}
		base := time.Now()
		midRun := make(chan midRead, 1)
		time.AfterFunc(1200*time.Millisecond, func() {
			defer GinkgoRecover()
			from := time.Since(base)
			h := readHistoryFile(path)
			midRun <- midRead{h: h, from: from, to: time.Since(base)}
		})
		h, err := load.Run(ctx, load.Spec{Duration: 2 * time.Second, Streams: []load.StreamSpec{writes, reads}},
			load.Options{Target: target, Base: base, Seed: 5, HistoryWriter: f})
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Complete).To(BeTrue())

		var mid midRead
		Eventually(midRun).Should(Receive(&mid))
		Expect(mid.h.Complete).To(BeFalse(), "no end line while the run goes on")
		Expect(len(mid.h.Ops)).To(BeNumerically(">", 50))
		final := byID(h.Ops)
		inMid := map[string]bool{}
		for _, op := range mid.h.Ops {
			i, found := slices.BinarySearchFunc(final, op.ID, func(o load.Op, id string) int { return strings.Compare(o.ID, id) })
			Expect(found).To(BeTrue())
			Expect(op).To(Equal(final[i]), "an op is written once, when it completes, as it is recorded")
			Expect(op.End).To(BeNumerically("<=", mid.to))
			inMid[op.ID] = true
		}
		// Written within the 200 ms between writes, and some slack to
		// record it.
		writtenBy := mid.from - 500*time.Millisecond
		for _, op := range final {
			if op.End < writtenBy {
				Expect(inMid).To(HaveKey(op.ID), "op %s completed at %s, the read began at %s", op.ID, op.End, mid.from)
			}
		}

		after := readHistoryFile(path)
		Expect(after.Complete).To(BeTrue())
		Expect(byID(after.Ops)).To(Equal(final), "every op, exactly as recorded")
		Expect(after.Windows).To(Equal(h.Windows), "the same windows")
	}, NodeTimeout(15*time.Second))

	It("keeps the load going when the writer fails, and says so", func(ctx SpecContext) {
		target := serve(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		w := &failingWriter{limit: 4 << 10}
		h, err := load.Run(ctx, load.Spec{Duration: time.Second, Streams: []load.StreamSpec{stream("w", "200/s", "/")}},
			load.Options{Target: target, HistoryWriter: w})
		Expect(err).To(MatchError(errDiskFull))
		Expect(err.Error()).To(HavePrefix("load: history writer: "))
		Expect(len(h.Ops)).To(BeNumerically("~", 200, 20), "the load ran its course")
		Expect(h.Complete).To(BeTrue())
		Expect(w.failed.Load()).To(BeEquivalentTo(1))
		Expect(w.afterFailure.Load()).To(BeZero(), "nothing written after the failure")
	}, NodeTimeout(10*time.Second))
})

var _ = Describe("A load stopped before its end", func() {
	It("marks the windows it did not run through as partial, in the history and in the file", func(ctx SpecContext) {
		target := serve(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		path := filepath.Join(GinkgoT().TempDir(), "history.jsonl")
		f, err := os.Create(path)
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		runCtx, stop := context.WithTimeout(ctx, 1500*time.Millisecond)
		defer stop()
		var live []load.Window
		base := time.Now()
		h, err := load.Run(runCtx, load.Spec{Duration: 10 * time.Second, Streams: []load.StreamSpec{stream("w", "100/s", "/")}},
			load.Options{Target: target, Base: base, HistoryWriter: f, OnWindow: func(w load.Window) { live = append(live, w) }})
		Expect(err).To(MatchError(context.DeadlineExceeded))
		Expect(h.Stopped).To(BeNumerically(">=", 1500*time.Millisecond), "stopped by the context, not before")
		Expect(h.Stopped).To(BeNumerically("<", 10*time.Second), "nor at the load's own end")
		Expect(h.Windows).NotTo(BeEmpty())
		last := h.Windows[len(h.Windows)-1]
		Expect(last.Partial).To(BeTrue(), "the window the load stopped in")
		Expect(h.Windows[0].Partial).To(BeFalse())
		Expect(live[len(live)-1].Partial).To(BeTrue(), "the live window too")
		for _, w := range h.Windows {
			Expect(w.Partial).To(Equal(w.Start+time.Second > h.Stopped), "window at %s", w.Start)
		}
		back := readHistoryFile(path)
		Expect(back.Stopped).To(Equal(h.Stopped))
		Expect(back.Windows[len(back.Windows)-1].Partial).To(BeTrue())
	}, NodeTimeout(15*time.Second))
})
