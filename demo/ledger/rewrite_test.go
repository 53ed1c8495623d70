package ledger_test

import (
	"context"
	"crypto/sha256"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

// rewriteVersion is the number of the migration-rewrite defect's migration.
const rewriteVersion = cleanSchema + 1

// seedLedger writes two entries, a key and a flag through a clean store on
// dir, then closes it.
func seedLedger(ctx context.Context, dir string) {
	GinkgoHelper()
	st, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir})
	Expect(err).NotTo(HaveOccurred())
	for _, p := range []struct {
		id      string
		account string
		amount  int64
	}{{"e-1", "acct-1", 3}, {"e-2", "acct-2", 7}} {
		_, _, err := st.Put(ctx, p.id, ledger.Posting{Account: p.account, Amount: p.amount})
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(st.PutValue(ctx, "k", "v1")).To(Succeed())
	Expect(st.SetFlag(ctx, "fast-path", false)).To(Succeed())
	Expect(st.Close()).To(Succeed())
}

// openWith opens a store on dir with defects and closes it when the spec
// ends.
func openWith(ctx context.Context, dir string, d ledger.Defects) *ledger.Store {
	GinkgoHelper()
	st, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir, Defects: d})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(st.Close)
	return st
}

// rewrite runs a store with the migration-rewrite defect on dir once.
func rewrite(ctx context.Context, dir string) {
	GinkgoHelper()
	st, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir, Defects: ledger.Defects{MigrationRewrite: true}})
	Expect(err).NotTo(HaveOccurred())
	Expect(st.Close()).To(Succeed())
}

func digest(ctx context.Context, dir string) ledger.StateDigest {
	GinkgoHelper()
	d, err := ledger.Digest(ctx, dir)
	Expect(err).NotTo(HaveOccurred())
	return d
}

func totals(ctx context.Context, dir string) ledger.Totals {
	GinkgoHelper()
	st, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir})
	Expect(err).NotTo(HaveOccurred())
	defer st.Close()
	t, err := st.Totals(ctx)
	Expect(err).NotTo(HaveOccurred())
	return t
}

var _ = Describe("the migration-rewrite defect", func() {
	ctx := context.Background()
	var dir string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		seedLedger(ctx, dir)
	})

	It("rewrites the data at start: amounts in cents, old entries no longer read back", func() {
		st := openWith(ctx, dir, ledger.Defects{MigrationRewrite: true})
		Expect(st.SchemaVersion(ctx)).To(Equal(rewriteVersion))
		_, err := st.Get(ctx, "e-1")
		Expect(err).To(MatchError(ledger.ErrNotFound))
		Expect(st.Totals(ctx)).To(Equal(ledger.Totals{Balance: 1000, Entries: 2, Accounts: 2}))
		Expect(st.GetValue(ctx, "k")).To(Equal("v1"), "the register is not touched")

		e, created, err := st.Put(ctx, "e-3", ledger.Posting{Account: "acct-1", Amount: 1})
		Expect(err).NotTo(HaveOccurred())
		Expect(created).To(BeTrue())
		Expect(st.Get(ctx, "e-3")).To(Equal(e), "new writes still work")
	})

	It("leaves a database the clean store refuses until migrated down, and the down keeps the rewritten data", func() {
		rewrite(ctx, dir)
		_, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir})
		Expect(err).To(MatchError(ledger.ErrSchemaTooNew))

		st, err := (ledger.Migrator{DataDir: dir}).Status(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Version).To(Equal(rewriteVersion))
		Expect(st.Migrations[rewriteVersion-1].Defect).To(Equal("migration-rewrite"))

		steps, err := (ledger.Migrator{DataDir: dir}).Down(ctx, cleanSchema)
		Expect(err).NotTo(HaveOccurred())
		Expect(steps).To(Equal([]ledger.Step{{Version: rewriteVersion, Name: "amounts_to_cents", Down: true}}))
		Expect(count(openDB(dir), `SELECT COUNT(*) FROM pragma_table_info('entries') WHERE name = 'amount_unit'`)).To(BeZero())

		clean := openWith(ctx, dir, ledger.Defects{})
		Expect(clean.SchemaVersion(ctx)).To(Equal(cleanSchema))
		Expect(clean.Totals(ctx)).To(Equal(ledger.Totals{Balance: 1000, Entries: 2, Accounts: 2}))
		_, err = clean.Get(ctx, "e-2")
		Expect(err).To(MatchError(ledger.ErrNotFound), "only a snapshot restore brings the entries back")
	})

	It("is refused by the api tier", func() {
		_, err := ledger.NewAPI(ledger.APIConfig{StoreURL: "http://127.0.0.1:1", Defects: ledger.Defects{MigrationRewrite: true}})
		Expect(err).To(MatchError(ledger.ErrDefectTier))
	})
})

var _ = Describe("migrating the rewrite down twice", func() {
	ctx := context.Background()
	var dir string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		seedLedger(ctx, dir)
		rewrite(ctx, dir)
	})

	It("is a no-op the second time for the clean tool", func() {
		m := ledger.Migrator{DataDir: dir}
		_, err := m.Down(ctx, cleanSchema)
		Expect(err).NotTo(HaveOccurred())
		once := digest(ctx, dir)
		Expect(once.Schema).To(Equal(cleanSchema))

		steps, err := m.Down(ctx, cleanSchema)
		Expect(err).NotTo(HaveOccurred())
		Expect(steps).To(BeEmpty())
		Expect(digest(ctx, dir)).To(Equal(once))
	})

	It("changes the data again under non-idempotent-down, though the schema is already there", func() {
		m := ledger.Migrator{DataDir: dir, Defects: ledger.Defects{NonIdempotentDown: true}}
		_, err := m.Down(ctx, cleanSchema)
		Expect(err).NotTo(HaveOccurred())
		once := digest(ctx, dir)
		Expect(once.Schema).To(Equal(cleanSchema))
		Expect(totals(ctx, dir).Balance).To(BeEquivalentTo(10), "the first run divides the cents back")

		steps, err := m.Down(ctx, cleanSchema)
		Expect(err).NotTo(HaveOccurred())
		Expect(steps).To(Equal([]ledger.Step{{Version: rewriteVersion, Name: "amounts_to_cents", Down: true}}))
		twice := digest(ctx, dir)
		Expect(twice.Schema).To(Equal(once.Schema))
		Expect(twice.Data).NotTo(Equal(once.Data))
		Expect(totals(ctx, dir).Balance).To(BeZero(), "the second run divides again")
	})

	It("does not touch the data under non-idempotent-down when the target is at or above the rewrite", func() {
		before := digest(ctx, dir)
		steps, err := (ledger.Migrator{DataDir: dir, Defects: ledger.Defects{NonIdempotentDown: true}}).Down(ctx, rewriteVersion)
		Expect(err).NotTo(HaveOccurred())
		Expect(steps).To(BeEmpty())
		Expect(digest(ctx, dir)).To(Equal(before))
	})
})

var _ = Describe("Digest", func() {
	ctx := context.Background()
	var dir string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		seedLedger(ctx, dir)
	})

	fileSum := func() [32]byte {
		GinkgoHelper()
		b, err := os.ReadFile(ledger.DatabasePath(dir))
		Expect(err).NotTo(HaveOccurred())
		return sha256.Sum256(b)
	}

	It("reads without writing, and is stable across reads and idle store restarts", func() {
		sum := fileSum()
		first := digest(ctx, dir)
		Expect(first.Schema).To(Equal(cleanSchema))
		Expect(first.Data).To(MatchRegexp(`^sha256:[0-9a-f]{64}$`))
		Expect(first.String()).To(Equal("schema=5 data=" + first.Data))
		Expect(fileSum()).To(Equal(sum), "the database file is untouched")
		Expect(digest(ctx, dir)).To(Equal(first))

		st, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir})
		Expect(err).NotTo(HaveOccurred())
		Expect(st.Close()).To(Succeed())
		Expect(digest(ctx, dir)).To(Equal(first))
	})

	It("changes with any table's data, and not with a write of the same value", func() {
		first := digest(ctx, dir)
		st := openWith(ctx, dir, ledger.Defects{})
		Expect(st.SetFlag(ctx, "fast-path", false)).To(Succeed()) // already false
		Expect(st.PutValue(ctx, "k", "v1")).To(Succeed())         // already v1
		Expect(digest(ctx, dir)).To(Equal(first))

		Expect(st.SetFlag(ctx, "fast-path", true)).To(Succeed())
		flagged := digest(ctx, dir)
		Expect(flagged.Data).NotTo(Equal(first.Data))
		Expect(st.PutValue(ctx, "k", "v2")).To(Succeed())
		Expect(digest(ctx, dir).Data).NotTo(Equal(flagged.Data))
	})

	It("fails with ErrNoDatabase on an empty data dir", func() {
		_, err := ledger.Digest(ctx, GinkgoT().TempDir())
		Expect(err).To(MatchError(ledger.ErrNoDatabase))
	})
})
