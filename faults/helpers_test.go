package faults_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
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
}

// newRig starts a backend, a controller with a ledger in a temp dir and a
// link "api" in front of the backend; everything is closed after the spec.
func newRig(opts faults.Options) *rig {
	GinkgoHelper()
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	DeferCleanup(backend.Close)
	if opts.LedgerPath == "" {
		opts.LedgerPath = filepath.Join(GinkgoT().TempDir(), "faults.jsonl")
	}
	ctl, err := faults.Start(context.Background(), opts)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func(ctx SpecContext) {
		Expect(ctl.Close(ctx)).To(Succeed())
	})
	link := faults.LinkSpec{Name: "api", From: "client", To: "backend"}
	listen, err := ctl.AddLink(context.Background(), link, strings.TrimPrefix(backend.URL, "http://"))
	Expect(err).NotTo(HaveOccurred())
	return &rig{ctl: ctl, ledger: opts.LedgerPath, url: "http://" + listen + "/", listen: listen}
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
	start := time.Now()
	resp, err := c.Get(url)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
	}
	return time.Since(start), err
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
