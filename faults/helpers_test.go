package faults_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
)

// rig is a real backend behind a real link of a real controller.
type rig struct {
	ctl    *faults.Controller
	ledger string
	url    string // the backend, through the link's proxy
	listen string
	direct string // the backend's own address
	hits   *atomic.Int64
}

// newRig starts a backend, a controller with a ledger in a temp dir and a
// link "api" in front of the backend; everything is closed after the spec.
func newRig(opts faults.Options) *rig {
	GinkgoHelper()
	hits := &atomic.Int64{}
	backend := httptest.NewServer(backendHandler(hits))
	DeferCleanup(backend.Close)
	if opts.LedgerPath == "" {
		opts.LedgerPath = filepath.Join(GinkgoT().TempDir(), "faults.jsonl")
	}
	ctl, err := faults.Start(context.Background(), opts)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func(ctx SpecContext) {
		Expect(ctl.Close(ctx)).To(Succeed())
	})
	direct := strings.TrimPrefix(backend.URL, "http://")
	link := faults.LinkSpec{Name: "api", From: "client", To: "backend"}
	listen, err := ctl.AddLink(context.Background(), link, direct)
	Expect(err).NotTo(HaveOccurred())
	return &rig{ctl: ctl, ledger: opts.LedgerPath, url: "http://" + listen + "/", listen: listen, direct: direct, hits: hits}
}

// backendHandler answers "ok" on /, and N bytes of a fixed pattern on
// /bytes?n=N; it counts the requests it receives.
func backendHandler(hits *atomic.Int64) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, "ok")
	})
	mux.HandleFunc("/bytes", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 0 || n > 10<<20 {
			http.Error(w, "bad n", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		_, _ = w.Write(pattern(n))
	})
	return mux
}

// pattern returns n bytes that differ from one offset to the next, so that
// a lost or reordered slice shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// client makes a fresh connection per request so that no pooled
// connection from before a fault hides or causes its effect.
func client(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
}

// get does one GET and returns how long it took and its error.
func get(c *http.Client, url string) (time.Duration, error) {
	_, d, err := fetch(c, url)
	return d, err
}

// fetch does one GET and returns the body, how long it took and its error.
func fetch(c *http.Client, url string) ([]byte, time.Duration, error) {
	start := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		return nil, time.Since(start), err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	return body, time.Since(start), err
}

// medianRTT does n successful GETs and returns their median duration.
func medianRTT(url string, n int) time.Duration {
	GinkgoHelper()
	c := client(5 * time.Second)
	rtts := make([]time.Duration, 0, n)
	for range n {
		d, err := get(c, url)
		Expect(err).NotTo(HaveOccurred())
		rtts = append(rtts, d)
	}
	slices.Sort(rtts)
	return rtts[n/2]
}
