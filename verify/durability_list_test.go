package verify_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

// listServer answers GET /entries with status and body, and counts every
// request it gets.
func listServer(status int, body string) (string, *atomic.Int64) {
	GinkgoHelper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Method != http.MethodGet || r.URL.Path != "/entries" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	DeferCleanup(srv.Close)
	return srv.URL, &hits
}

var _ = Describe("Durability with a list request", func() {
	ops := func() []load.Op {
		return []load.Op{
			write("w5", load.Acknowledged),
			write("w1", load.Acknowledged),
			write("w3", load.Acknowledged),
			write("maybe", load.Indeterminate),
			write("w4", load.Acknowledged),
			write("nope", load.Failed),
			write("w1", load.Acknowledged),
			write("w4", load.Acknowledged),
			write("w2", load.Acknowledged),
		}
	}
	spec := verify.DurabilitySpec{List: request("GET /entries"), Read: request("GET /entries/{id}")}

	DescribeTable("finds the lost writes in one request, whatever the list's shape",
		func(ctx SpecContext, body string) {
			url, hits := listServer(http.StatusOK, body)
			res := verify.Durability(ctx, url, spec, ops(), 0)
			Expect(res.Verdict).To(Equal(verify.Failure), res.Summary)
			Expect(res.Integrity).To(BeTrue())
			Expect(res.Evidence).To(HaveKeyWithValue("lostIds", []string{"w4", "w5"}))
			Expect(res.Evidence).To(HaveKeyWithValue("lost", 2))
			Expect(res.Evidence).To(HaveKeyWithValue("acknowledged", 5))
			Expect(res.Evidence).To(HaveKeyWithValue("indeterminate", 1))
			Expect(res.Evidence).To(HaveKeyWithValue("failed", 1))
			Expect(res.Evidence).To(HaveKeyWithValue("unverified", 0))
			Expect(hits.Load()).To(Equal(int64(1)), "one list request, no per-id read")
		},
		Entry("a JSON array", `["w1","w2","w3","other"]`),
		Entry("a JSON array with spaces and newlines", "[\n  \"w1\", \"w2\",\n  \"w3\"\n]\n"),
		Entry("a JSON array with escapes", `["w1","w2","w\u0033","a\"b"]`),
		Entry("one id per line", "w1\nw2\nw3\n"),
		Entry("lines with blanks and CRLF", "w1\r\n\r\n  w2  \r\nw3"),
	)

	It("reads numeric ids from a JSON array", func(ctx SpecContext) {
		url, _ := listServer(http.StatusOK, `[1, "2", 30]`)
		numeric := []load.Op{write("1", load.Acknowledged), write("2", load.Acknowledged), write("3", load.Acknowledged)}
		res := verify.Durability(ctx, url, spec, numeric, 0)
		Expect(res.Evidence).To(HaveKeyWithValue("lostIds", []string{"3"}))
	}, SpecTimeout(5*time.Second))

	It("is unknown with no acknowledged write, and succeeds within the RPO", func(ctx SpecContext) {
		url, _ := listServer(http.StatusOK, `[]`)
		Expect(verify.Durability(ctx, url, spec, []load.Op{read("r", load.Acknowledged)}, 0).Verdict).To(Equal(verify.Unknown))
		url, _ = listServer(http.StatusOK, "w1\nw2\nw3\n")
		Expect(verify.Durability(ctx, url, spec, ops(), 2).Verdict).To(Equal(verify.Success))
	}, SpecTimeout(5*time.Second))

	DescribeTable("is unknown, every write unverified, when the list cannot be used",
		func(ctx SpecContext, status int, body string) {
			url, _ := listServer(status, body)
			res := verify.Durability(ctx, url, spec, ops(), 0)
			Expect(res.Verdict).To(Equal(verify.Unknown), res.Summary)
			Expect(res.Evidence).To(HaveKeyWithValue("unverified", 5))
			Expect(res.Evidence).To(HaveKeyWithValue("unverifiedIds", []string{"w1", "w2", "w3", "w4", "w5"}))
			Expect(res.Evidence).To(HaveKeyWithValue("listError", Not(BeEmpty())))
		},
		Entry("a 500", http.StatusInternalServerError, `["w1"]`),
		Entry("a truncated JSON array", http.StatusOK, `["w1","w2"`),
		Entry("a JSON array of objects", http.StatusOK, `[{"id":"w1"}]`),
		Entry("a JSON object, which is not one id per line", http.StatusOK, "{\"ids\":\n[\"w1\"]}"),
	)

	It("is unknown with a list template that names {id}", func(ctx SpecContext) {
		url, hits := listServer(http.StatusOK, "w1\n")
		res := verify.Durability(ctx, url, verify.DurabilitySpec{List: request("GET /entries/{id}")}, ops(), 0)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		Expect(hits.Load()).To(BeZero())
	}, SpecTimeout(5*time.Second))
})

var _ = Describe("ListIDs", func() {
	It("wraps ErrBadResponse for a non-2xx answer and ErrInvalidSpec for a bad template", func(ctx SpecContext) {
		url, _ := listServer(http.StatusServiceUnavailable, "")
		_, err := verify.ListIDs(ctx, url, request("GET /entries"))
		Expect(errors.Is(err, verify.ErrBadResponse)).To(BeTrue(), "%v", err)
		_, err = verify.ListIDs(ctx, url, request("GET entries"))
		Expect(errors.Is(err, verify.ErrInvalidSpec)).To(BeTrue(), "%v", err)
	}, SpecTimeout(5*time.Second))
})

var _ = Describe("StartedFrom", func() {
	It("succeeds when the system starts empty", func(ctx SpecContext) {
		url, _ := listServer(http.StatusOK, "[]")
		res := verify.StartedFrom(ctx, url, request("GET /entries"), nil)
		Expect(res.Name).To(Equal("initial-state"))
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)
		Expect(res.Summary).To(ContainSubstring("empty"))
	}, SpecTimeout(5*time.Second))

	It("succeeds when it starts from exactly its seed, in any order", func(ctx SpecContext) {
		url, _ := listServer(http.StatusOK, "s2\ns1\n")
		Expect(verify.StartedFrom(ctx, url, request("GET /entries"), []string{"s1", "s2"}).Verdict).To(Equal(verify.Success))
	}, SpecTimeout(5*time.Second))

	It("fails listing leftovers of an earlier run and missing seed ids", func(ctx SpecContext) {
		url, _ := listServer(http.StatusOK, `["s1","old-2","old-1"]`)
		res := verify.StartedFrom(ctx, url, request("GET /entries"), []string{"s1", "s2"})
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("unexpectedIds", []string{"old-1", "old-2"}))
		Expect(res.Evidence).To(HaveKeyWithValue("missingIds", []string{"s2"}))
	}, SpecTimeout(5*time.Second))

	It("is unknown when the list fails", func(ctx SpecContext) {
		url, _ := listServer(http.StatusInternalServerError, "")
		Expect(verify.StartedFrom(ctx, url, request("GET /entries"), nil).Verdict).To(Equal(verify.Unknown))
	}, SpecTimeout(5*time.Second))
})
