package ledger_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

var _ = Describe("the stale-cache defect", func() {
	var store string

	BeforeEach(func() {
		_, store = startStore(ledger.StoreConfig{})
	})

	It("answers reads from a cache a write does not invalidate, until the TTL ends", func() {
		// The TTL is long enough that a loaded machine still reads within
		// it, and short enough to wait out.
		const ttl = 1500 * time.Millisecond
		api := startAPI(ledger.APIConfig{StoreURL: store, Defects: ledger.Defects{StaleCache: ttl}})
		expectValue(putKV(api, "k", "v1"), "v1")
		expectValue(getKV(api, "k"), "v1") // cached now
		written := time.Now()
		expectValue(putKV(api, "k", "v2"), "v2") // acknowledged

		stale := getKV(api, "k")
		Expect(time.Since(written)).To(BeNumerically("<", ttl), "the read must fall inside the TTL to prove anything")
		expectValue(stale, "v1")
		Expect(stale.header.Get(ledger.HeaderCache)).To(Equal("hit"))
		expectValue(getKV(store, "k"), "v2")

		Eventually(func() string { return string(getKV(api, "k").body) }).
			WithTimeout(ttl + 5*time.Second).WithPolling(100 * time.Millisecond).Should(Equal("v2"))
	})

	It("also caches an absent key, so a new key reads 404 after its write", func() {
		api := startAPI(ledger.APIConfig{StoreURL: store, Defects: ledger.Defects{StaleCache: time.Minute}})
		expectAbsent(getKV(api, "new"))
		expectValue(putKV(api, "new", "v1"), "v1")
		expectAbsent(getKV(api, "new"))
	})

	It("is absent from the clean api: every read follows the last write", func() {
		api := startAPI(ledger.APIConfig{StoreURL: store})
		for i := range 30 {
			v := fmt.Sprintf("v%d", i)
			expectValue(putKV(api, "k", v), v)
			got := getKV(api, "k")
			expectValue(got, v)
			Expect(got.header.Get(ledger.HeaderCache)).To(BeEmpty())
		}
	})
})
