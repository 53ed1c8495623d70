package scenarios_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/scenarios"
)

// refs collects every "$ref" in a decoded JSON document.
func refs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && k == "$ref" {
				out = append(out, s)
			}
			out = append(out, refs(val)...)
		}
	case []any:
		for _, val := range x {
			out = append(out, refs(val)...)
		}
	}
	return out
}

var _ = Describe("Schema", func() {
	var schema map[string]any
	var defs map[string]any

	// def returns the $defs entry of a type, such as "Fault".
	def := func(name string) map[string]any {
		d, ok := defs[name].(map[string]any)
		ExpectWithOffset(1, ok).To(BeTrue(), "no $defs entry %q", name)
		return d
	}

	BeforeEach(func() {
		b, err := scenarios.Schema()
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &schema)).To(Succeed())
		defs, _ = schema["$defs"].(map[string]any)
		Expect(defs).NotTo(BeEmpty())
	})

	It("is a draft 2020-12 schema of a closed object with the scenario's top-level keys", func() {
		Expect(schema).To(HaveKeyWithValue("$schema", "https://json-schema.org/draft/2020-12/schema"))
		Expect(schema).To(HaveKeyWithValue("type", "object"))
		Expect(schema).To(HaveKeyWithValue("additionalProperties", false))
		Expect(schema["properties"]).To(HaveKey("apiVersion"))
		props, _ := schema["properties"].(map[string]any)
		Expect(props).To(HaveLen(12))
		for _, key := range []string{"apiVersion", "metadata", "objectives", "system", "load", "setup", "timeline", "rollback", "verify", "harness", "vars", "secrets"} {
			Expect(props).To(HaveKey(key))
		}
		Expect(props["apiVersion"]).To(HaveKeyWithValue("const", scenarios.APIVersion))
	})

	It("marks the required fields, and only those", func() {
		Expect(schema["required"]).To(ConsistOf("apiVersion", "metadata", "system", "load"))
		Expect(def("Load")["required"]).To(ConsistOf("target", "duration", "streams"))
		Expect(def("Service")["required"]).To(ConsistOf("initial", "versions"))
		Expect(def("Stream")["required"]).To(ConsistOf("name", "rate", "path"))
		Expect(def("Fault")["required"]).To(ConsistOf("kind"), "a fault acts on a link or a service")
		Expect(def("Trigger")).NotTo(HaveKey("required"), "a trigger is a threshold, a composite, a probe or a time")
		Expect(def("Probe")["required"]).To(ConsistOf("url"))
		Expect(def("Approval")["required"]).To(ConsistOf("role"))
		Expect(def("Action")["required"]).To(ConsistOf("action"))
		Expect(def("Snapshot")["required"]).To(ConsistOf("service"))
		Expect(def("Invariant")["required"]).To(ConsistOf("name"))
		Expect(def("SQLProbe")["required"]).To(ConsistOf("driver", "dsn", "query"))
		Expect(def("Build")["required"]).To(ConsistOf("context"))
		Expect(def("Version")).NotTo(HaveKey("required"), "the docker runtime needs no command")
		Expect(def("Partition")).NotTo(HaveKey("required"))
		Expect(def("Step")).NotTo(HaveKey("required"))
	})

	It("describes durations, rates, thresholds and fixed sets of words", func() {
		// props returns the properties of a $defs entry, an optional one
		// (which may be null) as the schema of its value, with its
		// description and default.
		props := func(name string) map[string]any {
			p, _ := def(name)["properties"].(map[string]any)
			out := map[string]any{}
			for k, v := range p {
				prop, _ := v.(map[string]any)
				if alts, ok := prop["anyOf"].([]any); ok && len(alts) == 2 {
					inner, _ := alts[0].(map[string]any)
					Expect(alts[1]).To(Equal(map[string]any{"type": "null"}))
					for _, k := range []string{"description", "default"} {
						if v, ok := prop[k]; ok {
							inner[k] = v
						}
					}
					prop = inner
				}
				out[k] = prop
			}
			return out
		}
		Expect(props("Load")["duration"]).To(HaveKeyWithValue("pattern", ContainSubstring("ms|s|m|h")))
		Expect(props("Stream")["rate"]).To(HaveKeyWithValue("type", ConsistOf("string", "integer")))
		Expect(props("Trigger")["above"]).To(HaveKeyWithValue("type", ConsistOf("string", "number")))
		Expect(props("Fault")["kind"]).To(HaveKeyWithValue("enum", ConsistOf("latency", "bandwidth", "blackhole", "down",
			"reset", "slow_close", "slicer", "limit_data", "pause", "kill", "restart")))
		Expect(props("Partition")["mode"]).To(HaveKeyWithValue("enum", ConsistOf("blackhole", "down")))
		Expect(props("Trigger")["metric"]).To(HaveKeyWithValue("enum", ConsistOf("error_rate", "p50", "p90", "p99",
			"throughput", "status_5xx", "status_4xx")))
		Expect(props("Trigger")["above"]).To(HaveKeyWithValue("description", ContainSubstring(`"3x"`)))
		Expect(props("Action")["action"]).To(HaveKeyWithValue("enum", ConsistOf("redeploy-previous", "flag",
			"command", "http", "migrate-down", "restore-snapshot", "stop", "start")))
		Expect(props("Rollback")["healFaults"]).To(And(HaveKeyWithValue("enum", ConsistOf("before", "after")), HaveKeyWithValue("default", "after")))
		Expect(props("Objectives")["weights"]).To(HaveKeyWithValue("propertyNames",
			HaveKeyWithValue("enum", ConsistOf("rto", "slo", "health", "detection", "errorBudget"))))
		Expect(props("Objectives")["errorBudget"]).To(HaveKeyWithValue("default", "5%"))
		Expect(props("SQLProbe")["driver"]).To(HaveKeyWithValue("enum", ConsistOf("sqlite", "postgres")))
		Expect(props("Partition")["split"]).To(HaveKeyWithValue("items", HaveKeyWithValue("type", "array")))
		Expect(props("Objectives")["passScore"]).To(HaveKeyWithValue("maximum", BeNumerically("==", 100)))
		Expect(props("Service")).NotTo(HaveKey("name"), "the service name is its key, not a field")
	})

	It("has an $id, and names its $defs as the format does", func() {
		Expect(schema).To(HaveKeyWithValue("$id", scenarios.SchemaID))
		Expect(scenarios.SchemaID).To(Equal("https://faultdrill.dev/schema/scenario/v1.json"))
		for _, name := range []string{"Link", "Service", "Version", "Step", "Fault", "Partition", "Trigger", "Probe", "Action", "Stream", "Load", "Rollback", "Verify"} {
			def(name)
		}
		for name := range defs {
			Expect(name).To(MatchRegexp(`^[A-Z][A-Za-z0-9]*$`), "a $defs name is a format name, not a Go one")
		}
	})

	It("describes every property, from the Go doc comments", func() {
		var missing []string
		var walk func(where string, v any)
		walk = func(where string, v any) {
			switch x := v.(type) {
			case map[string]any:
				if props, ok := x["properties"].(map[string]any); ok && x["type"] == "object" {
					for k, p := range props {
						if d, _ := p.(map[string]any)["description"].(string); d == "" {
							missing = append(missing, where+"."+k)
						}
					}
				}
				for k, val := range x {
					walk(where+"/"+k, val)
				}
			case []any:
				for _, val := range x {
					walk(where, val)
				}
			}
		}
		walk("", schema)
		Expect(missing).To(BeEmpty())
		props, _ := def("Fault")["properties"].(map[string]any)
		Expect(props["jitter"]).To(HaveKeyWithValue("description", HavePrefix("Latency and Jitter (latency)")))
	})

	It("takes its descriptions from a schema_docs.go that go generate leaves unchanged", func() {
		fresh := filepath.Join(GinkgoT().TempDir(), "schema_docs.go")
		out, err := exec.Command("go", "run", "./internal/schemadoc", fresh).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		want, err := os.ReadFile(fresh)
		Expect(err).NotTo(HaveOccurred())
		got, err := os.ReadFile("schema_docs.go")
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(string(want)), "a doc comment changed: run go generate ./scenarios")
	})

	It("resolves every $ref to a $defs entry", func() {
		all := refs(schema)
		Expect(all).NotTo(BeEmpty())
		for _, ref := range all {
			Expect(ref).To(HavePrefix("#/$defs/"))
			def(strings.TrimPrefix(ref, "#/$defs/"))
		}
	})
})
