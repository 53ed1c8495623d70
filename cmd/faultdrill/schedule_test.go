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
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

var _ = Describe("the scheduling recipes in docs/scheduling", func() {
	It("is a scheduled GitHub Actions workflow actionlint finds nothing wrong with, running a game day", func(ctx SpecContext) {
		path, err := filepath.Abs("../../docs/scheduling/github-actions-gameday.yml")
		Expect(err).NotTo(HaveOccurred())
		src, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		var log bytes.Buffer
		linter, err := actionlint.NewLinter(&log, &actionlint.LinterOptions{Color: actionlint.ColorOptionKindNever, Oneline: true})
		Expect(err).NotTo(HaveOccurred())
		problems, err := linter.Lint(path, src, nil)
		Expect(err).NotTo(HaveOccurred())
		var lines []string
		for _, p := range problems {
			lines = append(lines, p.Error())
		}
		Expect(lines).To(BeEmpty(), log.String())
		Expect(string(src)).To(ContainSubstring("schedule:"))
		Expect(string(src)).To(ContainSubstring(`faultdrill gameday --quiet --approve auto`))
		Expect(string(src)).To(ContainSubstring("FAULTDRILL_HISTORY: ${{ secrets.FAULTDRILL_HISTORY }}"))

		// Every faultdrill call in it has the command and flags it names:
		// with -h after them the flags are parsed and nothing runs.
		call := regexp.MustCompile(`(?m)^\s+run: (faultdrill [^\n]*)`)
		calls := 0
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			args := strings.Fields(strings.ReplaceAll(m[1], `"`, ""))[1:]
			code, _, errOut := cli(ctx, append(args, "-h")...)
			Expect(code).To(Equal(exitPassed), "faultdrill %s: %s", strings.Join(args, " "), errOut)
			calls++
		}
		Expect(calls).To(Equal(2), "gameday and trends")
	})

	It("is a Kubernetes CronJob the API types decode strictly, running a game day with the history from a Secret", func(ctx SpecContext) {
		src, err := os.ReadFile("../../docs/scheduling/gameday-cronjob.yaml")
		Expect(err).NotTo(HaveOccurred())
		var cj batchv1.CronJob
		Expect(yaml.UnmarshalStrict(src, &cj)).To(Succeed(), "no unknown or misspelt field")
		Expect(cj.APIVersion).To(Equal("batch/v1"))
		Expect(cj.Kind).To(Equal("CronJob"))
		Expect(cj.Spec.Schedule).To(Equal("0 10 * * 2"))
		Expect(cj.Spec.TimeZone).To(HaveValue(Equal("Europe/Lisbon")))
		Expect(cj.Spec.ConcurrencyPolicy).To(Equal(batchv1.ForbidConcurrent))
		pod := cj.Spec.JobTemplate.Spec.Template.Spec
		Expect(pod.RestartPolicy).To(Equal(corev1.RestartPolicyNever))
		Expect(pod.Containers).To(HaveLen(1))
		c := pod.Containers[0]
		Expect(c.Args).To(HaveExactElements("gameday", "--quiet", "--approve", "auto", "--out", "/work/gamedays", "/gamedays/example.yaml"))
		code, _, errOut := cli(ctx, append(c.Args, "-h")...)
		Expect(code).To(Equal(exitPassed), "faultdrill %v: %s", c.Args, errOut)
		Expect(c.Env).To(ContainElement(corev1.EnvVar{Name: "FAULTDRILL_HISTORY", ValueFrom: &corev1.EnvVarSource{
			SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "faultdrill-history"}, Key: "url"}}}))
	})
})
