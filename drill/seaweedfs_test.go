package drill_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/verify"
)

// seaweedBins are the SeaweedFS releases `make seaweedfs` builds.
var seaweedBins = []string{"../bin/weed-4.53", "../bin/weed-4.54"}

// needSeaweedFS skips, saying why, when SeaweedFS is not built.
func needSeaweedFS() map[string]string {
	for _, b := range seaweedBins {
		if _, err := os.Stat(b); err != nil {
			Skip(fmt.Sprintf("SeaweedFS is not built (%s: %v); run make seaweedfs", b, err))
		}
	}
	old, _ := filepath.Abs(seaweedBins[0])
	new, _ := filepath.Abs(seaweedBins[1])
	return map[string]string{"old": old, "new": new}
}

var _ = Describe("drills of a real clustered store, SeaweedFS, through its own API", Label("seaweedfs"), func() {
	It("upgrades the cluster member by member and rolls back, losing no acknowledged write, linearizable through one filer", func(ctx SpecContext) {
		vars := needSeaweedFS()
		sc, err := scenarios.Load("../scenarios/examples/seaweedfs-upgrade.yaml")
		Expect(err).NotTo(HaveOccurred())
		rep, err := drill.Run(ctx, sc, drill.Options{OutDir: GinkgoT().TempDir(), Seed: 21, Vars: vars})
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("seaweedfs-upgrade", fmt.Sprintf("%s (%s), score %d, %d ops: %d acknowledged, %d failed, %d indeterminate",
			rep.Status, rep.Outcome.Class, rep.Score.Value, rep.Load.Ops, rep.Load.Acknowledged, rep.Load.Failed, rep.Load.Indeterminate))

		Expect(rep.Setup).To(HaveLen(3))
		for _, a := range rep.Setup {
			Expect(a.Status).To(BeEquivalentTo("done"), "the warm-up write through every filer went through: %+v", a)
		}
		var switches []string
		for _, d := range rep.Deploys {
			Expect(d.Error).To(BeEmpty(), "%+v", d)
			switches = append(switches, fmt.Sprintf("%s %s→%s %s", d.Service, d.From, d.To, d.By))
		}
		Expect(switches).To(Equal([]string{
			"m3 v4.53→v4.54 timeline", "m2 v4.53→v4.54 timeline", "m2 v4.54→v4.53 rollback", "m3 v4.54→v4.53 rollback"}),
			"a rolling upgrade, then the rollback, the last upgraded first")

		dur := verifier(rep, verify.NameDurability)
		Expect(dur.Verdict).To(Equal(verify.Success), dur.Summary)
		Expect(dur.Evidence["acknowledged"]).To(BeNumerically(">", 300))
		Expect(rep.Measures.LostWrites).To(HaveValue(BeZero()))
		lin := verifier(rep, verify.NameLinearizability)
		Expect(lin.Verdict).To(Equal(verify.Success), lin.Summary)
		Expect(verifier(rep, verify.NameHealth).Verdict).To(Equal(verify.Success))
		versions := map[string]bool{}
		for _, s := range verifier(rep, verify.NameMixedVersions).Evidence["versions"].([]verify.VersionStats) {
			versions[s.Version] = true
		}
		Expect(versions).To(HaveKey("SeaweedFS 30GB 4.53"), "the version is read from the store's Server header (m1's filer, never upgraded)")

		Expect(rep.Outcome.Reasons).NotTo(ContainElement(HavePrefix("durability")))
		Expect(rep.Outcome.Class).NotTo(Equal(reports.ClassIntegrity))
	}, SpecTimeout(5*time.Minute))
})
