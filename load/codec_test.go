package load_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

var _ = Describe("WriteHistory and ReadHistory", func() {
	ops := []load.Op{
		{ID: "w-000000-00c0ffee", Stream: "w", Start: 3*time.Second + 5*ms, End: 3*time.Second + 9*ms, Code: 200,
			Outcome: load.Acknowledged, Version: "v2", Write: true, Key: "k3", Value: "w-000000-00c0ffee", HasValue: true},
		{ID: "w-000001-1234abcd", Stream: "w", Start: 3*time.Second + 10*ms, End: 5*time.Second + 10*ms,
			Outcome: load.Indeterminate, ErrClass: load.ClassTimeout, Write: true},
		{ID: "r-000000-deadbeef", Stream: "r", Start: 4 * time.Second, End: 4*time.Second + ms, Code: 503,
			Outcome: load.Failed, ErrClass: load.ClassHTTP},
		{ID: "r-000001-0badf00d", Stream: "r", Start: 4 * time.Second, End: 4*time.Second + 2*ms, Code: 200,
			Outcome: load.Acknowledged, Key: "k3", HasValue: true, Flags: "dark-mode,fast-path"},
		{ID: "r-000002-0badf00e", Stream: "r", Start: 4 * time.Second, End: 4*time.Second + 3*ms, Code: 200,
			Outcome: load.Acknowledged, Key: "k1", Value: "w-000000-00c0ffee", HasValue: true},
		{ID: "w-000002-00000001", Stream: "w", Start: 5 * time.Second, End: 5*time.Second + 3*ms, Code: 201,
			Outcome: load.Acknowledged, Write: true, Value: "not the id", HasValue: true},
	}
	written := func(h *load.History) []byte {
		var buf bytes.Buffer
		Expect(load.WriteHistory(&buf, h)).To(Succeed())
		return buf.Bytes()
	}

	It("round-trips the ops, a header, one JSON line each and an end line, and recomputes the windows", func() {
		file := written(&load.History{Ops: ops})
		lines := strings.Split(strings.TrimSuffix(string(file), "\n"), "\n")
		Expect(lines).To(HaveLen(len(ops) + 2))
		Expect(lines[0]).To(MatchJSON(`{"format":"faultdrill-history","version":1}`))
		Expect(lines[1]).To(MatchJSON(`{"i":"w-000000-00c0ffee","s":"w","b":3005000000,"e":3009000000,"c":200,"o":"a","v":"v2","k":"k3","w":1}`),
			"short keys; a write's value is its id unless said otherwise")
		Expect(lines[2]).To(ContainSubstring(`"x":null`), "a write whose value is unknown")
		Expect(lines[4]).To(ContainSubstring(`"x":""`), "a read that found nothing")
		Expect(lines[3]).NotTo(ContainSubstring(`"x"`), "a read whose answer carried no value")
		Expect(lines[len(lines)-1]).To(MatchJSON(`{"end":6}`))
		for _, l := range lines[1:] {
			Expect(len(l)).To(BeNumerically("<", 160))
		}

		h, err := load.ReadHistory(bytes.NewReader(file))
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).To(Equal(ops))
		Expect(h.Complete).To(BeTrue())
		Expect(h.Windows).To(HaveLen(3), "from the window of the first start to the window of the last end")
		for i, w := range h.Windows {
			start := time.Duration(3+i) * time.Second
			Expect(w).To(Equal(load.Aggregate(ops, start, start+time.Second)))
		}
	})

	It("keeps any text a server sends in a header", func() {
		odd := []string{`"quoted"`, `back\slash`, "tab\tand\nnew\rline", "\x00\x01\x1f\x7f", "héllo, 世界 🚀",
			"bad utf8 \xff\xfe", "</script>&<>", "\u2028\u2029"}
		var in []load.Op
		for i, s := range odd {
			in = append(in, load.Op{ID: "r", Stream: "r", End: time.Duration(i), Outcome: load.Acknowledged,
				Value: s, HasValue: true, Flags: s, Version: s, Key: s})
		}
		file := written(&load.History{Ops: in})
		for _, l := range strings.Split(strings.TrimSuffix(string(file), "\n"), "\n") {
			Expect(json.Valid([]byte(l))).To(BeTrue(), l)
		}
		h, err := load.ReadHistory(bytes.NewReader(file))
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).To(HaveLen(len(odd)))
		for i, op := range h.Ops {
			want := viaEncodingJSON(odd[i])
			Expect(op.Value).To(Equal(want))
			Expect(op.Flags).To(Equal(want))
			Expect(op.Version).To(Equal(want))
			Expect(op.Key).To(Equal(want))
		}
	})

	It("reads every prefix of a file, as a drill that died mid-write leaves it", func() {
		file := written(&load.History{Ops: ops})
		header := bytes.IndexByte(file, '\n')
		for n := header; n <= len(file); n++ {
			h, err := load.ReadHistory(bytes.NewReader(file[:n]))
			Expect(err).NotTo(HaveOccurred(), "cut at byte %d", n)
			Expect(append([]load.Op{}, h.Ops...)).To(Equal(ops[:len(h.Ops)]), "cut at byte %d: the whole lines before the cut", n)
			whole := bytes.Count(file[:min(n+1, len(file))], []byte("\n")) - 1 // op lines whole but for their line break
			Expect(len(h.Ops)).To(Equal(min(whole, len(ops))), "cut at byte %d", n)
			Expect(h.Complete).To(Equal(n >= len(file)-1), "cut at byte %d: complete only with the end line", n)
		}
	})

	It("reads the older format: JSON lines of Op with long names", func() {
		in := `{"id":"a","stream":"w","start":1,"end":2,"outcome":"acknowledged","write":true,"version":"v1"}` + "\n\n" +
			`{"id":"b","stream":"r","start":1,"end":3,"code":503,"outcome":"failed","err":"http"}` + "\n"
		h, err := load.ReadHistory(strings.NewReader(in))
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).To(Equal([]load.Op{
			{ID: "a", Stream: "w", Start: 1, End: 2, Outcome: load.Acknowledged, Write: true, Version: "v1"},
			{ID: "b", Stream: "r", Start: 1, End: 3, Code: 503, Outcome: load.Failed, ErrClass: load.ClassHTTP},
		}))
		Expect(h.Complete).To(BeTrue(), "its last line is whole")
	})

	It("shares repeated strings among the ops it reads", func() {
		h, err := load.ReadHistory(bytes.NewReader(written(&load.History{Ops: ops})))
		Expect(err).NotTo(HaveOccurred())
		Expect(sameString(h.Ops[0].Value, h.Ops[0].ID)).To(BeTrue())
		Expect(sameString(h.Ops[0].Stream, h.Ops[1].Stream)).To(BeTrue())
		Expect(sameString(h.Ops[0].Key, h.Ops[3].Key)).To(BeTrue())
	})

	DescribeTable("names the line it cannot read",
		func(in string, line string) {
			_, err := load.ReadHistory(strings.NewReader(in))
			Expect(err).To(MatchError(load.ErrBadHistory))
			Expect(err.Error()).To(ContainSubstring(line))
		},
		Entry("an unknown outcome, older format",
			`{"id":"a","stream":"w","start":1,"end":2,"outcome":"acknowledged"}`+"\n\n"+
				`{"id":"b","stream":"w","start":1,"end":2,"outcome":"lost"}`+"\n", "line 3"),
		Entry("an end before the start", `{"id":"c","start":5,"end":2,"outcome":"failed"}`, "line 1"),
		Entry("no outcome", `{"id":"d","start":1,"end":2}`, "line 1"),
		Entry("not JSON, even as the last line", `not json`, "line 1"),
		Entry("another format version", `{"format":"faultdrill-history","version":2}`+"\n", "version 2"),
		Entry("an op without its start",
			`{"format":"faultdrill-history","version":1}`+"\n"+`{"i":"a","s":"w","e":2,"o":"a"}`+"\n", "line 2"),
		Entry("an unknown outcome",
			`{"format":"faultdrill-history","version":1}`+"\n"+`{"i":"a","s":"w","b":1,"e":2,"o":"z"}`+"\n", "line 2"),
		Entry("a whole line that is not JSON",
			`{"format":"faultdrill-history","version":1}`+"\n"+`{"i":"a"`+"\n"+`{"end":0}`+"\n", "line 2"),
		Entry("an end line that miscounts",
			`{"format":"faultdrill-history","version":1}`+"\n"+`{"i":"a","s":"w","b":1,"e":2,"o":"a"}`+"\n"+`{"end":2}`+"\n", "line 3"),
		Entry("an op after the end line",
			`{"format":"faultdrill-history","version":1}`+"\n"+`{"end":0}`+"\n"+`{"i":"a","s":"w","b":1,"e":2,"o":"a"}`+"\n", "line 3"),
	)

	It("reads an empty history, not complete", func() {
		h, err := load.ReadHistory(strings.NewReader(""))
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).To(BeEmpty())
		Expect(h.Windows).To(BeEmpty())
		Expect(h.Complete).To(BeFalse())

		h, err = load.ReadHistory(bytes.NewReader(written(nil)))
		Expect(err).NotTo(HaveOccurred())
		Expect(h.Ops).To(BeEmpty())
		Expect(h.Complete).To(BeTrue())
	})
})

// sameString reports whether a and b share their bytes, not only their
// text.
func sameString(a, b string) bool {
	return a == b && (len(a) == 0 || unsafe.StringData(a) == unsafe.StringData(b))
}

// viaEncodingJSON returns s as encoding/json reads back what it wrote of
// it: the reference for text that is not valid UTF-8.
func viaEncodingJSON(s string) string {
	b, err := json.Marshal(s)
	Expect(err).NotTo(HaveOccurred())
	var back string
	Expect(json.Unmarshal(b, &back)).To(Succeed())
	return back
}
