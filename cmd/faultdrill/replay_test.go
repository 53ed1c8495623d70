package main

import (
	"time"

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

var _ = Describe("run --replay", func() {
	It("reruns a drill with its recorded scenario copy, vars, seed and runtime, recorded in report.json", func(ctx SpecContext) {
		out := GinkgoT().TempDir()
		code, stdout, stderr := cli(ctx, "run", "--quiet", example, "--var", "ledger="+ledgerBin, "--out", out, "--seed", "9")
		Expect(code).To(Equal(exitPassed), stdout+stderr)
		dirs, err := filepath.Glob(filepath.Join(out, "*-*")) // drill folders, not the latest link
		Expect(err).NotTo(HaveOccurred())
		Expect(dirs).To(HaveLen(1))
		first, err := reports.Read(filepath.Join(dirs[0], reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(first.Inputs).To(Equal(reports.Inputs{Vars: map[string]string{"ledger": ledgerBin}, Seed: 9,
			Runtime: "process", Approve: "prompt", Version: "devel"}))

		again := GinkgoT().TempDir()
		code, stdout, stderr = cli(ctx, "run", "--quiet", "--replay", dirs[0], "--out", again)
		Expect(code).To(Equal(exitPassed), stdout+stderr)
		replays, err := filepath.Glob(filepath.Join(again, "*-*", reports.FileName))
		Expect(err).NotTo(HaveOccurred())
		Expect(replays).To(HaveLen(1))
		second, err := reports.Read(replays[0])
		Expect(err).NotTo(HaveOccurred())
		want := first.Inputs
		want.ReplayOf = first.Drill.ID
		Expect(second.Inputs).To(Equal(want))
		Expect(second.Drill.Digest).To(Equal(first.Drill.Digest), "the same scenario bytes")
		Expect(second.Drill.Seed).To(Equal(uint64(9)))
	}, SpecTimeout(3*time.Minute))
})
