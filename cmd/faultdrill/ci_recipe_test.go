package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/rhysd/actionlint"
)

// recipes are the CI recipes the README points to.
var recipes = []string{"../../docs/ci/github-actions.yml", "../../docs/ci/gitlab-ci.yml"}

var _ = Describe("the CI recipes in docs/ci", func() {
	It("is a GitHub Actions workflow actionlint finds nothing wrong with", func() {
		path := recipes[0]
		src, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		var log bytes.Buffer
		linter, err := actionlint.NewLinter(&log, &actionlint.LinterOptions{Color: actionlint.ColorOptionKindNever, Oneline: true})
		Expect(err).NotTo(HaveOccurred())
		abs, err := filepath.Abs(path)
		Expect(err).NotTo(HaveOccurred())
		problems, err := linter.Lint(abs, src, nil)
		Expect(err).NotTo(HaveOccurred())
		var lines []string
		for _, p := range problems {
			lines = append(lines, p.Error())
		}
		Expect(lines).To(BeEmpty(), log.String())
	})

	It("calls faultdrill only with commands and flags it has", func(ctx SpecContext) {
		call := regexp.MustCompile(`(?m)\bfaultdrill ([a-z]+)((?: [^\n#]*)?)`)
		calls := 0
		for _, path := range recipes {
			src, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			for _, m := range call.FindAllStringSubmatch(string(src), -1) {
				if strings.HasPrefix(m[0], "faultdrill/") || m[1] == "drill" || m[1] == "release" {
					continue // the module path, or prose
				}
				args := append([]string{m[1]}, strings.Fields(strings.ReplaceAll(m[2], `"`, ""))...)
				// -h after the flags: the flags are parsed, nothing runs.
				code, _, errOut := cli(ctx, append(args, "-h")...)
				Expect(code).To(Equal(exitPassed), "%s: faultdrill %s: %s", path, strings.Join(args, " "), errOut)
				calls++
			}
		}
		Expect(calls).To(BeNumerically(">=", 6), "version, validate and run in each recipe")
	})
})
