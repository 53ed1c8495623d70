package scenarios

import (
	"reflect"
	"strings"
)

// yamlField is one key a Go struct accepts in YAML.
type yamlField struct {
	name     string
	typ      reflect.Type
	required bool
	// owner is the struct that declares the field (an inlined struct for
	// its fields) and goName its Go name, which find its doc comment.
	owner  reflect.Type
	goName string
}

// yamlFields lists the keys of struct type t as goccy/go-yaml decodes them:
// the yaml tag's name (lower-cased field name without one), fields of
// ",inline" structs flattened in, "-" and unexported fields left out. A
// field is required when its tag has neither omitempty nor omitzero.
func yamlFields(t reflect.Type) []yamlField {
	var out []yamlField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if hasOpt(opts, "inline") && f.Type.Kind() == reflect.Struct {
			out = append(out, yamlFields(f.Type)...)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, yamlField{name: name, typ: f.Type, required: !hasOpt(opts, "omitempty") && !hasOpt(opts, "omitzero"),
			owner: t, goName: f.Name})
	}
	return out
}

// hasOpt reports whether the comma-separated tag options include opt.
func hasOpt(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// fieldNames returns the keys of fields, in declaration order.
func fieldNames(fields []yamlField) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return names
}
