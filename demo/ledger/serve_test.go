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
})
