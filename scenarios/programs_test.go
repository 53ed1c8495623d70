package scenarios_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/scenarios"
)

var _ = Describe("Programs", func() {
	It("finds each missing or unrunnable program once, at its line, with vars and overrides applied", func() {
		dir := GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "not-exec"), []byte("#!/bin/sh\n"), 0o600)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "app"), []byte("#!/bin/sh\n"), 0o700)).To(Succeed())
		path := filepath.Join(dir, "s.yaml")
		Expect(os.WriteFile(path, []byte(`apiVersion: faultdrill/v1
metadata: {name: t}
vars: {bin: ./missing}
system:
  services:
    a: {initial: v1, versions: {v1: {command: ["${bin}"]}, v2: {command: ["${bin}", "--v2"]}}}
    b: {initial: v1, versions: {v1: {command: [./not-exec]}}}
    c: {initial: v1, versions: {v1: {command: [sh, -c, "true"]}}}
    d: {initial: v1, versions: {v1: {command: [./app]}}}
    e: {initial: v1, versions: {v1: {command: [no-such-program-here]}}}
load:
  target: a
  duration: 10s
  streams: [{name: r, rate: 1/s, path: /r}]
`), 0o600)).To(Succeed())
		sc, err := scenarios.Load(path)
		Expect(err).NotTo(HaveOccurred())
		var lines []string
		for _, p := range sc.Programs(nil) {
			lines = append(lines, p.Error())
		}
		Expect(lines).To(HaveExactElements(
			HavePrefix(path+`:6:48: system.services.a.versions.v1.command[0]: binary not found: "./missing"`),
			HavePrefix(path+`:7:48: system.services.b.versions.v1.command[0]: command `+filepath.Join(dir, "not-exec")+` is not executable`),
			HavePrefix(path+`:10:48: system.services.e.versions.v1.command[0]: binary not found: "no-such-program-here" is not in $PATH`),
		), "a's two versions share one program: reported once; sh is in $PATH; ./app is there")

		Expect(sc.Programs(map[string]string{"bin": "./app"})).To(HaveLen(2), "--var bin=./app fixes a")
	})
})
