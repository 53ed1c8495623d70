package ledger_test

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

var _ = Describe("the api tier", func() {
	var store, api string

	BeforeEach(func() {
		_, store = startStore(ledger.StoreConfig{Version: "v1"})
		api = startAPI(ledger.APIConfig{StoreURL: store, Version: "v2"})
	})

	It("forwards writes and reads to the store", func() {
		a := put(api, "req-1", "acct-3", 5)
		Expect(a.code).To(Equal(http.StatusCreated))
		Expect(a.header.Get(ledger.HeaderTier)).To(Equal("api"))
		Expect(a.header.Get(ledger.HeaderVersion)).To(Equal("v2"))
		Expect(a.header.Get(ledger.HeaderStoreVersion)).To(Equal("v1"))

		Expect(call(http.MethodGet, store+"/entries/req-1", "").body).To(MatchJSON(a.body))
		Expect(call(http.MethodGet, api+"/entries/req-1", "").body).To(MatchJSON(a.body))
		Expect(put(api, "req-1", "acct-3", 5).code).To(Equal(http.StatusOK))
		Expect(account(api, "acct-3")).To(Equal(ledger.Account{Account: "acct-3", Balance: 5, Entries: 1}))
	})

	It("passes the store's 404 through", func() {
		Expect(call(http.MethodGet, api+"/entries/nobody", "").code).To(Equal(http.StatusNotFound))
	})

	It("rejects a bad write with 400 without forwarding it", func() {
		Expect(call(http.MethodPut, api+"/entries/req-1", `{"account":"acct-3"}`).code).To(Equal(http.StatusBadRequest))
		Expect(call(http.MethodGet, store+"/entries/req-1", "").code).To(Equal(http.StatusNotFound))
	})

	It("is healthy and ready while the store answers", func() {
		Expect(decode[ledger.Health](call(http.MethodGet, api+"/healthz", ""))).
			To(Equal(ledger.Health{Status: "ok", Tier: ledger.TierAPI, Version: "v2"}))
		ready := call(http.MethodGet, api+"/readyz", "")
		Expect(ready.code).To(Equal(http.StatusOK))
		Expect(decode[ledger.Health](ready).Store).To(Equal(&ledger.Health{Status: "ok", Tier: ledger.TierStore, Version: "v1", Schema: cleanSchema}))
	})
})

var _ = Describe("the api tier when the store fails", func() {
	It("answers 502 and is unready when nothing listens at the store's address", func() {
		api := startAPI(ledger.APIConfig{StoreURL: "http://" + closedPort()})
		Expect(put(api, "req-1", "acct-1", 1).code).To(Equal(http.StatusBadGateway))
		Expect(call(http.MethodGet, api+"/entries/req-1", "").code).To(Equal(http.StatusBadGateway))
		Expect(call(http.MethodGet, api+"/accounts/acct-1", "").code).To(Equal(http.StatusBadGateway))
		Expect(call(http.MethodGet, api+"/readyz", "").code).To(Equal(http.StatusServiceUnavailable))
		Expect(call(http.MethodGet, api+"/healthz", "").code).To(Equal(http.StatusOK))
	})

	It("answers 504 and is unready when the store's link is a blackhole", func() {
		api := startAPI(ledger.APIConfig{StoreURL: "http://" + blackhole(), StoreTimeout: 200 * time.Millisecond})
		a := put(api, "req-1", "acct-1", 1)
		Expect(a.code).To(Equal(http.StatusGatewayTimeout))
		Expect(a.header.Get(ledger.HeaderTier)).To(Equal("api"))
		Expect(call(http.MethodGet, api+"/readyz", "").code).To(Equal(http.StatusServiceUnavailable))
	})

	It("answers 502 when the store answers 500", func() {
		st, store := startStore(ledger.StoreConfig{})
		api := startAPI(ledger.APIConfig{StoreURL: store})
		Expect(st.Close()).To(Succeed()) // the store process stays up, its database is gone
		Expect(call(http.MethodGet, store+"/entries/req-1", "").code).To(Equal(http.StatusInternalServerError))
		Expect(call(http.MethodGet, api+"/entries/req-1", "").code).To(Equal(http.StatusBadGateway))
		Expect(call(http.MethodGet, api+"/readyz", "").code).To(Equal(http.StatusServiceUnavailable))
	})

	It("refuses a store-tier defect and a bad store URL", func() {
		_, err := ledger.NewAPI(ledger.APIConfig{StoreURL: "http://127.0.0.1:1", Defects: ledger.Defects{DoubleApply: true}})
		Expect(err).To(MatchError(ledger.ErrDefectTier))
		_, err = ledger.NewAPI(ledger.APIConfig{StoreURL: "127.0.0.1:1"})
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("the api's defects", func() {
	var store string

	BeforeEach(func() {
		_, store = startStore(ledger.StoreConfig{})
	})

	It("error-spike answers about that fraction 500 and writes none of them", func() {
		api := startAPI(ledger.APIConfig{StoreURL: store, Defects: ledger.Defects{ErrorSpike: 0.5}})
		const n = 400
		failed, created := 0, 0
		for i := range n {
			switch code := put(api, fmt.Sprintf("spike-%d", i), "acct-1", 1).code; code {
			case http.StatusInternalServerError:
				failed++
			case http.StatusCreated:
				created++
			default:
				Fail(fmt.Sprintf("unexpected status %d", code))
			}
		}
		Expect(failed).To(BeNumerically(">=", n*35/100))
		Expect(failed).To(BeNumerically("<=", n*65/100))
		Expect(account(store, "acct-1").Entries).To(Equal(created))
	})

	It("error-spike hits the same requests for the same seed", func() {
		Expect(put(store, "seen", "acct-1", 1).code).To(Equal(http.StatusCreated))
		run := func(seed uint64) []int {
			api := startAPI(ledger.APIConfig{StoreURL: store, Seed: seed, Defects: ledger.Defects{ErrorSpike: 0.5}})
			codes := make([]int, 40)
			for i := range codes {
				codes[i] = call(http.MethodGet, api+"/entries/seen", "").code
			}
			return codes
		}
		first := run(7)
		Expect(run(7)).To(Equal(first))
		Expect(run(8)).NotTo(Equal(first))
	})

	It("lost-writes acknowledges every write but stores only the rest", func() {
		api := startAPI(ledger.APIConfig{StoreURL: store, Defects: ledger.Defects{LostWrites: 0.2}})
		const n = 200
		for i := range n {
			Expect(put(api, fmt.Sprintf("w-%d", i), "acct-1", 1).code).To(Equal(http.StatusCreated))
		}
		lost := 0
		for i := range n {
			switch code := call(http.MethodGet, api+fmt.Sprintf("/entries/w-%d", i), "").code; code {
			case http.StatusNotFound:
				lost++
			default:
				Expect(code).To(Equal(http.StatusOK))
			}
		}
		Expect(lost).To(BeNumerically(">=", n*10/100))
		Expect(lost).To(BeNumerically("<=", n*30/100))
		Expect(account(store, "acct-1").Entries).To(Equal(n - lost))
	})

	It("latency delays every data request by at least that much", func() {
		const delay = 120 * time.Millisecond
		api := startAPI(ledger.APIConfig{StoreURL: store, Defects: ledger.Defects{Latency: delay}})
		for i := range 3 {
			start := time.Now()
			Expect(put(api, fmt.Sprintf("slow-%d", i), "acct-1", 1).code).To(Equal(http.StatusCreated))
			Expect(time.Since(start)).To(BeNumerically(">=", delay))
		}
		start := time.Now()
		Expect(call(http.MethodGet, api+"/accounts/acct-1", "").code).To(Equal(http.StatusOK))
		Expect(time.Since(start)).To(BeNumerically(">=", delay))
	})
})

var _ = Describe("the api tier with a token", func() {
	It("answers 401 to a data write without the bearer token, and lets reads and health through", func() {
		_, store := startStore(ledger.StoreConfig{Version: "v1"})
		api := startAPI(ledger.APIConfig{StoreURL: store, Token: "s3cr3t"})
		Expect(put(api, "req-1", "acct-1", 1).code).To(Equal(http.StatusUnauthorized))

		body := `{"account":"acct-1","amount":1}`
		for auth, want := range map[string]int{"Bearer wrong": http.StatusUnauthorized, "s3cr3t": http.StatusUnauthorized, "Bearer s3cr3t": http.StatusCreated} {
			req, err := http.NewRequest(http.MethodPut, api+"/entries/req-2", strings.NewReader(body))
			Expect(err).NotTo(HaveOccurred())
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", auth)
			resp, err := http.DefaultClient.Do(req)
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(Equal(want), auth)
		}
		Expect(call(http.MethodGet, api+"/entries/req-2", "").code).To(Equal(http.StatusOK))
		Expect(call(http.MethodGet, api+"/healthz", "").code).To(Equal(http.StatusOK))
	})
})
