package drill_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
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

// The longest drills of the suite: scheduled first on the parallel
// processes, so that the shorter ones fill in around them. Ordered: the two
// clusters take turns on one process; started at once, one member's port was
// seen taken ("port in use") as the two clusters came up.
var _ = Describe("drills of a real clustered store, SeaweedFS, through its own API", Label("seaweedfs"), Ordered, SpecPriority(10), func() {
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

	It("isolates one member from its peers, pair link by pair link, losing no acknowledged write", func(ctx SpecContext) {
		vars := needSeaweedFS()
		needMountNamespaces()
		sc, err := scenarios.Load("../scenarios/examples/seaweedfs-partition.yaml")
		Expect(err).NotTo(HaveOccurred())
		rep, err := drill.Run(ctx, sc, drill.Options{OutDir: GinkgoT().TempDir(), Seed: 22, Vars: map[string]string{"weed": vars["old"]}})
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("seaweedfs-partition", fmt.Sprintf("%s (%s), score %d, %d ops: %d acknowledged, %d failed, %d indeterminate",
			rep.Status, rep.Outcome.Class, rep.Score.Value, rep.Load.Ops, rep.Load.Acknowledged, rep.Load.Failed, rep.Load.Indeterminate))

		// A member's peers resolve only to the proxies of its own pair
		// links (its hosts file): a warm-up write through every member's
		// filer, replicated to a peer, went through them.
		Expect(rep.Setup).To(HaveLen(3))
		for _, a := range rep.Setup {
			Expect(a.Status).To(BeEquivalentTo("done"), "%+v", a)
		}
		var cut []string
		for _, f := range rep.Faults {
			Expect(f.End).NotTo(BeNil(), "healed: %+v", f)
			cut = append(cut, strings.Split(f.Link, ",")...)
		}
		sort.Strings(cut)
		var want []string
		for _, pair := range []string{"m1-m3", "m2-m3", "m3-m1", "m3-m2"} {
			for _, port := range []string{"filer", "filerGrpc", "master", "masterGrpc", "volume", "volumeGrpc"} {
				want = append(want, pair+"."+port)
			}
		}
		sort.Strings(want)
		Expect(cut).To(Equal(want), "isolating m3 cuts m3's four pair links on all six ports, and m1-m2 not at all")

		dur := verifier(rep, verify.NameDurability)
		Expect(dur.Verdict).To(Equal(verify.Success), dur.Summary)
		Expect(dur.Evidence["acknowledged"]).To(BeNumerically(">", 300))
		Expect(rep.Measures.LostWrites).To(HaveValue(BeZero()))
		lin := verifier(rep, verify.NameLinearizability)
		Expect(lin.Verdict).To(Equal(verify.Success), lin.Summary)
		Expect(rep.Outcome.Class).NotTo(Equal(reports.ClassIntegrity))
	}, SpecTimeout(5*time.Minute))
})

// needMountNamespaces skips, saying why, when seaweedfs/member.sh cannot
// give a member its own hosts file (a mount namespace: root, or
// unprivileged user namespaces).
func needMountNamespaces() {
	args := []string{"--mount", "--propagation", "private", "true"}
	if os.Geteuid() != 0 {
		args = append([]string{"--user", "--map-root-user"}, args...)
	}
	if out, err := exec.Command("unshare", args...).CombinedOutput(); err != nil {
		Skip(fmt.Sprintf("no mount namespaces here (unshare %s: %v: %s); the partition drill needs root or unprivileged user namespaces",
			strings.Join(args, " "), err, strings.TrimSpace(string(out))))
	}
}
