package verify_test

import (
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/faultdrill/faultdrill/verify"
)

// jsonServer answers GET /accounts/total with body() and any other path
// with 404.
func jsonServer(body func() string) *httptest.Server {
	GinkgoHelper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/accounts/total" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body()))
	}))
	DeferCleanup(srv.Close)
	return srv
}

func httpInvariant(jsonPath string) verify.Invariant {
	return verify.Invariant{Name: "total", HTTP: &verify.HTTPProbe{Path: "/accounts/total", JSONPath: jsonPath}, Unchanged: true}
}

var _ = Describe("Invariants over HTTP", func() {
	It("reads the value at a JSON path, before and after, and fails when it changed", func(ctx SpecContext) {
		var total atomic.Int64
		total.Store(1500)
		srv := jsonServer(func() string {
			return `{"balance":{"total":` + itoa(total.Load()) + `,"currency":"EUR"},"accounts":[{"id":"a"},{"id":"b"}]}`
		})
		inv := httpInvariant("$.balance.total")
		before, err := verify.MeasureInvariant(ctx, srv.URL, inv)
		Expect(err).NotTo(HaveOccurred())
		Expect(before).To(Equal("1500"))

		after, err := verify.MeasureInvariant(ctx, srv.URL, inv)
		res := verify.CheckInvariant(inv, before, after, err)
		Expect(res.Name).To(Equal("invariant/total"))
		Expect(res.Integrity).To(BeTrue())
		Expect(res.Verdict).To(Equal(verify.Success), res.Summary)

		total.Store(1400) // a write was lost
		after, err = verify.MeasureInvariant(ctx, srv.URL, inv)
		res = verify.CheckInvariant(inv, before, after, err)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("before", "1500"))
		Expect(res.Evidence).To(HaveKeyWithValue("after", "1400"))
		Expect(res.Summary).To(ContainSubstring("1400"))
	}, SpecTimeout(5*time.Second))

	DescribeTable("selects values by JSON path",
		func(ctx SpecContext, path, want string) {
			srv := jsonServer(func() string {
				return `{"balance":{"total":1.50e3,"currency":"EUR","ok":true,"none":null},"accounts":[{"id":"a"},{"id":"b","tags":[1,2]}]}`
			})
			got, err := verify.MeasureInvariant(ctx, srv.URL, httpInvariant(path))
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(want))
		},
		Entry("a number as written", "$.balance.total", "1.50e3"),
		Entry("without $", "balance.currency", "EUR"),
		Entry("a boolean", "$.balance.ok", "true"),
		Entry("null", "$.balance.none", "null"),
		Entry("an array element", "$.accounts[1].id", "b"),
		Entry("an array as JSON", "accounts[1].tags", "[1,2]"),
		Entry("an object as JSON", "$.accounts[0]", `{"id":"a"}`),
	)

	DescribeTable("fails to measure, with the sentinel error",
		func(ctx SpecContext, inv verify.Invariant, body string, want error) {
			srv := jsonServer(func() string { return body })
			_, err := verify.MeasureInvariant(ctx, srv.URL, inv)
			Expect(errors.Is(err, want)).To(BeTrue(), "%v", err)
		},
		Entry("a missing key", httpInvariant("$.balance.missing"), `{"balance":{}}`, verify.ErrNoValue),
		Entry("an index out of range", httpInvariant("$.accounts[2]"), `{"accounts":[1]}`, verify.ErrNoValue),
		Entry("a key into a number", httpInvariant("$.balance.total"), `{"balance":3}`, verify.ErrNoValue),
		Entry("a body that is not JSON", httpInvariant("$.balance"), `<html>`, verify.ErrBadResponse),
		Entry("a 404", verify.Invariant{Name: "x", HTTP: &verify.HTTPProbe{Path: "/nowhere", JSONPath: "$.a"}, Equals: "1"}, `{}`, verify.ErrBadResponse),
		Entry("a bad JSON path", httpInvariant("$.balance..total"), `{}`, verify.ErrInvalidSpec),
		Entry("an unclosed index", httpInvariant("$.accounts[0"), `{}`, verify.ErrInvalidSpec),
	)

	It("compares to an expected value, numbers by value", func() {
		inv := verify.Invariant{Name: "n", HTTP: &verify.HTTPProbe{Path: "/a", JSONPath: "$.n"}, Equals: "100"}
		Expect(verify.CheckInvariant(inv, "", "100.00", nil).Verdict).To(Equal(verify.Success))
		Expect(verify.CheckInvariant(inv, "", "1e2", nil).Verdict).To(Equal(verify.Success))
		Expect(verify.CheckInvariant(inv, "", "100.01", nil).Verdict).To(Equal(verify.Failure))
		Expect(verify.CheckInvariant(inv, "", "0x64", nil).Verdict).To(Equal(verify.Failure), "only decimal numbers compare by value")
		inv.Equals = "EUR"
		Expect(verify.CheckInvariant(inv, "", "EUR", nil).Verdict).To(Equal(verify.Success))
		res := verify.CheckInvariant(inv, "", "USD", nil)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("expected", "EUR"))
	})

	It("is unknown when a measurement failed", func() {
		res := verify.CheckInvariant(httpInvariant("$.a"), "", "", verify.ErrNoValue)
		Expect(res.Verdict).To(Equal(verify.Unknown))
		Expect(res.Evidence).To(HaveKeyWithValue("error", verify.ErrNoValue.Error()))
	})
})

var _ = Describe("Invariant.Validate", func() {
	probe := &verify.HTTPProbe{Path: "/a", JSONPath: "$.a"}
	DescribeTable("rejects, wrapping ErrInvalidSpec",
		func(inv verify.Invariant) {
			err := inv.Validate()
			Expect(errors.Is(err, verify.ErrInvalidSpec)).To(BeTrue(), "%v", err)
			Expect(verify.CheckInvariant(inv, "1", "1", nil).Verdict).To(Equal(verify.Unknown))
		},
		Entry("no name", verify.Invariant{HTTP: probe, Equals: "1"}),
		Entry("no probe", verify.Invariant{Name: "a", Equals: "1"}),
		Entry("two probes", verify.Invariant{Name: "a", HTTP: probe, SQL: &verify.SQLProbe{Driver: "sqlite", DSN: "x", Query: "SELECT 1"}, Equals: "1"}),
		Entry("nothing to compare to", verify.Invariant{Name: "a", HTTP: probe}),
		Entry("both equals and unchanged", verify.Invariant{Name: "a", HTTP: probe, Equals: "1", Unchanged: true}),
		Entry("a relative path", verify.Invariant{Name: "a", HTTP: &verify.HTTPProbe{Path: "a", JSONPath: "$.a"}, Equals: "1"}),
		Entry("an unknown driver", verify.Invariant{Name: "a", SQL: &verify.SQLProbe{Driver: "mysql", DSN: "x", Query: "SELECT 1"}, Equals: "1"}),
		Entry("no query", verify.Invariant{Name: "a", SQL: &verify.SQLProbe{Driver: "sqlite", DSN: "x"}, Equals: "1"}),
	)
})

var _ = Describe("Invariants over SQLite", func() {
	var path string
	var db *sql.DB
	BeforeEach(func() {
		path = filepath.Join(GinkgoT().TempDir(), "ledger.db")
		var err error
		db, err = sql.Open("sqlite", path+"?_pragma=journal_mode(wal)")
		Expect(err).NotTo(HaveOccurred())
		db.SetMaxOpenConns(1)
		DeferCleanup(db.Close)
		_, err = db.Exec(`CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER NOT NULL);
			INSERT INTO accounts VALUES ('a', 700), ('b', 800);`)
		Expect(err).NotTo(HaveOccurred())
	})

	sqlite := func(query string) verify.Invariant {
		return verify.Invariant{Name: "sum", SQL: &verify.SQLProbe{Driver: "sqlite", DSN: path, Query: query}, Unchanged: true}
	}

	It("reads a value while the writer holds the database open, and sees it change", func(ctx SpecContext) {
		inv := sqlite("SELECT SUM(balance) FROM accounts")
		before, err := verify.MeasureInvariant(ctx, "", inv)
		Expect(err).NotTo(HaveOccurred())
		Expect(before).To(Equal("1500"))

		_, err = db.Exec(`UPDATE accounts SET balance = balance - 100 WHERE id = 'a'`)
		Expect(err).NotTo(HaveOccurred())
		after, err := verify.MeasureInvariant(ctx, "", inv)
		res := verify.CheckInvariant(inv, before, after, err)
		Expect(res.Verdict).To(Equal(verify.Failure))
		Expect(res.Evidence).To(HaveKeyWithValue("after", "1400"))
	}, SpecTimeout(10*time.Second))

	It("opens the database read-only: a write through the probe fails and changes nothing", func(ctx SpecContext) {
		_, err := verify.MeasureInvariant(ctx, "", sqlite("UPDATE accounts SET balance = 0 RETURNING balance"))
		var sqliteErr *msqlite.Error
		Expect(errors.As(err, &sqliteErr)).To(BeTrue(), "%v", err)
		Expect(sqliteErr.Code()&0xff).To(Equal(sqlite3.SQLITE_READONLY), "%v", err)
		got, err := verify.MeasureInvariant(ctx, "", sqlite("SELECT SUM(balance) FROM accounts"))
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal("1500"))
	}, SpecTimeout(10*time.Second))

	It("never creates a database that does not exist", func(ctx SpecContext) {
		missing := filepath.Join(filepath.Dir(path), "missing.db")
		inv := sqlite("SELECT 1")
		inv.SQL.DSN = missing
		_, err := verify.MeasureInvariant(ctx, "", inv)
		Expect(err).To(HaveOccurred())
		_, statErr := os.Stat(missing)
		Expect(os.IsNotExist(statErr)).To(BeTrue())
	}, SpecTimeout(10*time.Second))

	It("reads a path with URI characters in it", func(ctx SpecContext) {
		odd := filepath.Join(filepath.Dir(path), "odd?name#1%.db")
		odb, err := sql.Open("sqlite", "file:"+urlPathEscape(odd))
		Expect(err).NotTo(HaveOccurred())
		_, err = odb.Exec(`CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('here')`)
		Expect(err).NotTo(HaveOccurred())
		Expect(odb.Close()).To(Succeed())
		Expect(odd).To(BeARegularFile())
		inv := sqlite("SELECT v FROM t")
		inv.SQL.DSN = odd
		Expect(verify.MeasureInvariant(ctx, "", inv)).To(Equal("here"))
	}, SpecTimeout(10*time.Second))

	It("writes NULL as null and reports no row with ErrNoValue", func(ctx SpecContext) {
		Expect(verify.MeasureInvariant(ctx, "", sqlite("SELECT NULL"))).To(Equal("null"))
		Expect(verify.MeasureInvariant(ctx, "", sqlite("SELECT 2.5"))).To(Equal("2.5"))
		_, err := verify.MeasureInvariant(ctx, "", sqlite("SELECT id FROM accounts WHERE id = 'zz'"))
		Expect(errors.Is(err, verify.ErrNoValue)).To(BeTrue(), "%v", err)
	}, SpecTimeout(10*time.Second))
})

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// urlPathEscape escapes the characters an SQLite URI gives meaning to.
func urlPathEscape(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}
