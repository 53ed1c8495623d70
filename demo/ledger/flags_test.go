package ledger_test

import (
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

// setFlag writes a flag through base.
func setFlag(base, name string, on bool) answer {
	GinkgoHelper()
	return call(http.MethodPut, base+"/flags/"+name, fmt.Sprint(on))
}

// flagsHeader returns the X-Flags header of a cheap api answer.
func flagsHeader(api string) string {
	GinkgoHelper()
	a := call(http.MethodGet, api+"/healthz", "")
	Expect(a.header).To(HaveKey(ledger.HeaderFlags))
	return a.header.Get(ledger.HeaderFlags)
}

var _ = Describe("feature flags", func() {
	var dir, store string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		_, store = startStore(ledger.StoreConfig{DataDir: dir})
	})

	It("are stored by the store and listed as JSON", func() {
		Expect(decode[map[string]bool](call(http.MethodGet, store+"/flags", ""))).To(BeEmpty())
		a := setFlag(store, "fast-path", true)
		Expect(a.code).To(Equal(http.StatusOK))
		Expect(decode[ledger.Flag](a)).To(Equal(ledger.Flag{Name: "fast-path", Value: true}))
		Expect(setFlag(store, "beta", false).code).To(Equal(http.StatusOK))
		Expect(decode[map[string]bool](call(http.MethodGet, store+"/flags", ""))).
			To(Equal(map[string]bool{"fast-path": true, "beta": false}))
	})

	DescribeTable("refuse a bad flag write with 400",
		func(name, body string) {
			api := startAPI(ledger.APIConfig{StoreURL: store})
			for _, base := range []string{store, api} {
				Expect(call(http.MethodPut, base+"/flags/"+name, body).code).To(Equal(http.StatusBadRequest), base)
			}
			Expect(count(openDB(dir), `SELECT COUNT(*) FROM flags`)).To(BeZero())
		},
		Entry("a body that is not a boolean", "f", "yes"),
		Entry("an empty body", "f", ""),
		Entry("a name with a space", "a%20b", "true"),
	)

	It("are echoed sorted in X-Flags on every api answer, and change at once when written through the api", func() {
		api := startAPI(ledger.APIConfig{StoreURL: store})
		Expect(flagsHeader(api)).To(BeEmpty())

		a := setFlag(api, "zeta", true)
		Expect(a.code).To(Equal(http.StatusOK))
		Expect(a.header.Get(ledger.HeaderFlags)).To(Equal("zeta=true"))
		Expect(setFlag(api, "alpha", false).header.Get(ledger.HeaderFlags)).To(Equal("alpha=false,zeta=true"))

		for _, req := range []struct{ method, path string }{
			{http.MethodGet, "/healthz"}, {http.MethodGet, "/readyz"}, {http.MethodGet, "/entries/nobody"},
			{http.MethodGet, "/kv/nokey"}, {http.MethodPut, "/entries/bad%20id"}, {http.MethodDelete, "/entries/x"},
			{http.MethodGet, "/no/such/route"}, {http.MethodGet, "/totals"}, {http.MethodGet, "/entries"},
		} {
			got := call(req.method, api+req.path, "")
			Expect(got.header.Get(ledger.HeaderFlags)).To(Equal("alpha=false,zeta=true"), "%s %s answered %d", req.method, req.path, got.code)
		}
		flags := call(http.MethodGet, api+"/flags", "")
		Expect(decode[map[string]bool](flags)).To(Equal(map[string]bool{"alpha": false, "zeta": true}))
		Expect(decode[map[string]bool](call(http.MethodGet, store+"/flags", ""))).To(Equal(map[string]bool{"alpha": false, "zeta": true}))
	})

	It("survive an api restart, and reach every api through the store", func() {
		first, err := ledger.NewAPI(ledger.APIConfig{StoreURL: store})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(first.Close)
		one := serve(first.Handler())
		Expect(setFlag(one, "fast-path", true).code).To(Equal(http.StatusOK))
		first.Close()

		two := startAPI(ledger.APIConfig{StoreURL: store, FlagRefresh: 100 * time.Millisecond})
		Eventually(func() string { return flagsHeader(two) }).WithTimeout(5 * time.Second).Should(Equal("fast-path=true"))

		// A flag written to the store behind the api's back arrives with
		// the next reload.
		Expect(setFlag(store, "fast-path", false).code).To(Equal(http.StatusOK))
		Eventually(func() string { return flagsHeader(two) }).WithTimeout(5 * time.Second).Should(Equal("fast-path=false"))
	})

	It("cannot be written while the store is gone, and the api keeps its view", func() {
		api := startAPI(ledger.APIConfig{StoreURL: "http://" + closedPort()})
		Expect(setFlag(api, "fast-path", true).code).To(Equal(http.StatusBadGateway))
		Expect(call(http.MethodGet, api+"/flags", "").code).To(Equal(http.StatusBadGateway))
		Expect(flagsHeader(api)).To(BeEmpty())
	})
})

var _ = Describe("the bad-flag defect", func() {
	var store string

	BeforeEach(func() {
		_, store = startStore(ledger.StoreConfig{})
	})

	// writeMany sends n entry writes and n kv writes through api and
	// returns how many of each kind failed with 500, checking that every
	// other write was applied.
	writeMany := func(api, prefix string, n int) (failed int) {
		GinkgoHelper()
		for i := range n {
			id := fmt.Sprintf("%s-%d", prefix, i)
			switch code := put(api, id, "acct-1", 1).code; code {
			case http.StatusInternalServerError:
				failed++
				Expect(call(http.MethodGet, store+"/entries/"+id, "").code).To(Equal(http.StatusNotFound), "a failed write must not be applied")
			case http.StatusCreated:
			default:
				Fail(fmt.Sprintf("unexpected status %d", code))
			}
			switch code := putKV(api, id, "v").code; code {
			case http.StatusInternalServerError:
				failed++
				expectAbsent(getKV(store, id))
			case http.StatusOK:
			default:
				Fail(fmt.Sprintf("unexpected status %d", code))
			}
		}
		return failed
	}

	It("fails about half the writes while its flag is on, and none once it is flipped off", func() {
		api := startAPI(ledger.APIConfig{StoreURL: store, Defects: ledger.Defects{BadFlag: ledger.DefaultBadFlag}})
		Expect(writeMany(api, "before", 50)).To(BeZero(), "the flag is not set yet")

		Expect(setFlag(api, "fast-path", true).code).To(Equal(http.StatusOK))
		const n = 150
		failed := writeMany(api, "during", n)
		Expect(failed).To(BeNumerically(">=", 2*n*35/100))
		Expect(failed).To(BeNumerically("<=", 2*n*65/100))
		for range 20 { // reads do not take the bad path
			Expect(call(http.MethodGet, api+"/entries/before-1", "").code).To(Equal(http.StatusOK))
		}

		Expect(setFlag(api, "fast-path", false).code).To(Equal(http.StatusOK), "the flag can always be flipped back")
		Expect(writeMany(api, "after", 50)).To(BeZero())
	})

	It("watches only its own flag", func() {
		api := startAPI(ledger.APIConfig{StoreURL: store, Defects: ledger.Defects{BadFlag: "risky"}})
		Expect(setFlag(api, "fast-path", true).code).To(Equal(http.StatusOK))
		Expect(writeMany(api, "other", 40)).To(BeZero())
		Expect(setFlag(api, "risky", true).code).To(Equal(http.StatusOK))
		Expect(writeMany(api, "own", 40)).To(BeNumerically(">", 0))
	})

	It("takes effect in a restarted api once it has loaded the flags", func() {
		Expect(setFlag(store, "fast-path", true).code).To(Equal(http.StatusOK))
		api := startAPI(ledger.APIConfig{StoreURL: store, Defects: ledger.Defects{BadFlag: ledger.DefaultBadFlag}})
		Eventually(func() string { return flagsHeader(api) }).WithTimeout(5 * time.Second).Should(Equal("fast-path=true"))
		Expect(writeMany(api, "restarted", 40)).To(BeNumerically(">", 0))
	})
})

var _ = Describe("the api's flag view", func() {
	It("stops its reloads on Close, which may be called twice", func() {
		_, store := startStore(ledger.StoreConfig{})
		api, err := ledger.NewAPI(ledger.APIConfig{StoreURL: store, FlagRefresh: 10 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
		done := make(chan struct{})
		go func() {
			api.Close()
			api.Close()
			close(done)
		}()
		Eventually(done).WithTimeout(5 * time.Second).Should(BeClosed())
	})

	It("refuses a negative refresh period", func() {
		_, err := ledger.NewAPI(ledger.APIConfig{StoreURL: "http://127.0.0.1:1", FlagRefresh: -time.Second})
		Expect(err).To(HaveOccurred())
	})
})
