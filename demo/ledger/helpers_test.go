package ledger_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

// cleanSchema is the schema version of the clean release.
const cleanSchema = 5

// client talks to a tier over loopback; every request is bounded in time.
var client = &http.Client{Timeout: 5 * time.Second}

// answer is one HTTP answer, read whole.
type answer struct {
	code   int
	header http.Header
	body   []byte
}

// call sends one request and reads the whole answer.
func call(method, url, body string) answer {
	GinkgoHelper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	resp, err := client.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return answer{code: resp.StatusCode, header: resp.Header, body: b}
}

// put writes amount to account under request id through base.
func put(base, id, account string, amount int) answer {
	GinkgoHelper()
	return call(http.MethodPut, base+"/entries/"+id, fmt.Sprintf(`{"account":%q,"amount":%d}`, account, amount))
}

// decode unmarshals an answer's body into a T.
func decode[T any](a answer) T {
	GinkgoHelper()
	var v T
	Expect(json.Unmarshal(a.body, &v)).To(Succeed(), string(a.body))
	return v
}

// account reads an account's balance from base.
func account(base, name string) ledger.Account {
	GinkgoHelper()
	a := call(http.MethodGet, base+"/accounts/"+name, "")
	Expect(a.code).To(Equal(http.StatusOK), string(a.body))
	return decode[ledger.Account](a)
}

// serve runs h on a fresh loopback port until the spec ends, and returns
// its base URL.
func serve(h http.Handler) string {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ledger.Serve(ctx, ln, h, nil) }()
	DeferCleanup(func() {
		cancel()
		Eventually(done).WithTimeout(ledger.ShutdownGrace).Should(Receive(BeNil()))
	})
	return "http://" + ln.Addr().String()
}

// startStore opens a store on dataDir (a fresh temp dir when empty) and
// serves it; the store is closed when the spec ends.
func startStore(cfg ledger.StoreConfig) (*ledger.Store, string) {
	GinkgoHelper()
	if cfg.DataDir == "" {
		cfg.DataDir = GinkgoT().TempDir()
	}
	st, err := ledger.OpenStore(context.Background(), cfg)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(st.Close) // runs after the server below has stopped
	return st, serve(st.Handler())
}

// startAPI serves an api tier in front of storeURL.
func startAPI(cfg ledger.APIConfig) string {
	GinkgoHelper()
	api, err := ledger.NewAPI(cfg)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(api.Close)
	return serve(api.Handler())
}

// closedPort returns the address of a loopback port nobody listens on.
func closedPort() string {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := ln.Addr().String()
	Expect(ln.Close()).To(Succeed())
	return addr
}

// blackhole accepts connections and never answers, like a partitioned
// link that drops data but keeps connections open. It returns its address.
func blackhole() string {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	DeferCleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// openDB opens a ledger database directly, to look behind the store.
func openDB(dataDir string) *sql.DB {
	GinkgoHelper()
	db, err := sql.Open("sqlite", ledger.DatabasePath(dataDir))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(db.Close)
	return db
}

// count runs a COUNT(*) style query.
func count(db *sql.DB, query string, args ...any) int {
	GinkgoHelper()
	var n int
	Expect(db.QueryRow(query, args...).Scan(&n)).To(Succeed())
	return n
}
