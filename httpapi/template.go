package httpapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrBadTemplate means a request template does not compile.
var ErrBadTemplate = errors.New("invalid request template")

// Request is a request template: Method, Path (with its query), header
// values and Body may hold placeholders (see the package documentation).
// In a scenario it is written as a mapping, or in short as one line
// "METHOD /path" for a request with no body and no headers.
type Request struct {
	// Method, Path (with its query), Headers and Body make the request;
	// Method defaults to GET.
	Method  string            `yaml:"method,omitempty" json:"method,omitempty"`
	Path    string            `yaml:"path" json:"path"`
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	Body    string            `yaml:"body,omitempty" json:"body,omitempty"`
}

// IsZero reports a request left unset.
func (r Request) IsZero() bool {
	return r.Method == "" && r.Path == "" && r.Body == "" && len(r.Headers) == 0
}

// String writes the request line, "METHOD /path".
func (r Request) String() string { return strings.TrimSpace(r.Method + " " + r.Path) }

// UnmarshalText reads the short form "METHOD /path".
func (r *Request) UnmarshalText(text []byte) error {
	method, path, ok := strings.Cut(strings.TrimSpace(string(text)), " ")
	path = strings.TrimSpace(path)
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		return fmt.Errorf("%q: write \"METHOD /path\", such as \"GET /items/{id}\", or a mapping with method, path, headers and body", text)
	}
	*r = Request{Method: strings.ToUpper(method), Path: path}
	return nil
}

// UnmarshalYAML reads the short form or the mapping.
func (r *Request) UnmarshalYAML(unmarshal func(any) error) error {
	var line string
	if err := unmarshal(&line); err == nil {
		return r.UnmarshalText([]byte(line))
	}
	type plain Request
	return unmarshal((*plain)(r))
}

// Values are what the placeholders of one request stand for.
type Values struct {
	ID, Key, Value string
}

// Placeholder names.
const (
	PlaceID     = "id"
	PlaceKey    = "key"
	PlaceValue  = "value"
	PlaceNow    = "now"
	PlaceUnixMS = "unixms"
)

// placeholders lists the names a template may use.
var placeholders = []string{PlaceID, PlaceKey, PlaceValue, PlaceNow, PlaceUnixMS}

// functions are the transformations a placeholder may pipe its text through.
var functions = map[string]func(string) string{
	"base64":    func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"base64url": func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) },
	"json": func(s string) string {
		b, _ := json.Marshal(s) // a string always marshals
		return string(b)
	},
	"query": url.QueryEscape,
	"path":  url.PathEscape,
}

// FunctionNames lists the functions, sorted, for messages and docs.
func FunctionNames() []string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Template is a compiled Request, safe for concurrent use.
type Template struct {
	method  string
	path    pattern
	body    *pattern // nil for no body
	headers []headerPattern
	uses    map[string]bool
}

type headerPattern struct {
	key   string // canonical
	value pattern
}

// Compile checks r's placeholders and functions and prepares it for
// filling. An empty Method is GET.
func Compile(r Request) (*Template, error) {
	t := &Template{method: strings.ToUpper(strings.TrimSpace(r.Method)), uses: map[string]bool{}}
	if t.method == "" {
		t.method = http.MethodGet
	}
	var err error
	if t.path, err = t.parse("path", r.Path); err != nil {
		return nil, err
	}
	if r.Body != "" {
		body, err := t.parse("body", r.Body)
		if err != nil {
			return nil, err
		}
		t.body = &body
	}
	keys := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, err := t.parse("header "+k, r.Headers[k])
		if err != nil {
			return nil, err
		}
		t.headers = append(t.headers, headerPattern{key: http.CanonicalHeaderKey(k), value: v})
	}
	return t, nil
}

// Method returns the request's method.
func (t *Template) Method() string { return t.method }

// Uses reports whether the template uses the placeholder name anywhere.
func (t *Template) Uses(name string) bool { return t.uses[name] }

// Path fills the path (with its query).
func (t *Template) Path(v Values) string { return t.path.fill(v) }

// Body fills the body; nil when the template has none.
func (t *Template) Body(v Values) []byte {
	if t.body == nil {
		return nil
	}
	return []byte(t.body.fill(v))
}

// Header fills the headers into h, which must not be nil.
func (t *Template) Header(h http.Header, v Values) {
	for _, hp := range t.headers {
		h[hp.key] = []string{hp.value.fill(v)}
	}
}

// NewRequest builds the request for v against baseURL ("http://host:port").
func (t *Template) NewRequest(ctx context.Context, baseURL string, v Values) (*http.Request, error) {
	var body io.Reader
	if b := t.Body(v); b != nil {
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, t.method, strings.TrimSuffix(baseURL, "/")+t.Path(v), body)
	if err != nil {
		return nil, fmt.Errorf("httpapi: %w", err)
	}
	t.Header(req.Header, v)
	return req, nil
}

// pattern is a text split around its placeholders.
type pattern struct {
	lits  []string // len(gaps)+1 pieces
	gaps  []gap
	fixed int // total length of the literal pieces
}

// gap is one placeholder: its name and the functions its text goes through.
type gap struct {
	name string
	fns  []func(string) string
}

// placeholderRE matches "{name}" or "{name|fn|fn}" at the start of a text.
var placeholderRE = regexp.MustCompile(`^\{([a-z][a-z0-9]*)((?:\|[a-z][a-z0-9]*)*)\}`)

// parse splits s, the text of part, around its placeholders.
func (t *Template) parse(part, s string) (pattern, error) {
	var p pattern
	var lit strings.Builder
	for i := 0; i < len(s); {
		m := placeholderRE.FindStringSubmatch(s[i:])
		if s[i] != '{' || m == nil {
			lit.WriteByte(s[i])
			i++
			continue
		}
		name := m[1]
		if !slices.Contains(placeholders, name) {
			return pattern{}, fmt.Errorf("%w: %s: unknown placeholder {%s}; use one of {%s}", ErrBadTemplate, part, name, strings.Join(placeholders, "}, {"))
		}
		g := gap{name: name}
		for _, fn := range strings.Split(strings.TrimPrefix(m[2], "|"), "|") {
			if fn == "" {
				continue
			}
			f, ok := functions[fn]
			if !ok {
				return pattern{}, fmt.Errorf("%w: %s: {%s…}: unknown function %q; use one of %s", ErrBadTemplate, part, name, fn, strings.Join(FunctionNames(), ", "))
			}
			g.fns = append(g.fns, f)
		}
		t.uses[name] = true
		p.lits = append(p.lits, lit.String())
		p.fixed += lit.Len()
		lit.Reset()
		p.gaps = append(p.gaps, g)
		i += len(m[0])
	}
	p.lits = append(p.lits, lit.String())
	p.fixed += lit.Len()
	return p, nil
}

// fill returns the text with each placeholder replaced.
func (p pattern) fill(v Values) string {
	if len(p.gaps) == 0 {
		return p.lits[0]
	}
	var b strings.Builder
	b.Grow(p.fixed + len(p.gaps)*max(len(v.ID), len(v.Key), len(v.Value)))
	for i, g := range p.gaps {
		b.WriteString(p.lits[i])
		s := g.text(v)
		for _, f := range g.fns {
			s = f(s)
		}
		b.WriteString(s)
	}
	b.WriteString(p.lits[len(p.gaps)])
	return b.String()
}

// text is what the placeholder stands for in v.
func (g gap) text(v Values) string {
	switch g.name {
	case PlaceID:
		return v.ID
	case PlaceKey:
		return v.Key
	case PlaceValue:
		return v.Value
	case PlaceNow:
		return time.Now().UTC().Format(time.RFC3339Nano)
	case PlaceUnixMS:
		return strconv.FormatInt(time.Now().UnixMilli(), 10)
	}
	return ""
}
