package docker_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/sut/docker"
)

var _ = Describe("options", func() {
	// work is never created: the options fail first.
	const work = "testdata/never-created"
	image := sut.VersionSpec{Image: docker.LedgerImage}
	one := func(vs ...sut.VersionSpec) map[string]sut.ServiceSpec {
		versions := map[string]sut.VersionSpec{}
		for i, v := range vs {
			versions[[]string{"v1", "v2"}[i]] = v
		}
		return map[string]sut.ServiceSpec{"svc": {Versions: versions}}
	}

	DescribeTable("are checked before any engine is asked",
		func(ctx SpecContext, opts docker.Options, want string) {
			_, err := docker.New(ctx, opts)
			Expect(err).To(MatchError(sut.ErrBadSpec))
			Expect(err.Error()).To(ContainSubstring(want))
			Expect(work).NotTo(BeAnExistingFile(), "nothing was created")
		},
		Entry("no drill id", docker.Options{WorkDir: work, Services: one(image)}, "no drill id"),
		Entry("a drill id Docker cannot use", docker.Options{WorkDir: work, DrillID: "-x/y", Services: one(image)}, `drill id "-x/y"`),
		Entry("no work dir", docker.Options{DrillID: "d", Services: one(image)}, "work dir"),
		Entry("neither image nor build", docker.Options{WorkDir: work, DrillID: "d", Services: one(sut.VersionSpec{})}, "set image (repo:tag) or build"),
		Entry("image and build", docker.Options{WorkDir: work, DrillID: "d", Services: one(sut.VersionSpec{Image: "a:b", Build: &sut.BuildSpec{Context: "."}})}, "not both"),
		Entry("a build without context", docker.Options{WorkDir: work, DrillID: "d", Services: one(sut.VersionSpec{Build: &sut.BuildSpec{}})}, "no context"),
		Entry("versions on different ports", docker.Options{WorkDir: work, DrillID: "d", Services: one(image, sut.VersionSpec{Image: "a:b", Port: 9090})}, "same container port"),
		Entry("a relative working dir", docker.Options{WorkDir: work, DrillID: "d", Services: one(sut.VersionSpec{Image: "a:b", Dir: "rel"})}, "absolute path"),
		Entry("a service named like the proxy", docker.Options{WorkDir: work, DrillID: "d", Services: map[string]sut.ServiceSpec{
			"toxiproxy": {Versions: map[string]sut.VersionSpec{"v1": image}}}}, "taken by the toxiproxy container"),
		Entry("a variable the runtime sets", docker.Options{WorkDir: work, DrillID: "d", Services: one(image), Vars: map[string]string{"addr": "x"}}, `"addr" is set by the runtime`),
	)
})
