package gameday_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/faultdrill/faultdrill/gameday"
)

func compileSchema() *jsonschema.Schema {
	GinkgoHelper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(gameday.Schema()))
	Expect(err).NotTo(HaveOccurred())
	c := jsonschema.NewCompiler()
	Expect(c.AddResource(gameday.SchemaID, doc)).To(Succeed())
	sch, err := c.Compile(gameday.SchemaID)
	Expect(err).NotTo(HaveOccurred())
	return sch
}

func schemaVerdict(sch *jsonschema.Schema, src string) error {
	GinkgoHelper()
	var v any
	Expect(yaml.Unmarshal([]byte(src), &v)).To(Succeed())
	b, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	Expect(err).NotTo(HaveOccurred())
	return sch.Validate(inst)
}

// properties are the property names the schema allows at each level, by
// the Go type they describe.
func schemaKeys(node map[string]any) []string {
	var keys []string
	for k := range node["properties"].(map[string]any) {
		keys = append(keys, k)
	}
	return keys
}

func yamlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		keys = append(keys, name)
	}
	return keys
}

var _ = Describe("the game-day JSON Schema", func() {
	sch := compileSchema()

	It("accepts the bundled game day and the spec's", func() {
		for _, path := range []string{"../gamedays/example.yaml", "../cmd/faultdrill/testdata/gameday/gameday.yaml"} {
			b, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(schemaVerdict(sch, string(b))).To(Succeed(), path)
		}
	})

	It("names exactly the fields of the Go types", func() {
		var doc map[string]any
		Expect(json.Unmarshal(gameday.Schema(), &doc)).To(Succeed())
		props := doc["properties"].(map[string]any)
		item := func(name string) map[string]any { return props[name].(map[string]any)["items"].(map[string]any) }
		for _, c := range []struct {
			node map[string]any
			t    reflect.Type
		}{
			{doc, reflect.TypeFor[gameday.File]()},
			{props["metadata"].(map[string]any), reflect.TypeFor[gameday.Metadata]()},
			{item("participants"), reflect.TypeFor[gameday.Participant]()},
			{props["window"].(map[string]any), reflect.TypeFor[gameday.Window]()},
			{item("drills"), reflect.TypeFor[gameday.Drill]()},
		} {
			Expect(schemaKeys(c.node)).To(ConsistOf(yamlKeys(c.t)), c.t.Name())
		}
	})

	It("accepts, like the decoder, the smallest game day", func() {
		Expect(schemaVerdict(sch, head)).To(Succeed())
		_, err := parse(head)
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("refuses what the decoder refuses",
		func(src string) {
			Expect(schemaVerdict(sch, src)).NotTo(Succeed())
			dir := GinkgoT().TempDir()
			Expect(os.WriteFile(filepath.Join(dir, "drill.yaml"), nil, 0o644)).To(Succeed())
			_, err := gameday.Parse(filepath.Join(dir, "g.yaml"), []byte(src))
			Expect(err).To(MatchError(gameday.ErrInvalid))
		},
		Entry("an unknown key", head+"extra: 1\n"),
		Entry("a role not in the list", head+"participants: [{name: a, role: boss}]\n"),
		Entry("a day that is not one", head+"window: {days: [funday], hours: \"09:00-10:00\"}\n"),
		Entry("hours that are not a range", head+"window: {hours: \"9 to 5\"}\n"),
		Entry("no hypothesis", "apiVersion: faultdrill/v1\nkind: GameDay\nmetadata: {name: g}\ndrills: [{scenario: drill.yaml}]\n"),
		Entry("no drills", "apiVersion: faultdrill/v1\nkind: GameDay\nmetadata: {name: g}\ndrills: []\n"),
		Entry("another kind", "apiVersion: faultdrill/v1\nkind: Scenario\nmetadata: {name: g}\ndrills: [{scenario: drill.yaml, hypothesis: h}]\n"),
	)
})
