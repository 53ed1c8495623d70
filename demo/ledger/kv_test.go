package ledger_test

import (
	"context"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

// putKV writes value to key through base.
func putKV(base, key, value string) answer {
	GinkgoHelper()
	return call(http.MethodPut, base+"/kv/"+key, value)
}

// getKV reads key through base.
func getKV(base, key string) answer {
	GinkgoHelper()
	return call(http.MethodGet, base+"/kv/"+key, "")
}

// expectValue expects a 200 read of value, in the body and in X-Value.
func expectValue(a answer, value string) {
	GinkgoHelper()
	Expect(a.code).To(Equal(http.StatusOK), string(a.body))
	Expect(string(a.body)).To(Equal(value))
	Expect(a.header.Get(ledger.HeaderValue)).To(Equal(value))
}

// expectAbsent expects a 404 with an X-Value header that is present and
// empty.
func expectAbsent(a answer) {
	GinkgoHelper()
	Expect(a.code).To(Equal(http.StatusNotFound), string(a.body))
	Expect(a.header).To(HaveKeyWithValue(ledger.HeaderValue, []string{""}))
}

var _ = Describe("the key-value register", func() {
	var dir, store, api string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		_, store = startStore(ledger.StoreConfig{DataDir: dir})
		api = startAPI(ledger.APIConfig{StoreURL: store})
	})

	for _, tier := range []string{"store", "api"} {
		base := func() string {
			if tier == "api" {
				return api
			}
			return store
		}

		It("answers 404 with an empty X-Value, then the last value written ("+tier+")", func() {
			expectAbsent(getKV(base(), "k1"))
			w := putKV(base(), "k1", "writes-000001-0a0b0c0d")
			expectValue(w, "writes-000001-0a0b0c0d")
			expectValue(getKV(base(), "k1"), "writes-000001-0a0b0c0d")
			expectValue(putKV(base(), "k1", "second value"), "second value")
			expectValue(getKV(base(), "k1"), "second value")
			expectAbsent(getKV(base(), "k2"))
		})

		DescribeTable("rejects a bad key or value with 400 and stores nothing ("+tier+")",
			func(key, value string) {
				a := putKV(base(), key, value)
				Expect(a.code).To(Equal(http.StatusBadRequest), string(a.body))
				Expect(count(openDB(dir), `SELECT COUNT(*) FROM kv`)).To(BeZero())
			},
			Entry("an empty value", "k", ""),
			Entry("a value of 257 bytes", "k", strings.Repeat("v", 257)),
			Entry("a value with a newline", "k", "a\nb"),
			Entry("a value with a leading space", "k", " a"),
			Entry("a value with a non-ASCII byte", "k", "caf\u00e9"),
			Entry("a key with a space", "a%20b", "v"),
			Entry("a key too long", strings.Repeat("k", 129), "v"),
		)
	}

	It("takes a value of exactly 256 bytes", func() {
		v := strings.Repeat("x", ledger.MaxValueLen)
		expectValue(putKV(api, "big", v), v)
		expectValue(getKV(store, "big"), v)
	})

	It("forwards from the api to the store, and keeps values across a store restart", func() {
		a := putKV(api, "k1", "v1")
		Expect(a.header.Get(ledger.HeaderTier)).To(Equal("api"))
		Expect(a.header.Get(ledger.HeaderStoreVersion)).To(Equal("v1"))
		expectValue(getKV(store, "k1"), "v1")

		st, err := ledger.OpenStore(context.Background(), ledger.StoreConfig{DataDir: dir})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(st.Close)
		Expect(st.GetValue(context.Background(), "k1")).To(Equal("v1"))
		_, err = st.GetValue(context.Background(), "k2")
		Expect(err).To(MatchError(ledger.ErrNotFound))
		Expect(st.PutValue(context.Background(), "k2", "")).To(MatchError(ledger.ErrInvalidEntry))
	})

	It("reads every acknowledged write at once through the clean api, never an older value", func() {
		for i := range 50 {
			v := "v" + strings.Repeat("i", i%7) + string(rune('a'+i%26))
			expectValue(putKV(api, "hot", v), v)
			expectValue(getKV(api, "hot"), v)
		}
	})

	It("answers 502 with an empty X-Value when the store is gone", func() {
		api := startAPI(ledger.APIConfig{StoreURL: "http://" + closedPort()})
		a := getKV(api, "k1")
		Expect(a.code).To(Equal(http.StatusBadGateway))
		Expect(a.header).To(HaveKeyWithValue(ledger.HeaderValue, []string{""}))
		Expect(putKV(api, "k1", "v").code).To(Equal(http.StatusBadGateway))
	})
})
