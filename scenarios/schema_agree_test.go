package scenarios_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/faultdrill/faultdrill/scenarios"
)

// agreeBase is a valid scenario on the process runtime that holds one of
// most things a mutation can break: a link, env, headers, vars, every kind
// of step, every kind of trigger.
const agreeBase = `apiVersion: faultdrill/v1
metadata: {name: agree, description: the base of the schema mutations, owner: qa}
objectives: {rto: 10s, rpo: 0, passScore: 80, errorBudget: 5%, weights: {rto: 2}}
vars: {bin: ./bin/ledger}
system:
  runtime: process
  services:
    store:
      dataDir: true
      health: /healthz
      initial: v1
      stopGrace: 5s
      versions:
        v1: {command: ["${bin}", store, "${data_dir}"], env: {MODE: fast}}
    api:
      initial: v1
      startTimeout: 10s
      versions:
        v1: {command: ["${bin}", api, "${link.api-to-store}"]}
        v2: {command: ["${bin}", api, "${link.api-to-store}", --bad]}
  links:
    - {name: api-to-store, from: api, to: store}
load:
  target: api
  duration: 30s
  timeout: 2s
  streams:
    - name: writes
      rate: 100/s
      method: PUT
      path: "/entries/{id}"
      headers: {Content-Type: application/json}
      writes: true
setup:
  - {action: http, service: api, method: POST, url: /reset, status: 200}
timeline:
  - {at: 2s, deploy: {service: api, version: v2}}
  - at: 4s
    inject: {name: slow, kind: latency, link: api-to-store, latency: 50ms, duration: 2s}
  - {at: 8s, inject: {name: stop, kind: pause, service: store}}
  - {heal: stop}
  - {wait: 1s}
  - {at: 12s, partition: {isolate: store, duration: 1s}}
  - {at: 14s, snapshot: {service: store}}
rollback:
  triggers:
    - {metric: error_rate, above: 5%, for: 2s}
    - any:
        - {metric: p99, above: 250ms}
        - {metric: throughput, below: 10}
    - probe: {url: /healthz}
  plan:
    - {action: redeploy-previous, service: api}
verify:
  health: {timeout: 10s}
  durability: {read: "GET /entries/{id}"}
`

// mutation is one single-point change of a valid scenario: set the value
// at path (keys and [index] separated by dots), or delete it when del.
// A crossRef mutation breaks a reference between parts of the scenario,
// which the schema leaves to validate (schema_rules.go lists them): the
// schema accepts it, validate does not. A looser one is a known gap of the
// schema, listed there too, held here so that closing it shows.
type mutation struct {
	name     string
	base     string
	path     string
	value    any
	del      bool
	crossRef bool
	looser   bool
}

// agreeMutations are the cases whose verdicts the schema and validate must
// share; the first fifteen are those on which they once disagreed.
func agreeMutations() []mutation {
	return []mutation{
		{name: "a trigger with both above and below", path: "rollback.triggers[0].below", value: "1%"},
		{name: "a trigger with neither above nor below", path: "rollback.triggers[0].above", del: true},
		{name: "a step with two kinds", path: "timeline[0].wait", value: "1s"},
		{name: "a step of no kind", path: "timeline[4].wait", del: true},
		{name: "latency on a service", path: "timeline[2].inject.kind", value: "latency"},
		{name: "kill on a link", path: "timeline[1].inject", value: map[string]any{"kind": "kill", "link": "api-to-store"}},
		{name: "latency with no value", path: "timeline[1].inject.latency", del: true},
		{name: "an empty any", path: "rollback.triggers[1].any", value: []any{}},
		{name: "a negative stopGrace", path: "system.services.store.stopGrace", value: "-1s"},
		{name: "a zero load duration", path: "load.duration", value: "0s"},
		{name: "resend: 2", path: "load.streams[0].resend", value: 2},
		{name: "a docker version with no image", base: "docker", path: "system.services.api.versions.v1.image", del: true},
		{name: "a number in vars", path: "vars.n", value: 3},
		{name: "a number in env", path: "system.services.store.versions.v1.env.N", value: 3},
		{name: "a number in headers", path: "load.streams[0].headers.X-N", value: 3},

		{name: "the base itself", path: "metadata.owner", value: "qa"},
		{name: "the docker base itself", base: "docker", path: "metadata.owner", value: "qa"},
		{name: "no apiVersion", path: "apiVersion", del: true},
		{name: "another apiVersion", path: "apiVersion", value: "faultdrill/v2"},
		{name: "no metadata name", path: "metadata.name", del: true},
		{name: "an unknown top-level key", path: "extra", value: true},
		{name: "an unknown runtime", path: "system.runtime", value: "vm"},
		{name: "no services", path: "system.services", del: true},
		{name: "a service with no initial", path: "system.services.store.initial", del: true},
		{name: "a service with no versions", path: "system.services.store.versions", del: true},
		{name: "a version with no command", path: "system.services.store.versions.v1.command", del: true},
		{name: "a link with no name", path: "system.links[0].name", del: true},
		{name: "a duration with no unit", path: "load.timeout", value: 2},
		{name: "a malformed duration", path: "load.timeout", value: "2 seconds"},
		{name: "a negative load timeout", path: "load.timeout", value: "-2s"},
		{name: "no load target", path: "load.target", del: true},
		{name: "no streams", path: "load.streams", del: true},
		{name: "a rate of zero", path: "load.streams[0].rate", value: "0/s"},
		{name: "a rate as a number", path: "load.streams[0].rate", value: 50},
		{name: "an unknown method", path: "load.streams[0].method", value: "FETCH"},
		{name: "a passScore above 100", path: "objectives.passScore", value: 101},
		{name: "a negative rpo", path: "objectives.rpo", value: -1},
		{name: "an unknown weight", path: "objectives.weights.speed", value: 1},
		{name: "an unknown fault kind", path: "timeline[1].inject.kind", value: "flood"},
		{name: "a fault with no kind", path: "timeline[1].inject.kind", del: true},
		{name: "a toxicity above 1", path: "timeline[1].inject.toxicity", value: 1.5},
		{name: "an unknown direction", path: "timeline[1].inject.direction", value: "sideways"},
		{name: "a zero fault duration", path: "timeline[1].inject.duration", value: "0s"},
		{name: "a negative step at", path: "timeline[0].at", value: "-1s"},
		{name: "a partition of an unknown mode", path: "timeline[5].partition.mode", value: "reset"},
		{name: "an unknown metric", path: "rollback.triggers[0].metric", value: "p95"},
		{name: "a threshold with no metric", path: "rollback.triggers[0].metric", del: true},
		{name: "an unknown action", path: "rollback.plan[0].action", value: "pray"},
		{name: "an action with no action", path: "rollback.plan[0].action", del: true},
		{name: "an unknown healFaults", path: "rollback.healFaults", value: "never"},
		{name: "an action status of 99", path: "setup[0].status", value: 99},
		{name: "negative retries", path: "setup[0].retries", value: -1},
		{name: "a docker port of 0", base: "docker", path: "system.services.api.versions.v1.port", value: 70000},
		{name: "a docker version with image and build", base: "docker", path: "system.services.api.versions.v1.build", value: map[string]any{"context": "."}},
		{name: "a list where a mapping goes", path: "metadata", value: []any{"x"}},
		{name: "a text where a list goes", path: "load.streams", value: "writes"},
		{name: "a number as metadata name", path: "metadata.name", value: 42},
		{name: "a boolean in vars", path: "vars.b", value: true},
		{name: "a float in env", path: "system.services.store.versions.v1.env.F", value: 0.5},
		{name: "jitter on bandwidth", path: "timeline[1].inject", value: map[string]any{"kind": "bandwidth", "link": "api-to-store", "rate": 10, "jitter": "5ms"}},
		{name: "bandwidth with no rate", path: "timeline[1].inject", value: map[string]any{"kind": "bandwidth", "link": "api-to-store"}},
		{name: "bandwidth of rate 0", path: "timeline[1].inject", value: map[string]any{"kind": "bandwidth", "link": "api-to-store", "rate": 0}},
		{name: "a latency of 0s", path: "timeline[1].inject.latency", value: "0s"},
		{name: "latency one way", path: "timeline[1].inject.direction", value: "upstream"},
		{name: "down one way", path: "timeline[1].inject", value: map[string]any{"kind": "down", "link": "api-to-store", "direction": "upstream"}},
		{name: "latency on half the connections", path: "timeline[1].inject.toxicity", value: 0.5},
		{name: "down on half the connections", path: "timeline[1].inject", value: map[string]any{"kind": "down", "link": "api-to-store", "toxicity": 0.5}},
		{name: "a restart step", path: "timeline[4]", value: map[string]any{"inject": map[string]any{"kind": "restart", "service": "api"}}},
		{name: "a restart with a duration", path: "timeline[4]", value: map[string]any{"inject": map[string]any{"kind": "restart", "service": "api", "duration": "2s"}}},
		{name: "a kill with restart and a duration", path: "timeline[4]", value: map[string]any{"inject": map[string]any{"kind": "kill", "service": "api", "restart": true, "duration": "2s"}}},
		{name: "a kill with a duration", path: "timeline[4]", value: map[string]any{"inject": map[string]any{"kind": "kill", "service": "api", "duration": "2s"}}},
		{name: "a slicer with its sizes", path: "timeline[1].inject", value: map[string]any{"kind": "slicer", "link": "api-to-store", "averageSize": 64, "sizeVariation": 8}},
		{name: "a partition that isolates and splits", path: "timeline[5].partition.between", value: []any{"api", "store"}},
		{name: "a partition with no cut", path: "timeline[5].partition.isolate", del: true},
		{name: "a probe inside any", path: "rollback.triggers[1].any[0]", value: map[string]any{"probe": map[string]any{"url": "/healthz"}}},
		{name: "an at inside any", path: "rollback.triggers[1].any[0]", value: map[string]any{"at": "20s"}},
		{name: "for on a composite", path: "rollback.triggers[1].for", value: "2s"},
		{name: "for on a probe trigger", path: "rollback.triggers[2].for", value: "2s"},
		{name: "any and all together", path: "rollback.triggers[1].all", value: []any{map[string]any{"metric": "p99", "above": "1s"}}},
		{name: "a planned trigger", path: "rollback.triggers[2]", value: map[string]any{"at": "20s"}},
		{name: "a probe url that is no path", path: "rollback.triggers[2].probe.url", value: "healthz"},
		{name: "resend of one half", path: "load.streams[0].resend", value: 0.5},
		{name: "resend: 1", path: "load.streams[0].resend", value: 1},
		{name: "a rate of 0 as a number", path: "load.streams[0].rate", value: 0},
		{name: "no services at all", path: "system.services", value: map[string]any{}},
		{name: "a service name with a space", path: "system.services.my store", value: map[string]any{"initial": "v1", "versions": map[string]any{"v1": map[string]any{"command": []any{"x"}}}}},
		{name: "a var name with a space", path: "vars.my var", value: "x"},
		{name: "a command whose program is blank", path: "system.services.store.versions.v1.command", value: []any{" ", "x"}},
		{name: "an empty command", path: "system.services.store.versions.v1.command", value: []any{}},
		{name: "a process version with an image too", path: "system.services.store.versions.v1.image", value: "x:1"},
		{name: "a docker version with no command", base: "docker", path: "system.services.api.versions.v1.command", del: true},
		{name: "a docker version built, not pulled", base: "docker", path: "system.services.api.versions.v1", value: map[string]any{"build": map[string]any{"context": "."}}},
		{name: "a wait of 0s", path: "timeline[4].wait", value: "0s"},
		{name: "a heal of nothing", path: "timeline[3].heal", value: ""},
		{name: "a threshold that is no threshold", path: "rollback.triggers[0].above", value: "lots"},
		{name: "a threshold as a fraction", path: "rollback.triggers[0].above", value: 0.05},
		{name: "a threshold as a multiple of the baseline", path: "rollback.triggers[0].above", value: "3x"},
		{name: "a threshold with a space before its %", path: "rollback.triggers[0].above", value: "5 %"},
		{name: "a rate per minute", path: "load.streams[0].rate", value: "600/m"},
		{name: "a rate per 250ms", path: "load.streams[0].rate", value: "5/250ms"},
		{name: "a rate per fortnight", path: "load.streams[0].rate", value: "5/fortnight"},
		{name: "a read with no path", path: "verify.durability.read", value: "GET entries"},
		{name: "a read as a mapping", path: "verify.durability.read", value: map[string]any{"method": "GET", "path": "/entries/{id}"}},
		{name: "a read of an unknown method", path: "verify.durability.read", value: "FETCH /entries/{id}"},
		{name: "a read in lower case", path: "verify.durability.read", value: "get /entries/{id}"},
		{name: "a read mapping of an unknown method", path: "verify.durability.read", value: map[string]any{"method": "FETCH", "path": "/entries/{id}"}},
		{name: "a read mapping with a relative path", path: "verify.durability.read", value: map[string]any{"path": "entries/{id}"}},
		{name: "a stream method in lower case", path: "load.streams[0].method", value: "put"},
		{name: "a link name with a slash", path: "system.links[0].name", value: "api/store"},
		{name: "a link on a loopback address", path: "system.links[0].listen", value: "127.20.1.2"},
		{name: "a link on a public address", path: "system.links[0].listen", value: "10.0.0.1"},
		{name: "a link on a host name", path: "system.links[0].listen", value: "localhost"},
		{name: "a link with port and ports", path: "system.links[0]", value: map[string]any{"name": "api-to-store", "from": "api", "to": "store", "port": "a", "ports": []any{"a"}}},
		{name: "a fault name with a space", path: "timeline[1].inject.name", value: "slow link"},
		{name: "a blank metadata name", path: "metadata.name", value: "  "},
		{name: "a number as a probe url", path: "rollback.triggers[2].probe.url", value: 42},
		{name: "a number as a fault name", path: "timeline[1].inject.name", value: 7},
		{name: "a docker version in a relative dir", base: "docker", path: "system.services.api.versions.v1.dir", value: "app"},
		{name: "a docker version in /app", base: "docker", path: "system.services.api.versions.v1.dir", value: "/app"},
		{name: "a process version in a relative dir", path: "system.services.store.versions.v1.dir", value: "data"},
		{name: "an approval by a blank role", path: "rollback.approval", value: map[string]any{"role": " "}},
		{name: "a latency of 500us", path: "timeline[1].inject.latency", value: "500us", looser: true},
		{name: "a threshold of 150%", path: "rollback.triggers[0].above", value: "150%"},
		{name: "a slicer variation as big as its size", crossRef: true, path: "timeline[1].inject", value: map[string]any{"kind": "slicer", "link": "api-to-store", "averageSize": 8, "sizeVariation": 8}},
		{name: "a rate per 0s", path: "load.streams[0].rate", value: "5/0s", looser: true},
		{name: "a ramp to 0/s", path: "load.streams[0].rampTo", value: "0/s"},
		{name: "negative keys", path: "load.streams[0].keys", value: -1},
		{name: "an rto of 0s", path: "objectives.rto", value: "0s"},
		{name: "a stream path with no /", path: "load.streams[0].path", value: "entries/{id}"},
		{name: "down with toxicity 0", path: "timeline[1].inject", value: map[string]any{"kind": "down", "link": "api-to-store", "toxicity": 0}},
		{name: "a partition between one service", path: "timeline[5].partition", value: map[string]any{"between": []any{"api"}}},
		{name: "a split of one half", path: "timeline[5].partition", value: map[string]any{"split": []any{[]any{"api"}}}},
		{name: "an sql invariant with nothing to compare", path: "verify.invariants", value: []any{map[string]any{"name": "x", "sql": map[string]any{"driver": "sqlite", "dsn": "x.db", "query": "select 1"}}}},
		{name: "an sql invariant that stays unchanged", path: "verify.invariants", value: []any{map[string]any{"name": "x", "unchanged": true, "sql": map[string]any{"driver": "sqlite", "dsn": "x.db", "query": "select 1"}}}},
		{name: "an invariant with no probe", path: "verify.invariants", value: []any{map[string]any{"name": "x", "equals": "1"}}},
		{name: "the health verifier disabled", path: "verify.health.disabled", value: true},
		{name: "a flag action", path: "rollback.plan[0]", value: map[string]any{"action": "flag", "service": "api", "url": "/flags/x"}},
		{name: "a command action", path: "rollback.plan[0]", value: map[string]any{"action": "command", "command": []any{"true"}}},
		{name: "an http action with no url", path: "rollback.plan[0]", value: map[string]any{"action": "http", "service": "api"}},
		{name: "an http action with assertions and polling", path: "setup[0]", value: map[string]any{"action": "http", "service": "api", "url": "/status",
			"expect": []any{map[string]any{"jsonPath": "$.storage.version", "equals": "v2"}, map[string]any{"jsonPath": "items[0].state", "matches": "^ok$"},
				map[string]any{"jsonPath": "$[1]", "notEquals": "x"}},
			"until": map[string]any{"interval": "500ms", "timeout": "30s"}}},
		{name: "an assertion with a bad JSON path", path: "setup[0].expect", value: []any{map[string]any{"jsonPath": "$..x", "equals": "v2"}}},
		{name: "an assertion with a path ending in a dot", path: "setup[0].expect", value: []any{map[string]any{"jsonPath": "$.a.", "equals": "v2"}}},
		{name: "an assertion with text after an index", path: "setup[0].expect", value: []any{map[string]any{"jsonPath": "a[0]b", "equals": "v2"}}},
		{name: "an assertion with nothing to compare", path: "setup[0].expect", value: []any{map[string]any{"jsonPath": "$.a"}}},
		{name: "an assertion with two comparisons", path: "setup[0].expect", value: []any{map[string]any{"jsonPath": "$.a", "equals": "1", "matches": "1"}}},
		{name: "an assertion with an empty equals", path: "setup[0].expect", value: []any{map[string]any{"jsonPath": "$.a", "equals": ""}}},
		{name: "an assertion with no jsonPath", path: "setup[0].expect", value: []any{map[string]any{"equals": "1"}}},
		{name: "an assertion with a blank jsonPath", path: "setup[0].expect", value: []any{map[string]any{"jsonPath": " ", "equals": "1"}}},
		{name: "an assertion whose regex does not compile", path: "setup[0].expect", value: []any{map[string]any{"jsonPath": "$.a", "matches": "(x"}}, looser: true},
		{name: "a negative until interval", path: "setup[0].until", value: map[string]any{"interval": "-1s"}},
		{name: "until on a redeploy", path: "rollback.plan[0].until", value: map[string]any{"timeout": "5s"}},
		{name: "a stop and a start", path: "rollback.plan", value: []any{map[string]any{"action": "stop", "service": "store"}, map[string]any{"action": "start", "service": "store", "version": "v1"}}},
		{name: "a stop with no service", path: "rollback.plan[0]", value: map[string]any{"action": "stop"}},
		{name: "a start with no service", path: "rollback.plan[0]", value: map[string]any{"action": "start", "version": "v1"}},
		{name: "a version on a stop", path: "rollback.plan[0]", value: map[string]any{"action": "stop", "service": "store", "version": "v1"}},
		{name: "a version on a redeploy", path: "rollback.plan[0].version", value: "v1"},
		{name: "a start of an unknown version", path: "rollback.plan[0]", value: map[string]any{"action": "start", "service": "store", "version": "v7"}, crossRef: true},
		{name: "a restore into a version", path: "rollback.plan[0]", value: map[string]any{"action": "restore-snapshot", "service": "store", "snapshot": "store", "version": "v1"}},
		{name: "a restore into an unknown version", path: "rollback.plan[0]", value: map[string]any{"action": "restore-snapshot", "service": "store", "snapshot": "store", "version": "v7"}, crossRef: true},
		{name: "expect on a command", path: "rollback.plan[0]", value: map[string]any{"action": "command", "command": []any{"true"}, "expect": []any{map[string]any{"jsonPath": "$.a", "equals": "1"}}}},
		{name: "an approval by the on-call", path: "rollback.approval", value: map[string]any{"role": "payments-oncall"}},
		{name: "an empty description", path: "metadata.description", value: nil},
		{name: "an empty harness", path: "harness", value: nil},
		{name: "empty objectives", path: "objectives", value: nil},
		{name: "an empty stopGrace", path: "system.services.store.stopGrace", value: nil},
		{name: "an empty load target", path: "load.target", value: nil},
		{name: "an empty deploy", path: "timeline[0].deploy", value: nil},
		{name: "an empty link name", path: "system.links[0].name", value: nil},

		{name: "a load shorter than its timeline", path: "load.duration", value: "500ms", crossRef: true},
		{name: "a link from an unknown service", path: "system.links[0].from", value: "nowhere", crossRef: true},
		{name: "a heal of a fault never injected", path: "timeline[3].heal", value: "nothing", crossRef: true},
		{name: "a deploy of an unknown version", path: "timeline[0].deploy.version", value: "v9", crossRef: true},
		{name: "a fault on an unknown link", path: "timeline[1].inject.link", value: "api-to-db", crossRef: true},
		{name: "an unknown ${var}", path: "system.services.api.versions.v1.command", value: []any{"${nope}"}, crossRef: true},
		{name: "an unknown load target", path: "load.target", value: "db", crossRef: true},
		{name: "a threshold in the wrong unit", path: "rollback.triggers[0].above", value: "250ms", crossRef: true},
	}
}

// dockerBase is the docker runtime's drill of the drill package's tests.
const dockerBase = "../drill/testdata/ledger-docker.yaml"

// compileSchema compiles the schema Schema prints with a real validator.
func compileSchema() *jsonschema.Schema {
	b, err := scenarios.Schema()
	Expect(err).NotTo(HaveOccurred())
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	Expect(err).NotTo(HaveOccurred())
	c := jsonschema.NewCompiler()
	Expect(c.AddResource(scenarios.SchemaID, doc)).To(Succeed())
	sch, err := c.Compile(scenarios.SchemaID)
	Expect(err).NotTo(HaveOccurred())
	return sch
}

// schemaVerdict validates a YAML document, as a JSON value, against sch.
func schemaVerdict(sch *jsonschema.Schema, src []byte) error {
	var v any
	Expect(yaml.Unmarshal(src, &v)).To(Succeed())
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	Expect(err).NotTo(HaveOccurred())
	return sch.Validate(inst)
}

// mutate applies m to the decoded document doc.
func mutate(doc any, m mutation) {
	parts := strings.Split(m.path, ".")
	cur := doc
	for i, part := range parts {
		key, idx := part, -1
		if open := strings.IndexByte(part, '['); open >= 0 {
			key = part[:open]
			n, err := strconv.Atoi(strings.TrimSuffix(part[open+1:], "]"))
			Expect(err).NotTo(HaveOccurred())
			idx = n
		}
		last := i == len(parts)-1
		obj, ok := cur.(map[string]any)
		Expect(ok).To(BeTrue(), "%s: %s is not a mapping", m.path, part)
		if idx < 0 {
			if last {
				if m.del {
					Expect(obj).To(HaveKey(key), "%s: nothing to delete", m.path)
					delete(obj, key)
				} else {
					obj[key] = m.value
				}
				return
			}
			if obj[key] == nil {
				obj[key] = map[string]any{}
			}
			cur = obj[key]
			continue
		}
		list, ok := obj[key].([]any)
		Expect(ok).To(BeTrue(), "%s: %s is not a list", m.path, key)
		Expect(idx).To(BeNumerically("<", len(list)), m.path)
		if last {
			if m.del {
				obj[key] = append(list[:idx:idx], list[idx+1:]...)
			} else {
				list[idx] = m.value
			}
			return
		}
		cur = list[idx]
	}
}

var _ = Describe("The schema and validate", func() {
	var sch *jsonschema.Schema
	BeforeEach(func() { sch = compileSchema() })

	It("accept every bundled scenario", func() {
		files, err := filepath.Glob("examples/*.yaml")
		Expect(err).NotTo(HaveOccurred())
		more, err := filepath.Glob("../drill/testdata/*.yaml")
		Expect(err).NotTo(HaveOccurred())
		files = append(files, more...)
		Expect(len(files)).To(BeNumerically(">=", 10))
		for _, f := range files {
			src, err := os.ReadFile(f)
			Expect(err).NotTo(HaveOccurred())
			_, err = scenarios.Parse(f, src)
			Expect(err).NotTo(HaveOccurred(), f)
			Expect(schemaVerdict(sch, src)).To(Succeed(), f)
		}
	})

	muts := agreeMutations()
	entries := make([]TableEntry, len(muts))
	for i, m := range muts {
		entries[i] = Entry(m.name, m)
	}
	DescribeTable("give the same verdict on a single-point mutation", func(m mutation) {
		file, src := "agree.yaml", []byte(agreeBase)
		if m.base == "docker" {
			b, err := os.ReadFile(dockerBase)
			Expect(err).NotTo(HaveOccurred())
			file, src = dockerBase, b
		}
		_, err := scenarios.Parse(file, src)
		Expect(err).NotTo(HaveOccurred(), "the base of the mutation is invalid")
		var doc any
		Expect(yaml.Unmarshal(src, &doc)).To(Succeed())
		mutate(doc, m)
		out, err := yaml.Marshal(doc)
		Expect(err).NotTo(HaveOccurred())
		_, verr := scenarios.Parse(file, out)
		serr := schemaVerdict(sch, out)
		if m.crossRef || m.looser {
			Expect(verr).To(HaveOccurred(), "validate accepts the broken reference\n%s", out)
			Expect(serr).NotTo(HaveOccurred(), "the schema checks a cross reference: make the case an ordinary one\n%s", out)
			return
		}
		Expect(serr == nil).To(Equal(verr == nil), "validate: %v\nschema: %v\n%s", verr, serr, out)
	}, entries)
})
