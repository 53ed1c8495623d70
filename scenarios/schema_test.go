package scenarios_test

import (
	"encoding/json"
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

	// def returns the $defs entry of a type, such as "faults.Spec".
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
		Expect(props).To(HaveLen(9))
		for _, key := range []string{"apiVersion", "metadata", "objectives", "system", "load", "timeline", "rollback", "verify", "vars"} {
			Expect(props).To(HaveKey(key))
		}
		Expect(props["apiVersion"]).To(HaveKeyWithValue("const", scenarios.APIVersion))
	})

	It("marks the required fields, and only those", func() {
		Expect(schema["required"]).To(ConsistOf("apiVersion", "metadata", "system", "load"))
		Expect(def("scenarios.LoadSpec")["required"]).To(ConsistOf("target", "duration", "streams"))
		Expect(def("sut.ServiceSpec")["required"]).To(ConsistOf("initial", "versions"))
		Expect(def("load.StreamSpec")["required"]).To(ConsistOf("name", "rate", "path"))
		Expect(def("faults.Spec")["required"]).To(ConsistOf("kind", "link"))
		Expect(def("rollback.TriggerSpec")["required"]).To(ConsistOf("metric"))
		Expect(def("scenarios.Step")).NotTo(HaveKey("required"))
	})

	It("describes durations, rates, thresholds and fixed sets of words", func() {
		props := func(name string) map[string]any {
			p, _ := def(name)["properties"].(map[string]any)
			return p
		}
		Expect(props("scenarios.LoadSpec")["duration"]).To(HaveKeyWithValue("pattern", ContainSubstring("ms|s|m|h")))
		Expect(props("load.StreamSpec")["rate"]).To(HaveKeyWithValue("type", ConsistOf("string", "integer")))
		Expect(props("rollback.TriggerSpec")["above"]).To(HaveKeyWithValue("type", ConsistOf("string", "number")))
		Expect(props("faults.Spec")["kind"]).To(HaveKeyWithValue("enum", ConsistOf("latency", "blackhole", "down")))
		Expect(props("rollback.TriggerSpec")["metric"]).To(HaveKeyWithValue("enum", ContainElement("error_rate")))
		Expect(props("scenarios.Objectives")["passScore"]).To(HaveKeyWithValue("maximum", BeNumerically("==", 100)))
		Expect(props("sut.ServiceSpec")).NotTo(HaveKey("name"), "the service name is its key, not a field")
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
