package scenarios_test

import (
	"io/fs"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/scenarios"
)

// badEntries turns badCases into table entries.
func badEntries() []TableEntry {
	var entries []TableEntry
	for _, c := range badCases() {
		entries = append(entries, Entry(c.name, c))
	}
	return entries
}

var _ = Describe("Parse", func() {
	It("accepts the minimal scenarios the bad cases build on", func() {
		parse(base)
		parse(twoTier)
	})

	DescribeTable("reports every problem of a bad scenario at its line and column",
		func(c badCase) {
			Expect(problemLines(c.src)).To(Equal(c.want))
		},
		badEntries(),
	)

	It("reports all three semantic problems of a file with three", func() {
		lines := problemLines(`apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api: {initial: v1, versions: {v1: {command: [./api]}}}
load:
  target: web
  duration: 10s
  streams: [{name: r, rate: 1/s, path: r}]
timeline:
  - deploy: {service: api, version: v9}
`)
		Expect(lines).To(Equal([]string{
			`s.yaml:7:11: load.target: service "web" is not defined; use one of: api`,
			`s.yaml:9:40: load.streams[0].path: "r" must start with "/", such as "/r"`,
			`s.yaml:11:37: timeline[0].deploy.version: version "v9" is not defined (did you mean "v1"?)`,
		}))
	})

	It("reports all three problems of a file that does not decode", func() {
		lines := problemLines(base + `rollback:
  triggers: [{metric: p99, above: 1x, windows: 3}]
verify: {health: {timeout: soon}}
`)
		Expect(lines).To(Equal([]string{
			`s.yaml:15:35: rollback.triggers[0].above: "1x" is not a threshold; write a percentage ("5%"), a fraction (0.05), a duration ("250ms") or a plain number (50)`,
			`s.yaml:15:39: unknown field "windows"; valid fields here: name, metric, above, below, for`,
			`s.yaml:16:28: verify.health.timeout: "soon" is not a duration; write a number with a unit (ms, s, m or h), such as "30s"`,
		}))
	})

	It("reports a problem in a mapping merged in twice once", func() {
		lines := problemLines(`apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api:
      initial: v1
      versions:
        v1: &v1 {command: [./api], enviroment: {A: b}}
        v2: {<<: *v1}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`)
		Expect(lines).To(Equal([]string{`s.yaml:8:36: unknown field "enviroment" (did you mean "env"?)`}))
	})

	It("decodes anchors, aliases and merge keys", func() {
		s := parse(`apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api:
      initial: v1
      versions:
        v1: &v1
          command: &cmd [./api, --listen, "${addr}"]
          env: {MODE: good}
        v2:
          <<: *v1
          env: {MODE: bad}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`)
		versions := s.System.Services["api"].Versions
		Expect(versions["v2"].Command).To(Equal([]string{"./api", "--listen", "${addr}"}))
		Expect(versions["v2"].Env).To(Equal(map[string]string{"MODE": "bad"}))
		Expect(versions["v1"].Env).To(Equal(map[string]string{"MODE": "good"}))
	})

	It("rejects a key that a later merge would override", func() {
		Expect(problemLines(`apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    api:
      initial: v1
      versions:
        v1: &v1 {command: [./api]}
        v2: {command: [./api, --v2], <<: *v1}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
`)).To(Equal([]string{
			`s.yaml:9:14: "command" comes before the << merge that also sets it, so the merged value would win; move << to the top of the mapping`,
		}))
	})

	It("rejects an alias inside its own anchor instead of recursing", func() {
		Expect(problemLines(base + "vars: &v {a: *v}\n")).To(Equal([]string{
			`s.yaml:14:14: *v is inside the anchor &v it refers to; an alias cannot repeat what contains it`,
		}))
	})

	It("rejects an empty file, a file that is no mapping, and a second document", func() {
		Expect(problemLines("")).To(Equal([]string{
			"s.yaml:1:1: the file is empty; a scenario needs at least apiVersion, metadata, system and load",
		}))
		Expect(problemLines("# nothing but a comment\n")).To(HaveLen(1))
		Expect(problemLines("- a\n- b\n")).To(Equal([]string{
			"s.yaml:1:1: the scenario: want a mapping of fields, got a list",
		}))
		Expect(problemLines(base + "---\napiVersion: faultdrill/v1\n")).To(Equal([]string{
			"s.yaml:15:1: the file holds more than one YAML document; keep one scenario per file",
		}))
	})

	It("records the file and its absolute folder", func() {
		s := parse(base)
		Expect(s.Path).To(Equal("s.yaml"))
		wd, err := os.Getwd()
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Dir).To(Equal(wd))
	})
})

var _ = Describe("Load", func() {
	It("reads a file and names it in problems", func() {
		path := filepath.Join(GinkgoT().TempDir(), "drill.yaml")
		Expect(os.WriteFile(path, []byte(base+"rollback:\n  retries: 3\n"), 0o600)).To(Succeed())
		_, err := scenarios.Load(path)
		Expect(err).To(MatchError(path + `:15:3: unknown field "retries" (did you mean "triggers"?)`))
	})

	It("returns a missing file as a wrapped read error, not as Problems", func() {
		_, err := scenarios.Load(filepath.Join(GinkgoT().TempDir(), "none.yaml"))
		Expect(err).To(MatchError(fs.ErrNotExist))
		Expect(err).NotTo(MatchError(scenarios.ErrInvalid))
		Expect(err.Error()).To(HavePrefix("scenarios: "))
	})
})
