package sut_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
)

var _ = Describe("NewProcess", func() {
	ok := sut.VersionSpec{Command: []string{"svc"}}

	DescribeTable("rejects a bad spec with one sentence",
		func(opts sut.ProcessOptions, mentions string) {
			if opts.WorkDir == "-" {
				opts.WorkDir = GinkgoT().TempDir()
			}
			_, err := sut.NewProcess(opts)
			Expect(err).To(MatchError(sut.ErrBadSpec))
			Expect(err.Error()).To(ContainSubstring(mentions))
		},
		Entry("no work dir", sut.ProcessOptions{}, "no work dir"),
		Entry("no versions", sut.ProcessOptions{WorkDir: "-",
			Services: map[string]sut.ServiceSpec{"api": {}}}, `service "api": no versions`),
		Entry("an empty command", sut.ProcessOptions{WorkDir: "-",
			Services: map[string]sut.ServiceSpec{"api": {Versions: map[string]sut.VersionSpec{"v1": {}}}}}, `version "v1": empty command`),
		Entry("a name unfit for a file", sut.ProcessOptions{WorkDir: "-",
			Services: map[string]sut.ServiceSpec{"../api": {Versions: map[string]sut.VersionSpec{"v1": ok}}}}, `service "../api"`),
		Entry("a version name unfit for a file", sut.ProcessOptions{WorkDir: "-",
			Services: map[string]sut.ServiceSpec{"api": {Versions: map[string]sut.VersionSpec{"v/1": ok}}}}, `version "v/1"`),
		Entry("a health that is not a path", sut.ProcessOptions{WorkDir: "-",
			Services: map[string]sut.ServiceSpec{"api": {Health: "healthz", Versions: map[string]sut.VersionSpec{"v1": ok}}}}, "must be a path"),
		Entry("an initial version it does not have", sut.ProcessOptions{WorkDir: "-",
			Services: map[string]sut.ServiceSpec{"api": {Initial: "v3", Versions: map[string]sut.VersionSpec{"v1": ok}}}}, `initial version "v3"`),
		Entry("a negative grace", sut.ProcessOptions{WorkDir: "-",
			Services: map[string]sut.ServiceSpec{"api": {StopGrace: -1, Versions: map[string]sut.VersionSpec{"v1": ok}}}}, "negative stopGrace"),
		Entry("a var that shadows the runtime's", sut.ProcessOptions{WorkDir: "-", Vars: map[string]string{"addr": "x"}}, `variable "addr"`),
	)

	It("answers Addr for a known service only, and keeps the address", func() {
		rt, _, _ := newRuntime(map[string]sut.ServiceSpec{"api": {Versions: map[string]sut.VersionSpec{"v1": ok}}}, nil)
		a, err := rt.Addr("api")
		Expect(err).NotTo(HaveOccurred())
		Expect(a).To(MatchRegexp(`^127\.0\.0\.1:\d+$`))
		Expect(rt.Addr("api")).To(Equal(a))
		_, err = rt.Addr("web")
		Expect(err).To(MatchError(sut.ErrUnknownService))
		_, err = rt.DataDir("api")
		Expect(err).To(MatchError(sut.ErrNoDataDir))
	})
})
