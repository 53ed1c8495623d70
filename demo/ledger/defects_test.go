package ledger_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

var _ = Describe("planting defects", func() {
	plant := func(tier ledger.Tier, specs ...string) (ledger.Defects, error) {
		var d ledger.Defects
		for _, s := range specs {
			if err := d.Plant(tier, s); err != nil {
				return d, err
			}
		}
		return d, nil
	}

	It("takes several, with their defaults, and prints them back in flag form", func() {
		d, err := plant(ledger.TierAPI, "bad-flag", "stale-cache", "latency=250ms", "none")
		Expect(err).NotTo(HaveOccurred())
		Expect(d).To(Equal(ledger.Defects{BadFlag: "fast-path", StaleCache: 2 * time.Second, Latency: 250 * time.Millisecond}))
		Expect(d.String()).To(Equal("latency=250ms,bad-flag=fast-path,stale-cache=2s"))

		d, err = plant(ledger.TierAPI, "bad-flag=risky", "stale-cache=500ms")
		Expect(err).NotTo(HaveOccurred())
		Expect(d).To(Equal(ledger.Defects{BadFlag: "risky", StaleCache: 500 * time.Millisecond}))
	})

	It("plants nothing for none, in every tier", func() {
		for _, tier := range []ledger.Tier{ledger.TierAPI, ledger.TierStore, ledger.TierMigrate} {
			d, err := plant(tier, "none", " none ")
			Expect(err).NotTo(HaveOccurred())
			Expect(d).To(BeZero())
			Expect(d.String()).To(Equal("none"))
		}
	})

	It("lets the migrate command take the store's migration defect, and only that one", func() {
		d, err := plant(ledger.TierMigrate, "migration-rewrite", "non-idempotent-down")
		Expect(err).NotTo(HaveOccurred())
		Expect(d).To(Equal(ledger.Defects{MigrationRewrite: true, NonIdempotentDown: true}))
		Expect(ledger.DefectNames(ledger.TierMigrate)).To(Equal([]string{"migration-rewrite", "non-idempotent-down"}))
		Expect(ledger.DefectNames(ledger.TierStore)).To(Equal([]string{"double-apply", "migration-rewrite"}))
		_, err = plant(ledger.TierMigrate, "double-apply")
		Expect(err).To(MatchError(ledger.ErrDefectTier))
		_, err = plant(ledger.TierStore, "non-idempotent-down")
		Expect(err).To(MatchError(ledger.ErrDefectTier))
	})

	DescribeTable("refuses a bad value",
		func(tier ledger.Tier, spec string, want error) {
			_, err := plant(tier, spec)
			Expect(err).To(MatchError(want))
		},
		Entry("none with a value", ledger.TierAPI, "none=1", ledger.ErrDefectValue),
		Entry("a flag name with a space", ledger.TierAPI, "bad-flag=a b", ledger.ErrDefectValue),
		Entry("an empty flag name", ledger.TierAPI, "bad-flag=", ledger.ErrDefectValue),
		Entry("a cache TTL past an hour", ledger.TierAPI, "stale-cache=2h", ledger.ErrDefectValue),
		Entry("a zero cache TTL", ledger.TierAPI, "stale-cache=0s", ledger.ErrDefectValue),
		Entry("a value on a switch", ledger.TierStore, "migration-rewrite=yes", ledger.ErrDefectValue),
		Entry("an empty name", ledger.TierAPI, "", ledger.ErrUnknownDefect),
	)

	It("refuses, at start, a defect of another tier given as a struct", func() {
		_, err := ledger.NewAPI(ledger.APIConfig{StoreURL: "http://127.0.0.1:1", Defects: ledger.Defects{NonIdempotentDown: true}})
		Expect(err).To(MatchError(ledger.ErrDefectTier))
		_, err = ledger.OpenStore(GinkgoT().Context(), ledger.StoreConfig{DataDir: GinkgoT().TempDir(), Defects: ledger.Defects{StaleCache: time.Second}})
		Expect(err).To(MatchError(ledger.ErrDefectTier))
		_, err = (ledger.Migrator{DataDir: GinkgoT().TempDir(), Defects: ledger.Defects{DoubleApply: true}}).Up(GinkgoT().Context(), 1)
		Expect(err).To(MatchError(ledger.ErrDefectTier))
	})
})
