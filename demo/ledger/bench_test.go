package ledger_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

// BenchmarkListIDs streams the id list of a store holding one million
// entries over loopback, as a durability check of 1,000,000 acknowledged
// writes does, through the store alone and through the api.
func BenchmarkListIDs(b *testing.B) {
	const n = 1_000_000
	ctx := context.Background()
	dir := b.TempDir()
	fill(b, dir, n)
	st, err := ledger.OpenStore(ctx, ledger.StoreConfig{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	store := benchServe(b, st.Handler())
	api, err := ledger.NewAPI(ledger.APIConfig{StoreURL: store})
	if err != nil {
		b.Fatal(err)
	}
	defer api.Close()
	for _, tier := range []struct{ name, url string }{{"store", store}, {"api", benchServe(b, api.Handler())}} {
		b.Run(tier.name, func(b *testing.B) {
			for b.Loop() {
				if got := countLines(b, tier.url+"/entries"); got != n {
					b.Fatalf("listed %d ids, want %d", got, n)
				}
			}
		})
	}
}

// fill creates the ledger database of dataDir and inserts n entries and
// their applied rows straight into it, as fast as SQLite allows: no
// journal sync, indexes built once at the end.
func fill(b *testing.B, dataDir string, n int) {
	b.Helper()
	start := time.Now()
	if _, err := (ledger.Migrator{DataDir: dataDir}).Up(context.Background(), len(ledger.Migrations())); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", ledger.DatabasePath(dataDir))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // the pragmas hold for one connection
	for _, q := range []string{
		`PRAGMA journal_mode = DELETE`,
		`PRAGMA synchronous = OFF`,
		`PRAGMA cache_size = -262144`,
		`BEGIN`,
		`DROP INDEX entries_by_account`,
		`DROP INDEX entries_by_request_id`,
		`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ` + strconv.Itoa(n) + `)
		INSERT INTO entries (request_id, account, amount, created_at)
		SELECT printf('writes-%07d-%08x', i, i * 2654435761 % 4294967296), 'acct-' || (i % 10), 1, '2026-01-01T00:00:00Z' FROM c`,
		`INSERT INTO applied (request_id, seq) SELECT request_id, seq FROM entries`,
		`CREATE INDEX entries_by_account ON entries (account, amount)`,
		`CREATE INDEX entries_by_request_id ON entries (request_id)`,
		`COMMIT`,
		`PRAGMA journal_mode = WAL`,
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	b.Logf("filled %d entries in %s", n, time.Since(start).Round(time.Millisecond))
}

func benchServe(b *testing.B, h http.Handler) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ledger.Serve(ctx, ln, h, nil) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	})
	return "http://" + ln.Addr().String()
}

func countLines(b *testing.B, url string) int {
	b.Helper()
	c := &http.Client{Timeout: time.Minute}
	resp, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatal(fmt.Errorf("GET %s: %d", url, resp.StatusCode))
	}
	sc := bufio.NewScanner(resp.Body)
	n := 0
	for sc.Scan() {
		n++
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}
