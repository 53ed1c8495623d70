package verify_test

import (
	"database/sql"
	"errors"
	"github.com/faultdrill/faultdrill/internal/testpg"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/verify"
)

var _ = Describe("Invariants over PostgreSQL", Ordered, Label("postgres"), func() {
	var pg *testpg.Server
	var db *sql.DB
	BeforeAll(func(ctx SpecContext) {
		pg = testpg.Start(ctx, "verify")
		var err error
		db, err = sql.Open("pgx", pg.DSN())
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(db.Close)
		_, err = db.ExecContext(ctx, `CREATE TABLE accounts (id text PRIMARY KEY, balance numeric(12,2) NOT NULL);
			INSERT INTO accounts VALUES ('a', 700), ('b', 800)`)
		Expect(err).NotTo(HaveOccurred())
	}, NodeTimeout(60*time.Second))

	sum := func() verify.Invariant {
		return verify.Invariant{Name: "balance-sum", Unchanged: true,
			SQL: &verify.SQLProbe{Driver: "postgres", DSN: pg.DSN(), Query: "SELECT SUM(balance) FROM accounts"}}
	}

	It("holds while the sum of balances is unchanged, and breaks when a transfer loses money", func(ctx SpecContext) {
		before, err := verify.MeasureInvariant(ctx, "", sum())
		Expect(err).NotTo(HaveOccurred())
		Expect(before).To(Equal("1500.00"))

		_, err = db.ExecContext(ctx, `UPDATE accounts SET balance = balance + 100 WHERE id = 'a';
			UPDATE accounts SET balance = balance - 100 WHERE id = 'b'`)
		Expect(err).NotTo(HaveOccurred())
		after, err := verify.MeasureInvariant(ctx, "", sum())
		Expect(verify.CheckInvariant(sum(), before, after, err).Verdict).To(Equal(verify.Success))

		_, err = db.ExecContext(ctx, `UPDATE accounts SET balance = balance - 100 WHERE id = 'b'`)
		Expect(err).NotTo(HaveOccurred())
		after, err = verify.MeasureInvariant(ctx, "", sum())
		res := verify.CheckInvariant(sum(), before, after, err)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("after", "1400.00"))
		_, err = db.ExecContext(ctx, `UPDATE accounts SET balance = balance + 100 WHERE id = 'b'`)
		Expect(err).NotTo(HaveOccurred())
	}, SpecTimeout(20*time.Second))

	It("compares a numeric sum to an expected integer by value", func(ctx SpecContext) {
		inv := sum()
		inv.Unchanged, inv.Equals = false, "1500"
		after, err := verify.MeasureInvariant(ctx, "", inv)
		Expect(verify.CheckInvariant(inv, "", after, err).Verdict).To(Equal(verify.Success), after)
	}, SpecTimeout(20*time.Second))

	It("queries in a read-only transaction: a write through the probe is refused", func(ctx SpecContext) {
		inv := sum()
		inv.SQL.Query = "UPDATE accounts SET balance = 0 RETURNING balance"
		_, err := verify.MeasureInvariant(ctx, "", inv)
		var pgErr *pgconn.PgError
		Expect(errors.As(err, &pgErr)).To(BeTrue(), "%v", err)
		Expect(pgErr.Code).To(Equal("25006"), "read_only_sql_transaction")
		Expect(verify.MeasureInvariant(ctx, "", sum())).To(Equal("1500.00"))
	}, SpecTimeout(20*time.Second))

	It("reports no row with ErrNoValue, and an unreachable server as an error", func(ctx SpecContext) {
		inv := sum()
		inv.SQL.Query = "SELECT balance FROM accounts WHERE id = 'nobody'"
		_, err := verify.MeasureInvariant(ctx, "", inv)
		Expect(errors.Is(err, verify.ErrNoValue)).To(BeTrue(), "%v", err)

		inv.SQL.DSN = "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2"
		_, err = verify.MeasureInvariant(ctx, "", inv)
		Expect(err).To(HaveOccurred())
		Expect(verify.CheckInvariant(inv, "", "", err).Verdict).To(Equal(verify.Unknown))
	}, SpecTimeout(20*time.Second))
})
