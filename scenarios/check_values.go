package scenarios

import (
	"github.com/faultdrill/faultdrill/deploy"
	"github.com/faultdrill/faultdrill/httpapi"

	"encoding"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
)

// structure checks a mapping against the fields of struct type t.
func (c *checker) structure(p fieldPath, t reflect.Type, n ast.Node) {
	entries, ok := c.entries(n, 0)
	if !ok {
		c.add(n, "%s: want a mapping of fields, got %s", label(p), describe(n))
		return
	}
	fields := yamlFields(t)
	for _, e := range entries {
		key, _ := scalarText(e.Key)
		f, found := findField(fields, key)
		if !found {
			c.add(e.Key, "%s", unknownField(key, fieldNames(fields)))
			continue
		}
		fp := p.key(key)
		c.at.record(fp, entryPos(e))
		c.value(fp, f.typ, e.Value)
		if key == "name" && f.typ.Kind() == reflect.String {
			c.name(fp, c.resolve(e.Value))
		}
	}
}

// name checks a name field (of a scenario, stream, link, fault, trigger,
// action, invariant...): names are echoed on terminals and in reports,
// and some become parts of file names.
func (c *checker) name(p fieldPath, n ast.Node) {
	if text, ok := scalarText(n); ok {
		if msg := nameProblem(text); msg != "" {
			c.add(n, "%s: %s", label(p), msg)
		}
	}
}

// nameProblem says what is wrong with a name, or "" when nothing is: at
// most maxNameLen characters, every one of them printable (no control
// characters, no invisible formatting such as a right-to-left override).
func nameProblem(name string) string {
	if n := utf8.RuneCountInString(name); n > maxNameLen {
		return fmt.Sprintf("the name is %d characters long; keep names to %d or fewer", n, maxNameLen)
	}
	for _, r := range name {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return fmt.Sprintf("%q holds a control or invisible character (%U); names may only hold printable characters", name, r)
		}
	}
	return ""
}

// mapping checks a mapping of names to values of t's element type.
func (c *checker) mapping(p fieldPath, t reflect.Type, n ast.Node) {
	entries, ok := c.entries(n, 0)
	if !ok {
		c.add(n, "%s: want a mapping of names to values, got %s", label(p), describe(n))
		return
	}
	for _, e := range entries {
		key, ok := scalarText(e.Key)
		if !ok {
			c.add(e.Key, "%s: want a plain name as key, got %s", label(p), describe(e.Key))
			continue
		}
		fp := p.key(key)
		c.at.record(fp, entryPos(e))
		c.value(fp, t.Elem(), e.Value)
	}
}

// sequence checks a list whose items are of t's element type.
func (c *checker) sequence(p fieldPath, t reflect.Type, n ast.Node) {
	seq, ok := n.(*ast.SequenceNode)
	if !ok {
		c.add(n, "%s: want a list, got %s", label(p), describe(n))
		return
	}
	for i, item := range seq.Values {
		ip := p.index(i)
		c.at.record(ip, nodePos(item))
		c.value(ip, t.Elem(), item)
	}
}

// duration checks a time.Duration, written as a string with a unit.
func (c *checker) duration(p fieldPath, n ast.Node) {
	text, _ := scalarText(n)
	switch n.(type) {
	case *ast.StringNode, *ast.LiteralNode:
		if _, err := time.ParseDuration(text); err != nil {
			c.add(n, "%s: %q is not a duration; write a number with a unit (ms, s, m or h), such as \"30s\"", label(p), text)
		}
	case *ast.IntegerNode, *ast.FloatNode:
		c.add(n, "%s: %s has no unit; write a duration such as \"%ss\"", label(p), text, text)
	default:
		c.add(n, "%s: want a duration such as \"30s\", got %s", label(p), describe(n))
	}
}

// text checks a value that decodes through encoding.TextUnmarshaler, such
// as a rate or a threshold, by decoding it.
func (c *checker) text(p fieldPath, t reflect.Type, n ast.Node) {
	text, ok := scalarText(n)
	if !ok {
		what, how := textForm(t)
		c.add(n, "%s: want %s, got %s; %s", label(p), what, describe(n), how)
		return
	}
	u, _ := reflect.New(t).Interface().(encoding.TextUnmarshaler)
	if err := u.UnmarshalText([]byte(text)); err != nil {
		what, how := textForm(t)
		c.add(n, "%s: %q is not %s; %s", label(p), text, what, how)
	}
}

// scalar checks a string, bool, integer or float value.
func (c *checker) scalar(p fieldPath, t reflect.Type, n ast.Node) {
	want, fits := wantScalar(t.Kind(), n)
	if !fits {
		c.add(n, "%s: want %s, got %s", label(p), want, describe(n))
		return
	}
	if err := yaml.NodeToValue(n, reflect.New(t).Interface()); err != nil {
		c.add(n, "%s: want %s, got %s", label(p), want, describe(n))
	}
}

// wantScalar describes the value a scalar kind takes and reports whether
// node n is of a matching YAML type.
func wantScalar(k reflect.Kind, n ast.Node) (string, bool) {
	_, isScalar := scalarText(n)
	switch k {
	case reflect.Bool:
		return "true or false", n.Type() == ast.BoolType
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number", n.Type() == ast.IntegerType
	case reflect.Float32, reflect.Float64:
		return "a number", n.Type() == ast.IntegerType || n.Type() == ast.FloatType
	case reflect.String:
		return "a text value", isScalar
	}
	return "a value of type " + k.String(), isScalar
}

// textForm names the value a text-decoded type takes and how to write it.
func textForm(t reflect.Type) (what, how string) {
	switch t {
	case reflect.TypeFor[load.Rate]():
		return "a rate", `write a positive whole number of requests per unit, such as "100/s", "600/m" or "5/250ms"`
	case reflect.TypeFor[rollback.Threshold]():
		return "a threshold", `write a percentage ("5%"), a fraction (0.05), a duration ("250ms"), a plain number (50) or a multiple of the baseline ("3x")`
	case reflect.TypeFor[deploy.Weight]():
		return "a weight", `write a percentage from 0% to 100%, such as "10%"`
	case reflect.TypeFor[httpapi.Request]():
		return "a request", `write "METHOD /path" (such as "GET /items/{id}"), or a mapping with method, path, headers and body`
	}
	return "a text value", "write it as one line of text"
}

// findField returns the field with the given key.
func findField(fields []yamlField, key string) (yamlField, bool) {
	for _, f := range fields {
		if f.name == key {
			return f, true
		}
	}
	return yamlField{}, false
}

// unknownField says that key is not a field here, suggesting the closest.
func unknownField(key string, valid []string) string {
	if s := suggest(key, valid); s != "" {
		return fmt.Sprintf("unknown field %q (did you mean %q?)", key, s)
	}
	return fmt.Sprintf("unknown field %q; valid fields here: %s", key, strings.Join(valid, ", "))
}

// label names the node at p in messages; the root is "the scenario".
func label(p fieldPath) string {
	if len(p) == 0 {
		return "the scenario"
	}
	return p.String()
}
