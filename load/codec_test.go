package load_test

import (
	"bytes"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

var _ = Describe("WriteHistory and ReadHistory", func() {
	ops := []load.Op{
		{ID: "w-000000-00c0ffee", Stream: "w", Start: 3*time.Second + 5*ms, End: 3*time.Second + 9*ms, Code: 200,
			Outcome: load.Acknowledged, Version: "v2", Write: true},
		{ID: "w-000001-1234abcd", Stream: "w", Start: 3*time.Second + 10*ms, End: 5*time.Second + 10*ms,
			Outcome: load.Indeterminate, ErrClass: load.ClassTimeout, Write: true},
		{ID: "r-000000-deadbeef", Stream: "r", Start: 4 * time.Second, End: 4*time.Second + ms, Code: 503,
			Outcome: load.Failed, ErrClass: load.ClassHTTP},
	}

	It("round-trips the ops, one JSON line each, and recomputes the windows", func() {
		var buf bytes.Buffer
		Expect(load.WriteHistory(&buf, &load.History{Ops: ops})).To(Succeed())
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		Expect(lines).To(HaveLen(3))
		Expect(lines[0]).To(ContainSubstring(`"outcome":"acknowledged"`))

		h, err := load.ReadHistory(&buf)

		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).To(Equal(ops))
		Expect(h.Windows).To(HaveLen(3), "from the window of the first start to the window of the last end")
		for i, w := range h.Windows {
			start := time.Duration(3+i) * time.Second
			Expect(w).To(Equal(load.Aggregate(ops, start, start+time.Second)))
		}
	})

	It("names the line it cannot read", func() {
		in := `{"id":"a","stream":"w","start":1,"end":2,"outcome":"acknowledged"}` + "\n\n" +
			`{"id":"b","stream":"w","start":1,"end":2,"outcome":"lost"}` + "\n"
		_, err := load.ReadHistory(strings.NewReader(in))
		Expect(err).To(MatchError(load.ErrBadHistory))
		Expect(err.Error()).To(ContainSubstring("line 3"))

		_, err = load.ReadHistory(strings.NewReader(`{"id":"c","start":5,"end":2,"outcome":"failed"}`))
		Expect(err).To(MatchError(load.ErrBadHistory))
		_, err = load.ReadHistory(strings.NewReader(`{"id":"d","start":1,"end":2}`))
		Expect(err).To(MatchError(load.ErrBadHistory), "an op without an outcome")
		_, err = load.ReadHistory(strings.NewReader(`not json`))
		Expect(err).To(MatchError(load.ErrBadHistory))
	})

	It("reads an empty history", func() {
		h, err := load.ReadHistory(strings.NewReader(""))
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).To(BeEmpty())
		Expect(h.Windows).To(BeEmpty())
	})
})
