package scenarios_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/sut"
)

// system returns a scenario with the named services and the links given as
// from, to pairs.
func system(services []string, links ...[2]string) *scenarios.Scenario {
	s := &scenarios.Scenario{}
	s.System.Services = map[string]sut.ServiceSpec{}
	for _, name := range services {
		s.System.Services[name] = sut.ServiceSpec{}
	}
	for _, l := range links {
		s.System.Links = append(s.System.Links, faults.LinkSpec{Name: l[0] + "-to-" + l[1], From: l[0], To: l[1]})
	}
	return s
}

var _ = Describe("StartOrder", func() {
	It("starts a link's target before its caller, and the rest by name", func() {
		s := system([]string{"web", "store", "cache", "api"}, [2]string{"web", "api"}, [2]string{"api", "store"})
		Expect(scenarios.StartOrder(s)).To(Equal([]string{"cache", "store", "api", "web"}))
	})

	It("orders a diamond, ties by name", func() {
		s := system([]string{"a", "b", "c", "d"},
			[2]string{"a", "c"}, [2]string{"a", "b"}, [2]string{"b", "d"}, [2]string{"c", "d"})
		Expect(scenarios.StartOrder(s)).To(Equal([]string{"d", "b", "c", "a"}))
	})

	It("lists every service once when links form a cycle, breaking it at the first name", func() {
		s := system([]string{"z", "y", "x"}, [2]string{"x", "y"}, [2]string{"y", "x"}, [2]string{"z", "x"})
		Expect(scenarios.StartOrder(s)).To(Equal([]string{"x", "y", "z"}))
	})

	It("ignores links to undefined services and links from a service to itself", func() {
		s := system([]string{"b", "a"}, [2]string{"a", "ghost"}, [2]string{"b", "b"}, [2]string{"ghost", "a"})
		Expect(scenarios.StartOrder(s)).To(Equal([]string{"a", "b"}))
	})

	It("returns nothing for a scenario with no services", func() {
		Expect(scenarios.StartOrder(&scenarios.Scenario{})).To(BeEmpty())
	})
})

// grouped puts services in a start group.
func grouped(s *scenarios.Scenario, group string, names ...string) *scenarios.Scenario {
	for _, n := range names {
		svc := s.System.Services[n]
		svc.Group = group
		s.System.Services[n] = svc
	}
	return s
}

var _ = Describe("StartGroups", func() {
	It("starts the members of a group together, after the groups they call and before those that call them", func() {
		// Three members of a quorum that call each other, an api in front.
		s := system([]string{"api", "m1", "m2", "m3"},
			[2]string{"api", "m2"}, [2]string{"m1", "m2"}, [2]string{"m2", "m3"}, [2]string{"m3", "m1"})
		grouped(s, "quorum", "m1", "m2", "m3")
		Expect(scenarios.StartGroups(s)).To(Equal([][]string{{"m1", "m2", "m3"}, {"api"}}))
		Expect(scenarios.StartOrder(s)).To(Equal([]string{"m1", "m2", "m3", "api"}))
	})

	It("keeps a service with no group a group of its own", func() {
		s := system([]string{"b", "a"}, [2]string{"b", "a"})
		Expect(scenarios.StartGroups(s)).To(Equal([][]string{{"a"}, {"b"}}))
	})
})
