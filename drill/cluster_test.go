package drill_test

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/internal/testbin"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/verify"
)

// quorum is a 3-member cluster of the sut tests' svc: each member has a
// client and a peer port, and answers healthy only once both other members
// answer on their peer ports — a majority-style quorum that cannot start
// one member at a time. GROUP is replaced by the members' group line.
const quorum = `apiVersion: faultdrill/v1
metadata: {name: quorum}
vars: {svc: svc}
system:
  services:
    m1:
      initial: v1
      ports: [client, peer]
      healthPort: peer
      GROUP
      versions:
        v1: {command: ["${svc}", --listen, "${addr}", --listen-also, "${addr.peer}", --version, v1, --needs, "${addr.m2.peer},${addr.m3.peer}"]}
    m2:
      initial: v1
      ports: [client, peer]
      healthPort: peer
      GROUP
      versions:
        v1: {command: ["${svc}", --listen, "${addr}", --listen-also, "${addr.peer}", --version, v1, --needs, "${addr.m1.peer},${addr.m3.peer}"]}
    m3:
      initial: v1
      ports: [client, peer]
      healthPort: peer
      GROUP
      startTimeout: 3s
      versions:
        v1: {command: ["${svc}", --listen, "${addr}", --listen-also, "${addr.peer}", --version, v1, --needs, "${addr.m1.peer},${addr.m2.peer}"]}
load:
  target: m2
  port: client
  duration: 3s
  streams:
    - {name: versions, rate: 20/s, path: /version}
`

var _ = Describe("a cluster whose members are healthy only together", Ordered, func() {
	var svcBin string

	BeforeAll(func() {
		var err error
		svcBin, err = testbin.Build("github.com/faultdrill/faultdrill/sut/testdata/svc")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(os.RemoveAll, filepath.Dir(svcBin))
	})

	load := func(group string) *scenarios.Scenario {
		src := strings.ReplaceAll(quorum, "GROUP", group)
		path := filepath.Join(GinkgoT().TempDir(), "quorum.yaml")
		Expect(os.WriteFile(path, []byte(src), 0o644)).To(Succeed())
		sc, err := scenarios.Load(path)
		Expect(err).NotTo(HaveOccurred())
		return sc
	}

	It("starts as one start group, health-checked on the named peer port, with the load on the client port", func(ctx SpecContext) {
		rep, err := drill.Run(ctx, load("group: quorum"), drill.Options{OutDir: GinkgoT().TempDir(), Vars: map[string]string{"svc": svcBin}})
		Expect(err).NotTo(HaveOccurred())
		Expect(verifier(rep, verify.NameHealth).Verdict).To(Equal(verify.Success))
		Expect(rep.Load.Acknowledged).To(BeNumerically(">", 40), "the load reached m2's client port")
		Expect(rep.Outcome.Class).To(Equal(reports.ClassPassed), "%v", rep.Outcome.Reasons)
		Expect(journalKinds(rep.Drill.Dir)).To(ContainElement("sut.group"))
	}, SpecTimeout(time.Minute))

	It("cannot start one member at a time, and says which member never became healthy", func(ctx SpecContext) {
		rep, err := drill.Run(ctx, load(""), drill.Options{OutDir: GinkgoT().TempDir(), Vars: map[string]string{"svc": svcBin}})
		Expect(err).To(HaveOccurred())
		Expect(rep.Outcome.Class).To(Equal(reports.ClassError))
		Expect(err.Error()).To(ContainSubstring("m1"))
		Expect(err.Error()).To(ContainSubstring("503"), "the last health answer is quoted")
	}, SpecTimeout(time.Minute))
})
