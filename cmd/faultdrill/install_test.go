package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/buildinfo"
)

var _ = Describe("installing faultdrill into another module", func() {
	It("builds the command from a module outside the repository, which then says its version", func(ctx SpecContext) {
		checkout, err := filepath.Abs("../..")
		Expect(err).NotTo(HaveOccurred())
		sum, err := os.ReadFile(filepath.Join(checkout, "go.sum"))
		Expect(err).NotTo(HaveOccurred())
		// A module of a user's own, as `go install …@v0.9.0` would see the
		// release: the checkout stands in for the tag through a replace.
		mod := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module example.com/tools\n\ngo 1.26\n\nrequire "+
			buildinfo.Module+" v0.9.0\n\nreplace "+buildinfo.Module+" => "+checkout+"\n"), 0o600)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o600)).To(Succeed())
		bin := filepath.Join(mod, "faultdrill")
		build := exec.CommandContext(ctx, "go", "build", "-mod=mod", "-o", bin, buildinfo.Module+"/cmd/faultdrill")
		build.Dir = mod
		build.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0")
		out, err := build.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))

		for _, args := range [][]string{{"version"}, {"--version"}} {
			out, err = exec.CommandContext(ctx, bin, args...).CombinedOutput()
			Expect(err).NotTo(HaveOccurred(), string(out))
			Expect(strings.TrimSpace(string(out))).To(Equal("faultdrill v0.9.0 " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH))
		}
	}, NodeTimeout(10*time.Minute))
})
