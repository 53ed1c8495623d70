package httpapi

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// ErrBadResponseRule means a response rule does not compile.
var ErrBadResponseRule = errors.New("invalid response rule")

// The demo system's conventions, which are the defaults.
const (
	// DefaultValueHeader carries the value a read returned.
	DefaultValueHeader = "X-Value"
	// DefaultVersionHeader carries the version of the service that answered.
	DefaultVersionHeader = "X-Version"
	// DefaultAbsentStatus is the status of an answer that means "no such item".
	DefaultAbsentStatus = http.StatusNotFound
)

// Response says what the answers to a request mean. Every field is
// optional; the defaults are the demo system's conventions.
type Response struct {
	// Ack lists the statuses that acknowledge the request; empty: any 2xx.
	Ack []int `yaml:"ack,omitempty" json:"ack,omitempty"`
	// Absent says when an answer means that the item does not exist;
	// nil: status 404.
	Absent *Match `yaml:"absent,omitempty" json:"absent,omitempty"`
	// Value says where the value an answer returns is; nil: the X-Value
	// header.
	Value *Field `yaml:"value,omitempty" json:"value,omitempty"`
	// Version says where the version of the service that answered is;
	// nil: the X-Version header.
	Version *Field `yaml:"version,omitempty" json:"version,omitempty"`
}

// Match is a test of an answer. With Status, the answer's status must be
// one of them; with JSONPath, the answer must be acknowledged and the value
// at the path must be Empty (missing, null, "", [] or {}) or equal Equals
// (numbers compare as written: "0"). Both, when both are set.
type Match struct {
	// Status, JSONPath, Empty and Equals are the tests of the answer.
	Status   []int   `yaml:"status,omitempty" json:"status,omitempty"`
	JSONPath string  `yaml:"jsonPath,omitempty" json:"jsonPath,omitempty"`
	Empty    bool    `yaml:"empty,omitempty" json:"empty,omitempty"`
	Equals   *string `yaml:"equals,omitempty" json:"equals,omitempty"`
}

// Field says where a piece of an answer is: a header, the value at a JSON
// path of its body, or the whole body, possibly base64-encoded.
type Field struct {
	// Header names the header that holds the piece; JSONPath is the path
	// in the JSON body that does.
	Header   string `yaml:"header,omitempty" json:"header,omitempty"`
	JSONPath string `yaml:"jsonPath,omitempty" json:"jsonPath,omitempty"`
	// Body takes the whole body, as the API stores a value as it was sent.
	Body bool `yaml:"body,omitempty" json:"body,omitempty"`
	// Decode is "base64" or "base64url" for a value the API encodes.
	Decode string `yaml:"decode,omitempty" json:"decode,omitempty"`
}

// Answer is what the rules read from one answer. A read judges Absent
// first (an absent item is a valid answer, whatever its status); a write
// judges Ack alone.
type Answer struct {
	// Ack: the answer's status acknowledges the request.
	Ack bool
	// Absent: the answer says the item does not exist.
	Absent bool
	// Value is the value read; HasValue says there was one (an absent
	// item reads as the empty value).
	Value    string
	HasValue bool
	// Version is the version of the service that answered, "" if unknown.
	Version string
}

// Rules are a compiled Response, safe for concurrent use.
type Rules struct {
	ack     []int
	absent  compiledMatch
	value   compiledField
	version compiledField
	// explicitVersion: the scenario said where the version is.
	explicitVersion bool
}

type compiledMatch struct {
	status []int
	path   *Path
	empty  bool
	equals *string
}

type compiledField struct {
	header string
	path   *Path
	body   bool
	decode func(string) (string, error)
}

// Compile checks the rules and prepares them; zero fields take the
// defaults.
func (r Response) Compile() (*Rules, error) {
	rules := &Rules{ack: r.Ack, explicitVersion: r.Version != nil}
	for _, s := range r.Ack {
		if s < 100 || s > 599 {
			return nil, fmt.Errorf("%w: ack: %d is not an HTTP status", ErrBadResponseRule, s)
		}
	}
	var err error
	if rules.absent, err = compileMatch("absent", r.Absent, &Match{Status: []int{DefaultAbsentStatus}}); err != nil {
		return nil, err
	}
	if rules.value, err = compileField("value", r.Value, DefaultValueHeader); err != nil {
		return nil, err
	}
	if rules.version, err = compileField("version", r.Version, DefaultVersionHeader); err != nil {
		return nil, err
	}
	return rules, nil
}

func compileMatch(name string, m, def *Match) (compiledMatch, error) {
	if m == nil {
		m = def
	}
	for _, s := range m.Status {
		if s < 100 || s > 599 {
			return compiledMatch{}, fmt.Errorf("%w: %s.status: %d is not an HTTP status", ErrBadResponseRule, name, s)
		}
	}
	c := compiledMatch{status: m.Status, empty: m.Empty, equals: m.Equals}
	switch {
	case m.JSONPath == "" && (m.Empty || m.Equals != nil):
		return c, fmt.Errorf("%w: %s: empty and equals need a jsonPath", ErrBadResponseRule, name)
	case m.JSONPath != "" && m.Empty == (m.Equals != nil):
		return c, fmt.Errorf("%w: %s: with a jsonPath, set exactly one of empty: true and equals", ErrBadResponseRule, name)
	case m.JSONPath == "" && len(m.Status) == 0:
		return c, fmt.Errorf("%w: %s: give status, or a jsonPath with empty or equals", ErrBadResponseRule, name)
	}
	if m.JSONPath != "" {
		p, err := ParsePath(m.JSONPath)
		if err != nil {
			return c, fmt.Errorf("%w: %s: %w", ErrBadResponseRule, name, err)
		}
		c.path = &p
	}
	return c, nil
}

func compileField(name string, f *Field, defHeader string) (compiledField, error) {
	if f == nil {
		return compiledField{header: http.CanonicalHeaderKey(defHeader)}, nil
	}
	sources := 0
	for _, set := range []bool{f.Header != "", f.JSONPath != "", f.Body} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return compiledField{}, fmt.Errorf("%w: %s: set exactly one of header, jsonPath and body: true", ErrBadResponseRule, name)
	}
	c := compiledField{header: http.CanonicalHeaderKey(f.Header), body: f.Body}
	if f.JSONPath != "" {
		p, err := ParsePath(f.JSONPath)
		if err != nil {
			return c, fmt.Errorf("%w: %s: %w", ErrBadResponseRule, name, err)
		}
		c.path = &p
	}
	switch f.Decode {
	case "":
	case "base64":
		c.decode = decodeWith(base64.StdEncoding)
	case "base64url":
		c.decode = decodeWith(base64.RawURLEncoding)
	default:
		return c, fmt.Errorf("%w: %s.decode: %q; use base64 or base64url", ErrBadResponseRule, name, f.Decode)
	}
	return c, nil
}

func decodeWith(enc *base64.Encoding) func(string) (string, error) {
	return func(s string) (string, error) {
		b, err := enc.DecodeString(s)
		if err != nil && enc == base64.RawURLEncoding {
			b, err = base64.URLEncoding.DecodeString(s) // padded URL-safe, as some APIs send
		}
		return string(b), err
	}
}

// NeedsBody reports whether reading an answer needs its body: a rule
// reads a JSON path.
func (r *Rules) NeedsBody() bool {
	return r.absent.path != nil || r.value.path != nil || r.value.body || r.version.path != nil || r.version.body
}

// ExplicitVersion reports whether the scenario said where the version is
// (rather than the default X-Version header).
func (r *Rules) ExplicitVersion() bool { return r.explicitVersion }

// Acknowledges reports whether status acknowledges a request.
func (r *Rules) Acknowledges(status int) bool {
	if len(r.ack) == 0 {
		return status/100 == 2
	}
	return slices.Contains(r.ack, status)
}

// Read reads one answer: its status, headers and body (nil when the body
// was not kept; see NeedsBody).
func (r *Rules) Read(status int, header http.Header, body []byte) Answer {
	var a Answer
	a.Version, _ = r.version.read(header, body)
	a.Ack = r.Acknowledges(status)
	if r.absent.matches(r, status, body) {
		a.Absent, a.HasValue = true, true // an absent item reads as nothing
		return a
	}
	if a.Ack {
		a.Value, a.HasValue = r.value.read(header, body)
	}
	return a
}

func (m compiledMatch) matches(r *Rules, status int, body []byte) bool {
	if len(m.status) > 0 && !slices.Contains(m.status, status) {
		return false
	}
	if m.path == nil {
		return len(m.status) > 0
	}
	if len(m.status) == 0 && !r.Acknowledges(status) {
		return false // an error's body says nothing about the item
	}
	v, err := m.path.Lookup(body)
	switch {
	case errors.Is(err, ErrNoValue):
		return m.empty
	case err != nil:
		return false
	case m.empty:
		return empty(v)
	}
	return Text(v) == *m.equals
}

func (f compiledField) read(header http.Header, body []byte) (string, bool) {
	var s string
	if f.body {
		if body == nil {
			return "", false
		}
		s = string(body)
	} else if f.path != nil {
		v, err := f.path.Lookup(body)
		if err != nil || v == nil {
			return "", false
		}
		s = Text(v)
	} else {
		vs, ok := header[f.header]
		if !ok || len(vs) == 0 {
			return "", false
		}
		s = vs[0]
	}
	if f.decode != nil {
		d, err := f.decode(s)
		if err != nil {
			return "", false
		}
		s = d
	}
	return s, true
}
