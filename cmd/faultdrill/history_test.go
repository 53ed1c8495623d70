package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
)

const slowRollback = "testdata/slow-rollback.yaml"

var _ = Describe("the history of drills", Ordered, func() {
	var out, db string
	var ids []string

	BeforeAll(func() {
		out = GinkgoT().TempDir()
		db = filepath.Join(GinkgoT().TempDir(), "history.db")
	})

	drill := func(ctx SpecContext, pause string, extra ...string) (int, string, string) {
		args := append([]string{"run", "--quiet", "--out", out, "--history", db, "--var", "ledger=" + ledgerBin, "--var", "pause=" + pause, slowRollback}, extra...)
		code, stdout, stderr := cli(ctx, args...)
		if m := regexp.MustCompile(`(slow-rollback-\d{8}-\d{6}-[0-9a-f]+)/report.json`).FindStringSubmatch(stdout); m != nil {
			ids = append(ids, m[1])
		}
		return code, stdout, stderr
	}

	It("flags a deliberately slowed rollback against a history of fast ones, naming the previous good run", func(ctx SpecContext) {
		for range 2 {
			code, stdout, stderr := drill(ctx, "0", "--fail-on-regression")
			Expect(code).To(Equal(exitPassed), stdout+stderr)
			Expect(stdout).NotTo(ContainSubstring("regression"))
		}
		code, stdout, stderr := drill(ctx, "3", "--fail-on-regression")
		Expect(code).To(Equal(exitRegression), stdout+stderr)
		Expect(stdout).To(ContainSubstring("verdict           passed"), "the drill itself passed")
		Expect(stdout).To(MatchRegexp(`regression +rollback duration \S+ is [\d.]+× the trailing median \S+ of the 2 run\(s\) before \(limit 2×\); previous good run ` + ids[1]))
		Expect(stdout).To(MatchRegexp(`regression +RTO \S+ is`))

		code, stdout, _ = cli(ctx, "history", "--history", db, "--scenario", "slow-rollback", "--status", "passed")
		Expect(code).To(Equal(exitPassed))
		Expect(stdout).To(ContainSubstring("3 drill(s) in " + db))
		for _, id := range ids {
			Expect(stdout).To(ContainSubstring(id))
		}
		Expect(stdout).To(ContainSubstring("api,store"))
		code, stdout, _ = cli(ctx, "history", "--history", db, "--service", "nope")
		Expect(code).To(Equal(exitPassed))
		Expect(stdout).To(ContainSubstring("0 drill(s)"))
	}, SpecTimeout(3*time.Minute))

	It("backfills drill folders with history import, once", func(ctx SpecContext) {
		fresh := filepath.Join(GinkgoT().TempDir(), "imported.db")
		code, stdout, stderr := cli(ctx, "history", "import", "--history", fresh, out)
		Expect(code).To(Equal(exitPassed), stderr)
		Expect(stdout).To(ContainSubstring("3 drill(s) imported, 0 already recorded, 0 skipped"))
		code, stdout, _ = cli(ctx, "history", "import", "--history", fresh, filepath.Join(out, ids[0]), out)
		Expect(code).To(Equal(exitPassed))
		Expect(stdout).To(ContainSubstring("0 drill(s) imported, 4 already recorded"))

		_, want, _ := cli(ctx, "history", "--history", db)
		_, got, _ := cli(ctx, "history", "--history", fresh)
		Expect(strings.ReplaceAll(got, fresh, db)).To(Equal(want), "an import keeps every figure run recorded")

		code, _, stderr = cli(ctx, "history", "import", "--history", fresh, GinkgoT().TempDir())
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring("holds no report.json, nor folders that hold one; give a drill folder or a folder of drill folders"))
	}, SpecTimeout(time.Minute))

	It("prints trends per scenario and per service and writes the HTML page", func(ctx SpecContext) {
		page := filepath.Join(GinkgoT().TempDir(), "trends.html")
		code, stdout, stderr := cli(ctx, "trends", "--history", db, "--since", "7d", "--html", page)
		Expect(code).To(Equal(exitPassed), stderr)
		Expect(stdout).To(ContainSubstring("3 drill(s) from"))
		Expect(stdout).To(MatchRegexp(`(?m)^slow-rollback +3 +\S+ +100%`))
		Expect(stdout).To(MatchRegexp(`(?m)^api +3 `))
		Expect(stdout).To(MatchRegexp(`(?m)^store +3 `))
		b, err := os.ReadFile(page)
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Count(string(b), `<svg class="chart"`)).To(Equal(9))
	}, SpecTimeout(time.Minute))

	It("refuses bad filters in one sentence, and a history that is not there", func(ctx SpecContext) {
		code, _, stderr := cli(ctx, "history", "--history", db, "--since", "yesterday")
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring(`--since: "yesterday" is not an age (90d, 12h), a date (2026-11-01) or an RFC 3339 time`))
		code, _, stderr = cli(ctx, "history", "--history", db, "--status", "green")
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring("use passed, failed, error, interrupted or killed"))
		code, _, stderr = cli(ctx, "trends", "--history", filepath.Join(GinkgoT().TempDir(), "none.db"))
		Expect(code).To(Equal(exitInvalid))
		Expect(stderr).To(ContainSubstring("no history at"))
	})

	It("never fails a drill it cannot record: one warning, and the folder stays the record", func(ctx SpecContext) {
		blocker := filepath.Join(GinkgoT().TempDir(), "a-file")
		Expect(os.WriteFile(blocker, nil, 0o644)).To(Succeed())
		code, stdout, stderr := cli(ctx, "run", "--quiet", "--out", out, "--history", filepath.Join(blocker, "history.db"),
			"--var", "ledger="+ledgerBin, "--var", "pause=0", slowRollback)
		Expect(code).To(Equal(exitPassed), stdout+stderr)
		Expect(stderr).To(MatchRegexp(`warning: the drill was not recorded in the history: .*; its folder \S+ stays the record`))
		matches, _ := filepath.Glob(filepath.Join(out, "slow-rollback-*", reports.FileName))
		Expect(matches).To(HaveLen(4))
	}, SpecTimeout(time.Minute))
})
