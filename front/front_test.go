package front_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/front"
)

// instance is a real HTTP server standing for one replica: it answers with
// its name, and with its version header unless quiet.
func instance(name, version string, quiet bool) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !quiet {
			w.Header().Set("X-Version", version)
		}
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s", name, body)
	}))
	DeferCleanup(s.Close)
	return s
}

func addr(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "http://") }

func newFront() *front.Front {
	f, err := front.New(front.Options{EjectFor: time.Minute})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		Expect(f.Close(ctx)).To(Succeed())
	})
	return f
}

// send makes n requests to the front and counts the answers by body and
// by version header; non-2xx answers count under "status N".
func send(f *front.Front, n int, method string) (byName, byVersion map[string]int) {
	byName, byVersion = map[string]int{}, map[string]int{}
	c := &http.Client{Timeout: 5 * time.Second}
	for i := range n {
		req, err := http.NewRequest(method, "http://"+f.Addr()+"/x", strings.NewReader(fmt.Sprint(i)))
		Expect(err).NotTo(HaveOccurred())
		resp, err := c.Do(req)
		Expect(err).NotTo(HaveOccurred())
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			byName[fmt.Sprintf("status %d", resp.StatusCode)]++
			continue
		}
		name, rest, _ := strings.Cut(string(body), " ")
		Expect(rest).To(Equal(fmt.Sprint(i)), "the body reaches the instance whole")
		byName[name]++
		byVersion[resp.Header.Get("X-Version")]++
	}
	return byName, byVersion
}

var _ = Describe("Front", func() {
	It("spreads requests round robin over the replicas of one version", func() {
		f := newFront()
		a, b, c := instance("a", "v1", false), instance("b", "v1", false), instance("c", "v1", false)
		f.Set([]front.Group{{Version: "v1", Weight: 100, Backends: []front.Backend{{ID: "a", Addr: addr(a)}, {ID: "b", Addr: addr(b)}, {ID: "c", Addr: addr(c)}}}})
		byName, _ := send(f, 300, "GET")
		Expect(byName).To(Equal(map[string]int{"a": 100, "b": 100, "c": 100}))
	})

	DescribeTable("honours canary weights within 2 points over 1,000 requests",
		func(weight float64) {
			f := newFront()
			stable, canary := instance("stable", "v1", false), instance("canary", "v2", false)
			f.Set([]front.Group{
				{Version: "v1", Weight: 100 - weight, Backends: []front.Backend{{ID: "s", Addr: addr(stable)}}},
				{Version: "v2", Weight: weight, Backends: []front.Backend{{ID: "c", Addr: addr(canary)}}},
			})
			const n = 1000
			_, byVersion := send(f, n, "PUT")
			Expect(float64(byVersion["v2"]) / n * 100).To(BeNumerically("~", weight, 2))
			Expect(byVersion["v1"] + byVersion["v2"]).To(Equal(n))
			counts := f.Counts()
			Expect(counts["v2"].Requests).To(BeEquivalentTo(byVersion["v2"]))
			Expect(counts["v2"].Writes).To(BeEquivalentTo(byVersion["v2"]), "every PUT is a write")
		},
		Entry("10%", 10.0), Entry("50%", 50.0), Entry("1%", 1.0),
	)

	It("names the version that served when the instance does not", func() {
		f := newFront()
		q := instance("q", "v7", true)
		f.Set([]front.Group{{Version: "v7", Weight: 100, Backends: []front.Backend{{ID: "q", Addr: addr(q)}}}})
		_, byVersion := send(f, 5, "GET")
		Expect(byVersion).To(Equal(map[string]int{"v7": 5}))
	})

	It("ejects a dead replica and resends its requests to a live one, losing none", func() {
		f := newFront()
		live := instance("live", "v1", false)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		dead := ln.Addr().String()
		Expect(ln.Close()).To(Succeed()) // nothing listens there any more
		f.Set([]front.Group{{Version: "v1", Weight: 100, Backends: []front.Backend{{ID: "dead", Addr: dead}, {ID: "live", Addr: addr(live)}}}})
		byName, _ := send(f, 50, "PUT")
		Expect(byName).To(Equal(map[string]int{"live": 50}))
	})

	It("answers 502 when no instance is reachable", func() {
		f := newFront()
		byName, _ := send(f, 3, "GET")
		Expect(byName).To(Equal(map[string]int{"status 502": 3}))
	})

	It("switches its whole pool at once: no request reaches the old set after Set returns", func() {
		f := newFront()
		blue, green := instance("blue", "v1", false), instance("green", "v2", false)
		f.Set([]front.Group{{Version: "v1", Weight: 100, Backends: []front.Backend{{ID: "b", Addr: addr(blue)}}}})
		var wg sync.WaitGroup
		stop := make(chan struct{})
		var mu sync.Mutex
		var afterSwitch []string
		switched := make(chan struct{})
		for range 4 {
			wg.Go(func() {
				c := &http.Client{Timeout: 5 * time.Second}
				for range 2000 {
					select {
					case <-stop:
						return
					default:
					}
					after := false
					select {
					case <-switched:
						after = true
					default:
					}
					resp, err := c.Get("http://" + f.Addr() + "/")
					if err != nil {
						continue
					}
					v := resp.Header.Get("X-Version")
					resp.Body.Close()
					if after {
						mu.Lock()
						afterSwitch = append(afterSwitch, v)
						mu.Unlock()
					}
				}
			})
		}
		time.Sleep(100 * time.Millisecond)
		f.Set([]front.Group{{Version: "v2", Weight: 100, Backends: []front.Backend{{ID: "g", Addr: addr(green)}}}})
		close(switched)
		time.Sleep(200 * time.Millisecond)
		close(stop)
		wg.Wait()
		Expect(afterSwitch).NotTo(BeEmpty())
		Expect(afterSwitch).To(HaveEach("v2"))
		Expect(f.Counts()["v1"].Requests).To(BeNumerically(">", 0))
	})
})

var _ = Describe("Drain", func() {
	It("waits for the requests in flight to an instance taken out of the pool", func() {
		release := make(chan struct{})
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-release
			w.Header().Set("X-Version", "v1")
		}))
		DeferCleanup(slow.Close)
		f := newFront()
		f.Set([]front.Group{{Version: "v1", Weight: 100, Backends: []front.Backend{{ID: "s", Addr: addr(slow)}}}})
		answered := make(chan int, 1)
		go func() {
			defer GinkgoRecover()
			resp, err := http.Get("http://" + f.Addr() + "/")
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			answered <- resp.StatusCode
		}()
		time.Sleep(100 * time.Millisecond) // the request is at the instance
		f.Set(nil)
		drained := make(chan error, 1)
		go func() { drained <- f.Drain(context.Background(), []string{addr(slow)}) }()
		Consistently(drained, 200*time.Millisecond).ShouldNot(Receive(), "a request is still in flight")
		close(release)
		Eventually(drained, 2*time.Second).Should(Receive(BeNil()))
		Eventually(answered).Should(Receive(Equal(http.StatusOK)))
	})
})
