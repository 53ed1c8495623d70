package scenarios_test

import (
	"io/fs"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/scenarios/examples"
)

var _ = Describe("the bundled examples", func() {
	It("load clean from the embedded file system", func() {
		names, err := examples.Names()
		Expect(err).NotTo(HaveOccurred())
		Expect(names).To(ContainElement("ledger-bad-release.yaml"))
		for _, name := range names {
			src, err := fs.ReadFile(examples.FS(), name)
			Expect(err).NotTo(HaveOccurred())
			_, err = scenarios.Parse(name, src)
			Expect(err).NotTo(HaveOccurred(), "%s", name)
		}
	})

	Describe("ledger-bad-release.yaml", func() {
		var s *scenarios.Scenario

		BeforeEach(func() {
			var err error
			s, err = scenarios.Load(filepath.Join("examples", "ledger-bad-release.yaml"))
			Expect(err).NotTo(HaveOccurred())
		})

		It("runs the ledger's API in front of its store, through a link", func() {
			Expect(s.Metadata.Name).To(Equal("ledger-bad-release"))
			Expect(s.Vars).To(HaveKeyWithValue("ledger", "../../bin/ledger"))
			Expect(s.Dir).To(HaveSuffix(filepath.Join("scenarios", "examples")))
			Expect(s.System.Links).To(Equal([]faults.LinkSpec{{Name: "api-to-store", From: "api", To: "store"}}))
			api := s.System.Services["api"]
			Expect(api.Versions["v1"].Command).To(Equal([]string{
				"${ledger}", "api", "--listen", "${addr}", "--store", "http://${link.api-to-store}", "--version", "v1",
			}))
			Expect(api.Versions["v2"].Command).To(ContainElements("--defect", "error-spike"))
			Expect(s.System.Services["store"].DataDir).To(BeTrue())
			Expect(scenarios.StartOrder(s)).To(Equal([]string{"store", "api"}))
		})

		It("writes at 100/s for 25s, ships v2 at 5s and adds 50ms of latency at 15s for 4s", func() {
			Expect(s.Load.Target).To(Equal("api"))
			Expect(s.Load.Duration).To(Equal(25 * time.Second))
			Expect(s.Load.Streams).To(HaveLen(1))
			Expect(s.Load.Streams[0].Rate).To(Equal(load.Rate{Freq: 100, Per: time.Second}))
			Expect(s.Load.Streams[0].Writes).To(BeTrue())

			Expect(s.Timeline).To(HaveLen(2))
			Expect(*s.Timeline[0].At).To(Equal(5 * time.Second))
			Expect(*s.Timeline[0].Deploy).To(Equal(scenarios.Deploy{Service: "api", Version: "v2"}))
			Expect(*s.Timeline[1].At).To(Equal(15 * time.Second))
			Expect(*s.Timeline[1].Inject).To(Equal(faults.Spec{
				Name: "latency@api-to-store", Kind: faults.Latency, Link: "api-to-store",
				Direction: faults.Both, Toxicity: 1, Latency: 50 * time.Millisecond, Duration: 4 * time.Second,
			}))
		})

		It("rolls api back when the error rate stays above 5% for 2s, and reads every write back", func() {
			Expect(s.Rollback.Triggers).To(HaveLen(1))
			t := s.Rollback.Triggers[0]
			Expect(t.Name).To(Equal("error_rate above 5%"))
			Expect(t.Metric).To(Equal(rollback.ErrorRate))
			Expect(t.Above.Value).To(BeNumerically("~", 0.05, 1e-9))
			Expect(t.For).To(Equal(2 * time.Second))
			Expect(s.Rollback.Plan).To(Equal([]rollback.ActionSpec{{Action: rollback.RedeployPrevious, Service: "api"}}))

			Expect(s.Objectives.RTO).To(Equal(10 * time.Second))
			Expect(s.Objectives.RPO).To(BeZero())
			Expect(s.Objectives.PassScore).To(Equal(80))
			Expect(s.Verify.Durability.Read).To(Equal("GET /entries/{id}"))
		})
	})
})
