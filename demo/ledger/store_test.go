package ledger_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

var _ = Describe("the store tier", func() {
	var base, dir string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		_, base = startStore(ledger.StoreConfig{DataDir: dir, Version: "v7"})
	})

	It("creates an entry once and reads it back", func() {
		a := put(base, "req-1", "acct-3", 5)
		Expect(a.code).To(Equal(http.StatusCreated))
		Expect(a.header.Get(ledger.HeaderVersion)).To(Equal("v7"))
		Expect(a.header.Get(ledger.HeaderTier)).To(Equal("store"))
		created := decode[ledger.Entry](a)
		Expect(created.CreatedAt).NotTo(BeZero())
		Expect(created).To(Equal(ledger.Entry{ID: "req-1", Account: "acct-3", Amount: 5, CreatedAt: created.CreatedAt, Applied: 1}))

		got := call(http.MethodGet, base+"/entries/req-1", "")
		Expect(got.code).To(Equal(http.StatusOK))
		Expect(decode[ledger.Entry](got)).To(Equal(created))
	})

	It("applies a retried write once, and answers the first entry", func() {
		first := put(base, "req-1", "acct-3", 5)
		Expect(first.code).To(Equal(http.StatusCreated))
		retry := put(base, "req-1", "acct-3", 5)
		Expect(retry.code).To(Equal(http.StatusOK))
		Expect(decode[ledger.Entry](retry)).To(Equal(decode[ledger.Entry](first)))
		// A retry carrying another body still answers what was applied.
		other := put(base, "req-1", "acct-9", 50)
		Expect(other.code).To(Equal(http.StatusOK))
		Expect(decode[ledger.Entry](other).Account).To(Equal("acct-3"))

		Expect(account(base, "acct-3")).To(Equal(ledger.Account{Account: "acct-3", Balance: 5, Entries: 1}))
		Expect(account(base, "acct-9")).To(Equal(ledger.Account{Account: "acct-9"}))
		Expect(count(openDB(dir), `SELECT COUNT(*) FROM entries WHERE request_id = 'req-1'`)).To(Equal(1))
	})

	It("applies concurrent retries of one write once", func() {
		const n = 12
		codes := make(chan int, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				defer GinkgoRecover()
				codes <- put(base, "req-race", "acct-1", 7).code
			})
		}
		wg.Wait()
		close(codes)
		var got []int
		for c := range codes {
			got = append(got, c)
		}
		Expect(got).To(HaveLen(n))
		created := 0
		for _, c := range got {
			Expect(c).To(BeElementOf(http.StatusCreated, http.StatusOK))
			if c == http.StatusCreated {
				created++
			}
		}
		Expect(created).To(Equal(1))
		Expect(account(base, "acct-1")).To(Equal(ledger.Account{Account: "acct-1", Balance: 7, Entries: 1}))
	})

	It("sums an account over its entries", func() {
		for i, amount := range []int{5, -2, 10} {
			Expect(put(base, fmt.Sprintf("sum-%d", i), "acct-2", amount).code).To(Equal(http.StatusCreated))
		}
		Expect(account(base, "acct-2")).To(Equal(ledger.Account{Account: "acct-2", Balance: 13, Entries: 3}))
	})

	It("answers 404 for an entry it does not hold", func() {
		a := call(http.MethodGet, base+"/entries/never-written", "")
		Expect(a.code).To(Equal(http.StatusNotFound))
		Expect(a.header.Get(ledger.HeaderVersion)).To(Equal("v7"))
	})

	DescribeTable("rejects a bad write with 400 and writes nothing",
		func(id, body string) {
			a := call(http.MethodPut, base+"/entries/"+id, body)
			Expect(a.code).To(Equal(http.StatusBadRequest), string(a.body))
			Expect(decode[map[string]string](a)).To(HaveKeyWithValue("error", Not(BeEmpty())))
			Expect(count(openDB(dir), `SELECT COUNT(*) FROM entries`)).To(BeZero())
		},
		Entry("malformed JSON", "bad-1", `{"account":`),
		Entry("no amount", "bad-2", `{"account":"acct-1"}`),
		Entry("no account", "bad-3", `{"amount":1}`),
		Entry("an unknown field", "bad-4", `{"account":"acct-1","amount":1,"note":"x"}`),
		Entry("an empty account", "bad-5", `{"account":"","amount":1}`),
		Entry("an account with a slash", "bad-6", `{"account":"a/b","amount":1}`),
		Entry("a fractional amount", "bad-7", `{"account":"acct-1","amount":1.5}`),
		Entry("an amount past the limit", "bad-8", `{"account":"acct-1","amount":1000000000001}`),
		Entry("two objects", "bad-9", `{"account":"acct-1","amount":1}{}`),
		Entry("an id too long", fmt.Sprintf("%0129d", 0), `{"account":"acct-1","amount":1}`),
		Entry("an id with a space", "bad%20id", `{"account":"acct-1","amount":1}`),
	)

	It("reports its version and schema on /healthz", func() {
		a := call(http.MethodGet, base+"/healthz", "")
		Expect(a.code).To(Equal(http.StatusOK))
		Expect(decode[ledger.Health](a)).To(Equal(ledger.Health{Status: "ok", Tier: ledger.TierStore, Version: "v7", Schema: cleanSchema}))
	})

	It("labels even the answers of unknown routes", func() {
		a := call(http.MethodDelete, base+"/entries/x", "")
		Expect(a.code).To(Equal(http.StatusMethodNotAllowed))
		Expect(a.header.Get(ledger.HeaderTier)).To(Equal("store"))
		Expect(a.header.Get(ledger.HeaderVersion)).To(Equal("v7"))
	})

	It("keeps its database in WAL mode", func() {
		var mode string
		Expect(openDB(dir).QueryRow(`PRAGMA journal_mode`).Scan(&mode)).To(Succeed())
		Expect(mode).To(Equal("wal"))
	})
})

var _ = Describe("the store's data", func() {
	ctx := context.Background()

	It("survives closing and reopening", func() {
		dir := GinkgoT().TempDir()
		st, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir})
		Expect(err).NotTo(HaveOccurred())
		e, created, err := st.Put(ctx, "req-1", ledger.Posting{Account: "acct-1", Amount: 3})
		Expect(err).NotTo(HaveOccurred())
		Expect(created).To(BeTrue())
		Expect(st.Close()).To(Succeed())

		st, err = ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(st.Close)
		Expect(st.Get(ctx, "req-1")).To(Equal(e))
		_, err = st.Get(ctx, "req-2")
		Expect(err).To(MatchError(ledger.ErrNotFound))
	})

	It("refuses a database a newer release migrated", func() {
		dir := GinkgoT().TempDir()
		st, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir})
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Close()).To(Succeed())
		_, err = openDB(dir).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9, 'from_the_future', '')`)
		Expect(err).NotTo(HaveOccurred())

		_, err = ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir})
		Expect(err).To(MatchError(ledger.ErrSchemaTooNew))
	})

	It("refuses an api-tier defect", func() {
		_, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: GinkgoT().TempDir(), Defects: ledger.Defects{Latency: 1}})
		Expect(err).To(MatchError(ledger.ErrDefectTier))
	})
})

var _ = Describe("the double-apply defect", func() {
	It("inserts a retried write again, while reads still show the first, applied twice", func() {
		_, base := startStore(ledger.StoreConfig{Version: "v2", Defects: ledger.Defects{DoubleApply: true}})
		first := put(base, "req-1", "acct-3", 5)
		Expect(first.code).To(Equal(http.StatusCreated))
		Expect(decode[ledger.Entry](first).Applied).To(Equal(1))
		second := put(base, "req-1", "acct-3", 5)
		Expect(second.code).To(Equal(http.StatusCreated))
		Expect(decode[ledger.Entry](second).Applied).To(Equal(2))

		Expect(account(base, "acct-3")).To(Equal(ledger.Account{Account: "acct-3", Balance: 10, Entries: 2}))
		got := call(http.MethodGet, base+"/entries/req-1", "")
		Expect(got.code).To(Equal(http.StatusOK))
		want := decode[ledger.Entry](first)
		want.Applied = 2
		Expect(decode[ledger.Entry](got)).To(Equal(want))
		Expect(decode[ledger.Totals](call(http.MethodGet, base+"/totals", ""))).
			To(Equal(ledger.Totals{Balance: 10, Entries: 2, Accounts: 1}))
	})
})
