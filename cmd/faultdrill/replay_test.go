package main

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
)

var _ = Describe("run inputs", func() {
	It("refuses a --var the scenario does not declare, with a did-you-mean", func(ctx SpecContext) {
		code, _, stderr := cli(ctx, "run", "--quiet", "--out", GinkgoT().TempDir(), "--var", "ledgr=x", filepath.Join("testdata", "long-fault.yaml"))
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring(`--var ledgr: var "ledgr" is not defined (did you mean "ledger"?)`))
	})

	It("refuses to replay a redacted var unless --var gives it again, and a scenario file with --replay", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		raw, err := os.ReadFile(filepath.Join("testdata", "long-fault.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, "scenario.yaml"), raw, 0o644)).To(Succeed())
		rep := &reports.Report{Schema: reports.Schema, Drill: reports.Drill{ID: "d", Scenario: "long-fault"},
			Inputs: reports.Inputs{Vars: map[string]string{"ledger": reports.Redacted}, Seed: 7, Runtime: "process", Version: "devel"}}
		_, err = reports.Write(dir, rep)
		Expect(err).NotTo(HaveOccurred())

		code, _, stderr := cli(ctx, "run", "--quiet", "--replay", dir)
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring("the value of var ledger was redacted in the report (***); give it again with --var ledger=VALUE"))

		code, _, stderr = cli(ctx, "run", "--replay", dir, filepath.Join("testdata", "long-fault.yaml"))
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring("give no scenario file, --seed or --runtime with it"))
	})
})
