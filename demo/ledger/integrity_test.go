package ledger_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

// lines splits a list body into its lines.
func lines(body []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	Expect(sc.Err()).NotTo(HaveOccurred())
	return out
}

var _ = Describe("the integrity routes", func() {
	var dir, store, api string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		_, store = startStore(ledger.StoreConfig{DataDir: dir})
		api = startAPI(ledger.APIConfig{StoreURL: store})
	})

	It("lists every stored id once, sorted, one per line, through both tiers", func() {
		Expect(call(http.MethodGet, api+"/entries", "").body).To(BeEmpty())
		var want []string
		for i := range 30 {
			id := fmt.Sprintf("id-%d", (i*7)%30) // written out of order
			Expect(put(api, id, "acct-1", 1).code).To(Equal(http.StatusCreated))
			want = append(want, id)
		}
		Expect(put(api, "id-3", "acct-1", 1).code).To(Equal(http.StatusOK)) // a retry lists once
		slices.Sort(want)
		for _, base := range []string{store, api} {
			a := call(http.MethodGet, base+"/entries", "")
			Expect(a.code).To(Equal(http.StatusOK))
			Expect(a.header.Get("Content-Type")).To(HavePrefix("text/plain"))
			Expect(lines(a.body)).To(Equal(want))
		}
	})

	It("lists a large ledger whole through the api", func() {
		const n = 20_000
		_, err := openDB(dir).Exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ?)
			INSERT INTO entries (request_id, account, amount, created_at)
			SELECT printf('bulk-%06d', i), 'acct-1', 1, '2026-01-01T00:00:00Z' FROM c;
			INSERT INTO applied (request_id, seq) SELECT request_id, seq FROM entries;`, n)
		Expect(err).NotTo(HaveOccurred())
		ids := lines(call(http.MethodGet, api+"/entries", "").body)
		Expect(ids).To(HaveLen(n))
		Expect(ids[0]).To(Equal("bulk-000001"))
		Expect(ids[n-1]).To(Equal(fmt.Sprintf("bulk-%06d", n)))
	})

	It("sums the whole ledger in /totals", func() {
		Expect(decode[ledger.Totals](call(http.MethodGet, api+"/totals", ""))).To(Equal(ledger.Totals{}))
		Expect(put(api, "t-1", "acct-1", 5).code).To(Equal(http.StatusCreated))
		Expect(put(api, "t-2", "acct-2", -2).code).To(Equal(http.StatusCreated))
		Expect(put(api, "t-3", "acct-2", 10).code).To(Equal(http.StatusCreated))
		Expect(put(api, "t-3", "acct-2", 10).code).To(Equal(http.StatusOK))
		for _, base := range []string{store, api} {
			Expect(decode[ledger.Totals](call(http.MethodGet, base+"/totals", ""))).
				To(Equal(ledger.Totals{Balance: 13, Entries: 3, Accounts: 2}))
		}
	})

	It("counts applications in \"applied\": 1 for a write and its retries", func() {
		first := put(api, "a-1", "acct-1", 5)
		Expect(decode[ledger.Entry](first).Applied).To(Equal(1))
		Expect(decode[ledger.Entry](put(api, "a-1", "acct-1", 5)).Applied).To(Equal(1))
		got := call(http.MethodGet, api+"/entries/a-1", "")
		Expect(decode[map[string]any](got)).To(HaveKeyWithValue("applied", BeNumerically("==", 1)))
	})
})

var _ = Describe("the api's id list when the store fails mid-answer", func() {
	It("cuts the client's connection instead of ending the list cleanly", func() {
		// A store that sends part of the list, then stalls.
		stalled := make(chan struct{})
		DeferCleanup(func() { close(stalled) })
		store := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, strings.Repeat("some-id\n", 100))
			http.NewResponseController(w).Flush()
			select {
			case <-stalled:
			case <-r.Context().Done():
			}
		}))
		api := startAPI(ledger.APIConfig{StoreURL: store, StoreTimeout: 300 * time.Millisecond})
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, api+"/entries", nil)
		Expect(err).NotTo(HaveOccurred())
		resp, err := client.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		body, err := io.ReadAll(resp.Body)
		Expect(err).To(MatchError(io.ErrUnexpectedEOF))
		Expect(string(body)).To(HavePrefix("some-id\n"))
	})

	It("answers 504 when the store sends nothing in time, and 502 when it is gone", func() {
		api := startAPI(ledger.APIConfig{StoreURL: "http://" + blackhole(), StoreTimeout: 200 * time.Millisecond})
		Expect(call(http.MethodGet, api+"/entries", "").code).To(Equal(http.StatusGatewayTimeout))
		api = startAPI(ledger.APIConfig{StoreURL: "http://" + closedPort()})
		Expect(call(http.MethodGet, api+"/entries", "").code).To(Equal(http.StatusBadGateway))
	})
})
