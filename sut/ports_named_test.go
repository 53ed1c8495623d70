package sut_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
)

var _ = Describe("Named ports", func() {
	It("gives each named port its own loopback address, kept across versions, health on any of them, and tells other services", func(ctx SpecContext) {
		member := func(peerOf string) sut.ServiceSpec {
			v := func(version string) sut.VersionSpec {
				return sut.VersionSpec{Command: []string{svcBin(), "--listen", "${addr}", "--listen-also", "${addr.peer}",
					"--version", version, "--peer", "${addr." + peerOf + ".peer}"}}
			}
			return sut.ServiceSpec{Health: "/healthz", HealthPort: "peer", Ports: []string{"client", "peer"},
				Versions: map[string]sut.VersionSpec{"v1": v("v1"), "v2": v("v2")}}
		}
		rt, _, _ := newRuntime(map[string]sut.ServiceSpec{"m1": member("m2"), "m2": member("m1")}, nil)
		for _, m := range []string{"m1", "m2"} {
			_, err := rt.Start(ctx, m, "v1", nil)
			Expect(err).NotTo(HaveOccurred())
		}
		main, err := rt.Addr("m1")
		Expect(err).NotTo(HaveOccurred())
		client, _ := rt.PortAddr("m1", "client")
		Expect(client).To(Equal(main), "the first named port is the main one")
		peer1, err := rt.PortAddr("m1", "peer")
		Expect(err).NotTo(HaveOccurred())
		Expect(peer1).NotTo(Equal(main))
		peer2, _ := rt.PortAddr("m2", "peer")
		Expect(get(peer1, "/version")).To(Equal("v1"), "m1 serves on its peer port")
		Expect(get(peer2, "/peer")).To(Equal(peer1), "m2 was told m1's peer address")

		Expect(rt.Stop(ctx, "m1")).To(Succeed())
		_, err = rt.Start(ctx, "m1", "v2", nil)
		Expect(err).NotTo(HaveOccurred())
		again, _ := rt.PortAddr("m1", "peer")
		Expect(again).To(Equal(peer1), "kept across versions")
		Expect(get(peer1, "/version")).To(Equal("v2"))

		_, err = rt.PortAddr("m1", "gossip")
		Expect(err).To(MatchError(sut.ErrBadSpec))
	}, SpecTimeout(30*time.Second))

	It("refuses a health port that is not one of the service's ports, and a port named twice", func() {
		for _, spec := range []sut.ServiceSpec{
			{HealthPort: "peer", Ports: []string{"client"}, Versions: map[string]sut.VersionSpec{"v1": svcVersion()}},
			{Ports: []string{"client", "client"}, Versions: map[string]sut.VersionSpec{"v1": svcVersion()}},
			{Ports: []string{"a.b"}, Versions: map[string]sut.VersionSpec{"v1": svcVersion()}},
		} {
			_, err := sut.NewProcess(sut.ProcessOptions{Services: map[string]sut.ServiceSpec{"m": spec}, WorkDir: GinkgoT().TempDir()})
			Expect(err).To(MatchError(sut.ErrBadSpec))
		}
	})
})
