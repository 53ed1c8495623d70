package ledger_test

import (
	"context"
	"net"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

var _ = Describe("Serve", func() {
	It("finishes an in-flight request before it returns", func() {
		_, store := startStore(ledger.StoreConfig{})
		api, err := ledger.NewAPI(ledger.APIConfig{StoreURL: store, Defects: ledger.Defects{Latency: 300 * time.Millisecond}})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(api.Close)
		entered := make(chan struct{}, 1)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			entered <- struct{}{}
			api.Handler().ServeHTTP(w, r)
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		served := make(chan error, 1)
		go func() { served <- ledger.Serve(ctx, ln, h, nil) }()

		answered := make(chan int, 1)
		go func() {
			defer GinkgoRecover()
			answered <- put("http://"+ln.Addr().String(), "in-flight", "acct-1", 4).code
		}()
		Eventually(entered).Should(Receive())
		cancel() // what SIGTERM does in cmd/ledger

		Eventually(served).WithTimeout(5 * time.Second).Should(Receive(BeNil()))
		Expect(answered).To(Receive(Equal(http.StatusCreated)))
		Expect(account(store, "acct-1").Balance).To(BeEquivalentTo(4))
		_, err = net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		Expect(err).To(HaveOccurred(), "the listener is closed")
	})
	It("does not wait for a connection that has sent no request yet", func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		served := make(chan error, 1)
		go func() { served <- ledger.Serve(ctx, ln, http.NotFoundHandler(), nil) }()
		// A client's spare pooled connection, or one a proxy opened for a
		// client: dialed, never used.
		spare, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(spare.Close)
		Eventually(func() error { // accepted by the server: the listener answers
			c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
			if err == nil {
				c.Close()
			}
			return err
		}).Should(Succeed())

		start := time.Now()
		cancel()
		Eventually(served).WithTimeout(4 * time.Second).Should(Receive(BeNil()))
		// net/http alone waits 5 s for such a connection.
		Expect(time.Since(start)).To(BeNumerically("<", 3*time.Second))
		Expect(spare.SetReadDeadline(time.Now().Add(time.Second))).To(Succeed())
		_, err = spare.Read(make([]byte, 1))
		Expect(err).To(HaveOccurred(), "the server closed the spare connection")
	})
})
