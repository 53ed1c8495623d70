// Package redact keeps secret values out of what faultdrill records. A
// Redactor knows the values of a scenario's secret vars and replaces each
// occurrence with Mask; the values themselves still reach the system under
// test, only the records (scenario copy, report, journal, logs, terminal
// output) are redacted.
package redact

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"
)

// Mask replaces a secret value.
const Mask = "***"

// secretWords mark a var as secret when its name holds one of them, in any
// case.
var secretWords = []string{"token", "password", "secret", "key"}

// SecretName reports whether a var of this name holds a secret by its name
// alone: it contains token, password, secret or key, in any case.
func SecretName(name string) bool {
	lower := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// Redactor replaces secret values. The zero value and nil redact nothing.
type Redactor struct {
	// values holds each secret value and its JSON-escaped form, longest
	// first, so that a value inside another is not half replaced.
	values []string
}

// New returns the Redactor of a scenario: the values, in every one of
// varSets (the scenario's vars, the overrides of the command line), of the
// vars whose name is secret by SecretName or is listed in secrets. Empty
// values are not secrets.
func New(secrets []string, varSets ...map[string]string) *Redactor {
	r := &Redactor{}
	for _, vars := range varSets {
		r.add(vars, secrets)
	}
	slices.SortFunc(r.values, func(a, b string) int { return len(b) - len(a) })
	r.values = slices.Compact(r.values)
	return r
}

func (r *Redactor) add(vars map[string]string, secrets []string) {
	for name, v := range vars {
		if v == "" || !(SecretName(name) || slices.Contains(secrets, name)) {
			continue
		}
		r.values = append(r.values, v)
		if b, err := json.Marshal(v); err == nil {
			if esc := string(b[1 : len(b)-1]); esc != v {
				r.values = append(r.values, esc)
			}
		}
	}
}

// Empty reports whether r has no secret to redact.
func (r *Redactor) Empty() bool { return r == nil || len(r.values) == 0 }

// Redact returns s with every occurrence of a secret value replaced by Mask.
func (r *Redactor) Redact(s string) string {
	if r.Empty() {
		return s
	}
	for _, v := range r.values {
		s = strings.ReplaceAll(s, v, Mask)
	}
	return s
}

// Bytes is Redact for a byte slice.
func (r *Redactor) Bytes(b []byte) []byte {
	if r.Empty() {
		return b
	}
	return []byte(r.Redact(string(b)))
}

// Copy returns a deep copy of v with every secret value in its strings
// (and map keys) replaced: v is encoded to JSON, its strings are redacted
// one by one (numbers and the rest are left alone) and it is decoded into
// a new value of its type. It is how a report is redacted before it is
// written.
func Copy[T any](r *Redactor, v *T) (*T, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	if b, err = json.Marshal(r.tree(tree)); err != nil {
		return nil, err
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil, err
	}
	return out, nil
}

// tree redacts the strings of a decoded JSON value.
func (r *Redactor) tree(v any) any {
	switch v := v.(type) {
	case string:
		return r.Redact(v)
	case []any:
		for i := range v {
			v[i] = r.tree(v[i])
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[r.Redact(k)] = r.tree(e)
		}
		return out
	}
	return v
}

// Writer returns a writer that redacts each write before passing it on
// to w. A value is caught when one write holds all of it, as each
// fmt.Fprint call does.
func (r *Redactor) Writer(w io.Writer) io.Writer {
	if r.Empty() {
		return w
	}
	return &writer{r: r, w: w}
}

type writer struct {
	r *Redactor
	w io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	if _, err := w.w.Write(w.r.Bytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
