package drill_test

import (
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/sut/docker"
)

var _ = Describe("a blue-green switch on the docker runtime", Label("docker"), func() {
	It("runs 2 API containers behind the harness's front and switches them to v2 under load with 0 failed requests", func(ctx SpecContext) {
		if err := docker.Available(ctx); err != nil {
			Skip("no Docker engine: " + err.Error())
		}
		Expect(docker.BuildImages(ctx, "..", GinkgoWriter)).To(Succeed())
		sc, err := scenarios.Load(filepath.Join("testdata", "ledger-blue-green-docker.yaml"))
		Expect(err).NotTo(HaveOccurred())
		out := GinkgoT().TempDir()
		rep, err := drill.Run(ctx, sc, drill.Options{OutDir: out, Seed: 11})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func(ctx SpecContext) {
			_, err := docker.Cleanup(ctx, rep.Drill.ID)
			Expect(err).NotTo(HaveOccurred())
		})
		Expect(rep.Drill.Runtime).To(Equal("docker"))
		Expect(rep.Outcome.Passed).To(BeTrue(), "%v", rep.Outcome.Reasons)
		Expect(rep.Load.Failed + rep.Load.Indeterminate).To(BeZero())
		Expect(rep.Deploys).To(HaveLen(1))
		d := rep.Deploys[0]
		Expect(d.Strategy).To(Equal("blue-green"))
		Expect(d.Phases).NotTo(BeNil())
		AddReportEntry("docker blue-green switch", (d.End - d.Start).Round(time.Millisecond).String())

		journal := journalOf(rep.Drill.Dir)
		for _, slot := range []string{"api.0 v1", "api.1 v1", "api.2 v2", "api.3 v2"} {
			Expect(journal).To(ContainSubstring(slot), "each replica is a container of its own")
		}
		Expect(strings.Count(journal, `"kind":"front.ready"`)).To(Equal(1))
		Expect(labelledCount(ctx, rep.Drill.ID)).To(BeZero(), "the drill removed its containers")
	}, SpecTimeout(4*time.Minute))
})
