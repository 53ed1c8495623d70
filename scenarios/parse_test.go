package scenarios_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/httpapi"
	"github.com/faultdrill/faultdrill/rollback"
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

	It("reports a misspelt key and the semantic problems of the rest of the file in one run", func() {
		lines := problemLines(`apiVersion: faultdrill/v1
metadata: {name: t, ownr: me}
system:
  services:
    api: {initial: v1, versions: {v1: {command: [./api]}}}
load:
  target: web
  duration: 10s
  streams: [{name: r, rate: 1/s, path: r}]
`)
		Expect(lines).To(Equal([]string{
			`s.yaml:2:21: unknown field "ownr" (did you mean "owner"?)`,
			`s.yaml:7:11: load.target: service "web" is not defined; use one of: api`,
			`s.yaml:9:40: load.streams[0].path: "r" must start with "/", such as "/r"`,
		}), "not in two rounds: the structure, then the references")
	})

	It("reports all three problems of a file that does not decode", func() {
		lines := problemLines(base + `rollback:
  triggers: [{metric: p99, above: 1y, windows: 3}]
verify: {health: {timeout: soon}}
`)
		Expect(lines).To(Equal([]string{
			`s.yaml:15:35: rollback.triggers[0].above: "1y" is not a threshold; write a percentage ("5%"), a fraction (0.05), a duration ("250ms"), a plain number (50) or a multiple of the baseline ("3x")`,
			`s.yaml:15:39: unknown field "windows"; valid fields here: name, metric, above, below, for, any, all, probe, at, scope`,
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

var _ = Describe("Parse of the fields the leaf packages added", func() {
	It("decodes lists of lists, pointers, maps of numbers and nested triggers", func() {
		s := parse(withData + `  - {at: 2s, partition: {split: [[api], [store]], duration: 1s}}
  - {at: 4s, partition: {between: [store, api], mode: down}}
  - {at: 5s, snapshot: {service: store}}
  - {at: 6s, action: {action: command, command: [./tool, "${addr.api}"], env: {DIR: "${data_dir.store}"}, idempotent: false}}
  - {at: 7s, deploy: {service: api, version: v2}}
objectives: {detection: 5s, errorBudget: 0.1, weights: {slo: 0, rto: 12.5}}
rollback:
  verifyIdempotent: true
  triggers:
    - all: [{metric: status_5xx, above: 2%, for: 2s}, {any: [{metric: p90, above: 2x}, {metric: throughput, below: 0.5x}]}]
    - {at: 12s}
  plan:
    - {action: http, service: api, url: /admin/drain, method: POST, headers: {X-Why: rollback}, status: 202, retries: 2, retryDelay: 100ms}
    - {action: redeploy-previous, service: api, idempotent: true}
    - {action: restore-snapshot, service: store}
verify:
  slo: {errorRate: 2x, p99: 300ms, window: 5s, compliance: 95%}
  mixedVersions: {maxFailures: 3}
  invariants:
    - {name: sum, sql: {driver: sqlite, dsn: "${data_dir.store}/ledger.db", query: "SELECT 1"}, unchanged: true}
`)
		Expect(s.Timeline[0].Partition.Split).To(Equal([][]string{{"api"}, {"store"}}))
		Expect(s.Timeline[0].Partition.Name).To(Equal("split@api:store"))
		Expect(s.Timeline[1].Partition.Between).To(Equal([]string{"store", "api"}))
		Expect(s.Timeline[1].Partition.Name).To(Equal("partition@store:api"))
		a := s.Timeline[3].Action
		Expect(a.IsIdempotent()).To(BeFalse())
		Expect(a.Command).To(Equal([]string{"./tool", "${addr.api}"}), "the engine expands actions when it runs them")
		Expect(s.Objectives.Detection).To(Equal(5 * time.Second))
		Expect(s.Objectives.ErrorBudget.Value).To(BeNumerically("~", 0.1, 1e-9))
		Expect(s.Objectives.Weights).To(HaveKeyWithValue("slo", 0.0))
		Expect(s.Objectives.Weights).To(HaveKeyWithValue("rto", 12.5))
		Expect(s.Rollback.VerifyIdempotent).To(BeTrue())
		all := s.Rollback.Triggers[0]
		Expect(all.Kind()).To(Equal(rollback.KindComposite))
		Expect(all.All[1].Any[0].Above.Relative()).To(BeTrue())
		Expect(all.All[1].Any[1].Below.Value).To(BeNumerically("~", 0.5, 1e-9))
		Expect(all.Name).To(Equal("all(status_5xx above 2%, any(p90 above 2x, throughput below 0.5x))"))
		Expect(*s.Rollback.Triggers[1].At).To(Equal(12 * time.Second))
		Expect(s.Rollback.Plan[0].Headers).To(Equal(map[string]string{"X-Why": "rollback"}))
		Expect(s.Rollback.Plan[0].Status).To(Equal(202))
		Expect(*s.Rollback.Plan[1].Idempotent).To(BeTrue())
		Expect(*s.Verify.MixedVersions.MaxFailures).To(Equal(3))
		Expect(s.Verify.SLO.Compliance).To(Equal("95%"))
		Expect(s.Verify.Invariants[0].SQL.DSN).To(Equal("${data_dir.store}/ledger.db"))
	})

	It("reads a store's own API: request templates as one line or a mapping, and response rules", func() {
		s := parse(`apiVersion: faultdrill/v1
metadata: {name: t}
system:
  services:
    store: {initial: v1, versions: {v1: {command: [./store]}}}
load:
  target: store
  duration: 10s
  streams:
    - name: puts
      rate: 10/s
      method: POST
      path: /v3/kv/put
      body: '{"key":"{key|base64}","value":"{value|base64}"}'
      keys: 5
      writes: true
    - name: ranges
      rate: 10/s
      method: POST
      path: /v3/kv/range
      body: '{"key":"{key|base64}"}'
      keys: 5
      absentOk: true
      response:
        absent: {jsonPath: kvs, empty: true}
        value: {jsonPath: "kvs[0].value", decode: base64}
        version: {header: X-Etcd-Server-Version}
    - {name: ids, rate: 1/s, path: "/items/{id}", writes: true}
verify:
  durability:
    read:
      method: POST
      path: /v3/kv/range
      headers: {Content-Type: application/json}
      body: '{"key":"{id|base64}"}'
    response:
      absent: {jsonPath: count, equals: "0"}
  duplicates: {read: "GET /items/{id}", response: {ack: [200]}}
`)
		ranges := s.Load.Streams[1]
		Expect(ranges.Response.Value).To(Equal(&httpapi.Field{JSONPath: "kvs[0].value", Decode: "base64"}))
		Expect(*ranges.AbsentOK).To(BeTrue())
		d := s.Verify.Durability
		Expect(d.Read).To(Equal(httpapi.Request{Method: "POST", Path: "/v3/kv/range",
			Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"key":"{id|base64}"}`}))
		Expect(*d.Response.Absent.Equals).To(Equal("0"))
		Expect(s.Verify.Duplicates.Read).To(Equal(httpapi.Request{Method: "GET", Path: "/items/{id}"}))
		Expect(s.Verify.Duplicates.Response.Ack).To(Equal([]int{200}))
	})

	It("accepts a docker system without commands, and a remote toxiproxy", func() {
		s := parse(`apiVersion: faultdrill/v1
metadata: {name: t}
system:
  runtime: docker
  toxiproxy: {url: "http://127.0.0.1:8474"}
  services:
    api:
      initial: v1
      versions:
        v1: {image: "faultdrill/ledger:dev"}
        v2: {build: {context: ../demo, dockerfile: Dockerfile.ledger, args: {DEFECT: error-spike}}, port: 8080, command: [api, --version, v2]}
load: {target: api, duration: 10s, streams: [{name: r, rate: 1/s, path: /}]}
timeline:
  - {at: 2s, inject: {kind: kill, service: api, restart: true}}
`)
		Expect(s.System.Toxiproxy.URL).To(Equal("http://127.0.0.1:8474"))
		Expect(s.System.Services["api"].Versions["v2"].Build.Args).To(HaveKeyWithValue("DEFECT", "error-spike"))
		Expect(s.Timeline[0].Inject.Name).To(Equal("kill@api"))
	})
})
