package verify_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/httpapi"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

// store is a loopback server that holds a set of entry ids: GET
// /entries/{id} answers 200 when it holds id, 500 when id is in broken,
// and 404 otherwise. It counts the reads of each id.
type store struct {
	srv    *httptest.Server
	mu     sync.Mutex
	held   map[string]bool
	broken map[string]bool
	reads  map[string]int
	others int // requests that were not GET /entries/{id}
}

func newStore(held ...string) *store {
	GinkgoHelper()
	s := &store{held: map[string]bool{}, broken: map[string]bool{}, reads: map[string]int{}}
	for _, id := range held {
		s.held[id] = true
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	DeferCleanup(s.srv.Close)
	return s
}

func (s *store) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := strings.CutPrefix(r.URL.Path, "/entries/")
	if !ok || r.Method != http.MethodGet {
		s.others++
		http.Error(w, "no such route", http.StatusMethodNotAllowed)
		return
	}
	s.reads[id]++
	switch {
	case s.broken[id]:
		http.Error(w, "store unavailable", http.StatusInternalServerError)
	case s.held[id]:
		_, _ = w.Write([]byte(`{"id":"` + id + `"}`))
	default:
		http.NotFound(w, r)
	}
}

// readsOf returns how many times each id was read.
func (s *store) readsOf() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.reads))
	for k, v := range s.reads {
		out[k] = v
	}
	return out
}

func write(id string, o load.Outcome) load.Op {
	return load.Op{ID: id, Stream: "writes", Outcome: o, Write: true, Start: time.Second, End: time.Second + 10*time.Millisecond}
}

func read(id string, o load.Outcome) load.Op {
	return load.Op{ID: id, Stream: "reads", Outcome: o, Start: time.Second, End: time.Second + 10*time.Millisecond}
}

var readSpec = verify.DurabilitySpec{Read: request("GET /entries/{id}"), Concurrency: 2}

var _ = Describe("Durability", func() {
	// ops: five distinct acknowledged writes (w1 twice), of which the store
	// lost w5 and w4; one indeterminate and one failed write; acknowledged
	// and failed non-write ops.
	var ops []load.Op
	BeforeEach(func() {
		ops = []load.Op{
			write("w5", load.Acknowledged),
			write("w1", load.Acknowledged),
			write("w3", load.Acknowledged),
			write("maybe", load.Indeterminate),
			write("w4", load.Acknowledged),
			write("nope", load.Failed),
			read("r1", load.Acknowledged),
			read("r2", load.Failed),
			write("w1", load.Acknowledged),
			write("w2", load.Acknowledged),
		}
	})

	It("fails listing the lost ids sorted when more than the RPO are lost", func(ctx SpecContext) {
		s := newStore("w1", "w2", "w3", "maybe", "r1")
		res := verify.Durability(ctx, s.srv.URL, readSpec, ops, 1)
		Expect(res.Name).To(Equal("durability"))
		Expect(res.Integrity).To(BeTrue())
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("lostIds", []string{"w4", "w5"}))
		Expect(res.Evidence).To(HaveKeyWithValue("lost", 2))
		Expect(res.Evidence).To(HaveKeyWithValue("acknowledged", 5))
		Expect(res.Evidence).To(HaveKeyWithValue("indeterminate", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("failed", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("unverified", 0))
		Expect(res.Evidence).To(HaveKeyWithValue("rpo", 1))
		Expect(res.Evidence).NotTo(HaveKey("unverifiedIds"))
	}, SpecTimeout(5*time.Second))

	It("reads each acknowledged write once and nothing else", func(ctx SpecContext) {
		s := newStore("w1", "w2", "w3")
		verify.Durability(ctx, s.srv.URL, readSpec, ops, 0)
		Expect(s.readsOf()).To(Equal(map[string]int{"w1": 1, "w2": 1, "w3": 1, "w4": 1, "w5": 1}),
			"indeterminate and failed writes and non-write ops are never read; w1 is read once")
		Expect(s.others).To(BeZero())
	}, SpecTimeout(5*time.Second))

	It("succeeds when the lost writes are exactly the RPO", func(ctx SpecContext) {
		s := newStore("w1", "w2", "w3")
		res := verify.Durability(ctx, s.srv.URL, readSpec, ops, 2)
		Expect(res.Verdict).To(Equal(verify.Success))
		Expect(res.Evidence).To(HaveKeyWithValue("lost", 2))
		Expect(res.Evidence).To(HaveKeyWithValue("lostIds", []string{"w4", "w5"}), "lost ids are listed even within the RPO")
	}, SpecTimeout(5*time.Second))

	It("succeeds with an RPO of 0 when nothing is lost", func(ctx SpecContext) {
		s := newStore("w1", "w2", "w3", "w4", "w5")
		res := verify.Durability(ctx, s.srv.URL, readSpec, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Success))
		Expect(res.Evidence).To(HaveKeyWithValue("lost", 0))
		Expect(res.Evidence).NotTo(HaveKey("lostIds"))
	}, SpecTimeout(5*time.Second))

	It("fails with an RPO of 0 when a single write is lost", func(ctx SpecContext) {
		s := newStore("w1", "w2", "w3", "w4")
		res := verify.Durability(ctx, s.srv.URL, readSpec, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("lostIds", []string{"w5"}))
	}, SpecTimeout(5*time.Second))

	It("is unknown, listing the ids, when some reads fail otherwise than 404", func(ctx SpecContext) {
		s := newStore("w1", "w2", "w3", "w4", "w5")
		s.broken["w4"], s.broken["w2"] = true, true
		res := verify.Durability(ctx, s.srv.URL, readSpec, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		Expect(res.Evidence).To(HaveKeyWithValue("unverifiedIds", []string{"w2", "w4"}))
		Expect(res.Evidence).To(HaveKeyWithValue("unverified", 2))
		Expect(res.Evidence).To(HaveKeyWithValue("lost", 0))
	}, SpecTimeout(5*time.Second))

	It("still fails when the lost writes alone exceed the RPO and others are unverified", func(ctx SpecContext) {
		s := newStore("w1", "w3")
		s.broken["w2"] = true
		res := verify.Durability(ctx, s.srv.URL, readSpec, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("lostIds", []string{"w4", "w5"}))
		Expect(res.Evidence).To(HaveKeyWithValue("unverifiedIds", []string{"w2"}))
	}, SpecTimeout(5*time.Second))

	It("is unknown when nothing answers at the base URL", func(ctx SpecContext) {
		base := strings.TrimSuffix(closedURL(), "/healthz")
		res := verify.Durability(ctx, base, readSpec, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		Expect(res.Evidence).To(HaveKeyWithValue("unverified", 5))
	}, SpecTimeout(10*time.Second))

	It("is unknown and reads nothing with a bad read template", func(ctx SpecContext) {
		s := newStore("w1")
		res := verify.Durability(ctx, s.srv.URL, verify.DurabilitySpec{Read: request("GET /entries")}, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		Expect(res.Summary).NotTo(BeEmpty())
		Expect(s.readsOf()).To(BeEmpty())
		Expect(s.others).To(BeZero())
	}, SpecTimeout(5*time.Second))

	It("cannot decide with no acknowledged write at all: it checked nothing", func(ctx SpecContext) {
		s := newStore()
		res := verify.Durability(ctx, s.srv.URL, verify.DurabilitySpec{Read: request("GET /entries/{id}")}, []load.Op{read("r1", load.Acknowledged)}, 0)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		Expect(res.Summary).To(ContainSubstring("durability checked nothing"))
		Expect(res.Evidence).To(HaveKeyWithValue("acknowledged", 0))
		Expect(res.Coverage.Short()).To(BeTrue())
		Expect(s.readsOf()).To(BeEmpty())
	}, SpecTimeout(5*time.Second))

	It("counts the writes it read back against those acknowledged", func(ctx SpecContext) {
		s := newStore("w1")
		s.broken["w2"] = true
		res := verify.Durability(ctx, s.srv.URL, verify.DurabilitySpec{Read: request("GET /entries/{id}")},
			[]load.Op{write("w1", load.Acknowledged), write("w2", load.Acknowledged)}, 0)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		Expect(*res.Coverage).To(Equal(verify.Coverage{Checked: 1, Expected: 2, Unit: "acknowledged writes"}))
		Expect(res.Coverage.Short()).To(BeTrue())
	}, SpecTimeout(5*time.Second))

	It("reads many writes with the default concurrency", func(ctx SpecContext) {
		var many []load.Op
		var held []string
		for i := range 200 {
			id := fmt.Sprintf("id-%03d", i)
			many = append(many, write(id, load.Acknowledged))
			if i != 7 {
				held = append(held, id)
			}
		}
		s := newStore(held...)
		res := verify.Durability(ctx, s.srv.URL, verify.DurabilitySpec{Read: request("GET /entries/{id}")}, many, 0)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("lostIds", []string{many[7].ID}))
		Expect(s.readsOf()).To(HaveLen(200))
	}, SpecTimeout(5*time.Second))
})

// request reads a request line as a scenario does; a line that does not
// parse is kept as a path, for the verifier to refuse. (A line with no
// method is refused when the scenario is read; see httpapi.)
func request(line string) httpapi.Request {
	var r httpapi.Request
	if err := r.UnmarshalText([]byte(line)); err != nil {
		return httpapi.Request{Path: line}
	}
	return r
}

var _ = Describe("CompileRead", func() {
	DescribeTable("compiles a valid read-back request",
		func(in, method, path string) {
			t, err := verify.CompileRead(request(in))
			Expect(err).NotTo(HaveOccurred())
			Expect(t.Method()).To(Equal(method))
			Expect(t.Path(httpapi.Values{ID: "w-1", Value: "w-1"})).To(Equal(path))
		},
		Entry("plain", "GET /entries/{id}", "GET", "/entries/w-1"),
		Entry("lower-case method", "get /entries/{id}", "GET", "/entries/w-1"),
		Entry("HEAD", "HEAD /v1/items/{id}/raw", "HEAD", "/v1/items/w-1/raw"),
		Entry("extra spaces", "  GET   /entries/{id}  ", "GET", "/entries/w-1"),
		Entry("id in the query", "GET /entries?id={id}", "GET", "/entries?id=w-1"),
		Entry("the id through a function", "GET /kv/{id|base64url}", "GET", "/kv/dy0x"),
	)

	It("compiles a request with a body, for an API that reads with POST", func() {
		t, err := verify.CompileRead(httpapi.Request{Method: "POST", Path: "/v3/kv/range", Body: `{"key":"{id|base64}"}`})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(t.Body(httpapi.Values{ID: "w-1"}))).To(Equal(`{"key":"dy0x"}`))
	})

	DescribeTable("rejects a bad request",
		func(in string) {
			_, err := verify.CompileRead(request(in))
			Expect(err).To(MatchError(verify.ErrInvalidSpec))
		},
		Entry("empty", ""),
		Entry("no path", "GET"),
		Entry("a relative path", "GET entries/{id}"),
		Entry("a full URL", "GET http://127.0.0.1/entries/{id}"),
		Entry("no {id}", "GET /entries"),
		Entry("a misspelt placeholder", "GET /entries/{ID}"),
		Entry("an unknown placeholder", "GET /entries/{ident}"),
	)
})

var _ = Describe("durability after a snapshot restore", func() {
	It("counts writes acknowledged after the restored snapshot as expected loss, and earlier ones as lost", func(ctx SpecContext) {
		present := map[string]bool{"w-early-kept": true}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if present[strings.TrimPrefix(r.URL.Path, "/entries/")] {
				return
			}
			http.NotFound(w, r)
		}))
		DeferCleanup(srv.Close)
		ack := func(id string, end time.Duration) load.Op {
			return load.Op{ID: id, Write: true, Outcome: load.Acknowledged, Start: end - time.Millisecond, End: end}
		}
		ops := []load.Op{ack("w-early-kept", time.Second), ack("w-early-lost", 2*time.Second),
			ack("w-late-1", 6*time.Second), ack("w-late-2", 7*time.Second)}
		snapshotAt := 5 * time.Second

		res := verify.Durability(ctx, srv.URL, verify.DurabilitySpec{Read: request("GET /entries/{id}"), ExpectedLossAfter: &snapshotAt}, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Failure), "a write acknowledged before the snapshot is a real loss")
		Expect(res.Evidence["lost"]).To(Equal(1))
		Expect(res.Evidence["lostIds"]).To(Equal([]string{"w-early-lost"}))
		Expect(res.Evidence["expectedLost"]).To(Equal(2))
		Expect(res.Evidence["expectedLostIds"]).To(Equal([]string{"w-late-1", "w-late-2"}))

		present["w-early-lost"] = true
		res = verify.Durability(ctx, srv.URL, verify.DurabilitySpec{Read: request("GET /entries/{id}"), ExpectedLossAfter: &snapshotAt}, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Success))
		Expect(res.Summary).To(ContainSubstring("2 acknowledged after the restored snapshot, lost as expected"))
	})
})

var _ = Describe("durability with a key-value stream", func() {
	It("reads back only entry writes, not key-value writes, which overwrite each other by design", func(ctx SpecContext) {
		var asked []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			asked = append(asked, r.URL.Path)
		}))
		DeferCleanup(srv.Close)
		ops := []load.Op{
			{ID: "e-1", Write: true, Outcome: load.Acknowledged},
			{ID: "kv-1", Key: "k1", Value: "kv-1", Write: true, Outcome: load.Acknowledged},
		}
		res := verify.Durability(ctx, srv.URL, verify.DurabilitySpec{Read: request("GET /entries/{id}"), Concurrency: 1}, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Success))
		Expect(res.Evidence["acknowledged"]).To(BeEquivalentTo(1))
		Expect(asked).To(Equal([]string{"/entries/e-1"}))
	})
})

var _ = Describe("Durability through a store's own API", func() {
	It("reads each write with a templated POST and judges the answers by the spec's rules", func(ctx SpecContext) {
		held := map[string]bool{"w1": true, "w3": true}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var req struct{ Key string }
			body, _ := io.ReadAll(r.Body)
			Expect(json.Unmarshal(body, &req)).To(Succeed())
			key, _ := base64.StdEncoding.DecodeString(req.Key)
			switch {
			case r.Method != http.MethodPost || r.URL.Path != "/v3/kv/range":
				http.NotFound(w, r)
			case string(key) == "w4":
				http.Error(w, `{"error":"etcdserver: leader changed"}`, http.StatusServiceUnavailable)
			case held[string(key)]:
				fmt.Fprintf(w, `{"kvs":[{"key":%q}],"count":"1"}`, req.Key)
			default:
				fmt.Fprint(w, `{"count":"0"}`) // a missing key: 200, no kvs
			}
		}))
		DeferCleanup(srv.Close)
		spec := verify.DurabilitySpec{
			Read:     httpapi.Request{Method: "POST", Path: "/v3/kv/range", Body: `{"key":"{id|base64}"}`},
			Response: httpapi.Response{Absent: &httpapi.Match{JSONPath: "kvs", Empty: true}},
		}
		ops := []load.Op{write("w1", load.Acknowledged), write("w2", load.Acknowledged), write("w3", load.Acknowledged), write("w4", load.Acknowledged)}
		res := verify.Durability(ctx, srv.URL, spec, ops, 0)
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("lostIds", []string{"w2"}), "an answer with no kvs is a lost write")
		Expect(res.Evidence).To(HaveKeyWithValue("unverifiedIds", []string{"w4"}), "an error answer says nothing either way")
		Expect(*res.Coverage).To(Equal(verify.Coverage{Checked: 3, Expected: 4, Unit: "acknowledged writes"}))
	}, SpecTimeout(10*time.Second))
})
