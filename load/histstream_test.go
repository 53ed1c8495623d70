package load_test

import (
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

		midRun := make(chan *load.History, 1)
		time.AfterFunc(1200*time.Millisecond, func() {
			defer GinkgoRecover()
			midRun <- readHistoryFile(path)
		})
		h, err := load.Run(ctx, load.Spec{Duration: 2 * time.Second, Streams: []load.StreamSpec{writes, reads}},
			load.Options{Target: target, Seed: 5, HistoryWriter: f})
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Complete).To(BeTrue())

		var mid *load.History
		Eventually(midRun).Should(Receive(&mid))
		Expect(mid.Complete).To(BeFalse(), "no end line while the run goes on")
		Expect(len(mid.Ops)).To(BeNumerically("~", 200, 50), "1.2 s of 200/s, less at most 200 ms not yet written")
		final := byID(h.Ops)
		for _, op := range mid.Ops {
			i, found := slices.BinarySearchFunc(final, op.ID, func(o load.Op, id string) int { return strings.Compare(o.ID, id) })
			Expect(found).To(BeTrue())
			Expect(op).To(Equal(final[i]), "an op is written once, when it completes, as it is recorded")
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
