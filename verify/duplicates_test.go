package verify_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

// appliedStore answers GET /entries/{id} with the entry and how many times
// it was applied: {"id":…,"applied":n}, 404 for an unknown id, 500 for an
// id in broken and a body without the field for one in unlabelled.
type appliedStore struct {
	mu         sync.Mutex
	applied    map[string]int
	broken     map[string]bool
	unlabelled map[string]bool
	reads      int
}

func newAppliedStore(applied map[string]int) (*appliedStore, string) {
	GinkgoHelper()
	s := &appliedStore{applied: applied, broken: map[string]bool{}, unlabelled: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.reads++
		id, ok := strings.CutPrefix(r.URL.Path, "/entries/")
		n, held := s.applied[id]
		switch {
		case !ok || r.Method != http.MethodGet:
			http.Error(w, "no such route", http.StatusMethodNotAllowed)
		case s.broken[id]:
			http.Error(w, "store down", http.StatusInternalServerError)
		case !held:
			http.NotFound(w, r)
		case s.unlabelled[id]:
			fmt.Fprintf(w, `{"id":%q}`, id)
		default:
			fmt.Fprintf(w, `{"id":%q,"meta":{"applied":%d},"applied":%d}`, id, n, n)
		}
	}))
	DeferCleanup(srv.Close)
	return s, srv.URL
}

var _ = Describe("Duplicates", func() {
	spec := verify.DuplicatesSpec{Read: request("GET /entries/{id}"), Concurrency: 3}
	ops := func() []load.Op {
		return []load.Op{
			write("w1", load.Acknowledged),
			write("w2", load.Acknowledged),
			write("w3", load.Acknowledged),
			write("w4", load.Acknowledged),
			write("w1", load.Acknowledged), // a retry of w1, acknowledged again
			write("maybe", load.Indeterminate),
			read("r1", load.Acknowledged),
		}
	}

	It("fails listing the writes applied more than once", func(ctx SpecContext) {
		s, url := newAppliedStore(map[string]int{"w1": 1, "w2": 2, "w3": 1, "w4": 3, "maybe": 2, "r1": 5})
		res := verify.Duplicates(ctx, url, spec, ops())
		Expect(res.Name).To(Equal("duplicates"))
		Expect(res.Integrity).To(BeTrue())
		Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("duplicateIds", []string{"w2", "w4"}))
		Expect(res.Evidence).To(HaveKeyWithValue("applied", []verify.Duplicate{{ID: "w2", Applied: "2"}, {ID: "w4", Applied: "3"}}))
		Expect(res.Evidence).To(HaveKeyWithValue("checked", 4))
		Expect(s.reads).To(Equal(4), "each acknowledged write is read once; indeterminate writes and reads never")
	}, SpecTimeout(5*time.Second))

	It("succeeds when every write was applied once, with missing ones left to durability", func(ctx SpecContext) {
		_, url := newAppliedStore(map[string]int{"w1": 1, "w2": 1, "w3": 1})
		res := verify.Duplicates(ctx, url, spec, ops())
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("missing", 1))
		Expect(res.Evidence).To(HaveKeyWithValue("duplicates", 0))
	}, SpecTimeout(5*time.Second))

	It("reads the field at a JSON path", func(ctx SpecContext) {
		_, url := newAppliedStore(map[string]int{"w1": 1, "w2": 1, "w3": 2, "w4": 1})
		res := verify.Duplicates(ctx, url, verify.DuplicatesSpec{Read: spec.Read, Field: "$.meta.applied"}, ops())
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("duplicateIds", []string{"w3"}))
		Expect(res.Evidence).To(HaveKeyWithValue("field", "$.meta.applied"))
	}, SpecTimeout(5*time.Second))

	It("is unknown when reads fail or answers lack the field, and nothing is duplicated", func(ctx SpecContext) {
		s, url := newAppliedStore(map[string]int{"w1": 1, "w2": 1, "w3": 1, "w4": 1})
		s.broken["w2"], s.unlabelled["w4"] = true, true
		res := verify.Duplicates(ctx, url, spec, ops())
		Expect(res.Verdict).To(Equal(verify.Unknown), res.Summary)
		Expect(res.Evidence).To(HaveKeyWithValue("unverifiedIds", []string{"w2", "w4"}))
		Expect(res.Evidence["problems"]).To(HaveLen(2))
	}, SpecTimeout(5*time.Second))

	It("still fails when some writes are duplicated and others unverified", func(ctx SpecContext) {
		s, url := newAppliedStore(map[string]int{"w1": 2, "w2": 1, "w3": 1, "w4": 1})
		s.broken["w2"] = true
		Expect(verify.Duplicates(ctx, url, spec, ops()).Verdict).To(Equal(verify.Failure))
	}, SpecTimeout(5*time.Second))

	It("is unknown and reads nothing with a bad template or field", func(ctx SpecContext) {
		s, url := newAppliedStore(map[string]int{"w1": 2})
		Expect(verify.Duplicates(ctx, url, verify.DuplicatesSpec{Read: request("GET /entries")}, ops()).Verdict).To(Equal(verify.Unknown))
		Expect(verify.Duplicates(ctx, url, verify.DuplicatesSpec{Read: spec.Read, Field: "a..b"}, ops()).Verdict).To(Equal(verify.Unknown))
		Expect(s.reads).To(BeZero())
	}, SpecTimeout(5*time.Second))
})
