package load

import (
	"net/http"
	"net/url"
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Headers that Run sends or reads.
const (
	// HeaderRequestID carries the operation's request id on every request.
	HeaderRequestID = "X-Request-Id"
	// HeaderVersion is the response header recorded as Op.Version: the
	// release of the service that answered.
	HeaderVersion = "X-Version"
	// HeaderValue is the response header recorded as Op.Value for reads:
	// the value the read returned. Present but empty, it is a read that
	// found nothing.
	HeaderValue = "X-Value"
	// HeaderFlags is the response header recorded as Op.Flags: the feature
	// flags the answering service had on.
	HeaderFlags = "X-Flags"
)

// Placeholders in paths, bodies and header values.
const (
	idPlaceholder  = "{id}"
	keyPlaceholder = "{key}"
)

// template builds the requests of one stream.
type template struct {
	method  string
	url     pattern
	body    *pattern // nil for no body
	headers []headerTemplate
	ids     *idGen
	keys    *keyPicker // nil unless the stream has keys
}

type headerTemplate struct {
	key   string // canonical
	value pattern
}

// newTemplate prepares the requests of st against base.
func newTemplate(base *url.URL, st StreamSpec, seed uint64) *template {
	method := st.Method
	if method == "" {
		method = http.MethodGet
		if st.Writes {
			method = http.MethodPut
		}
	}
	path := st.Path
	if path == "" {
		path = "/"
	}
	keys := newKeyPicker(st.Keys)
	t := &template{
		method: method,
		url:    parsePattern(strings.TrimSuffix(base.String(), "/")+path, keys != nil),
		ids:    newIDGen(seed, st.Name, st.Resend),
		keys:   keys,
	}
	if st.Body != "" {
		body := parsePattern(st.Body, keys != nil)
		t.body = &body
	}
	for k, v := range st.Headers {
		t.headers = append(t.headers, headerTemplate{key: http.CanonicalHeaderKey(k), value: parsePattern(v, keys != nil)})
	}
	return t
}

// target is a vegeta.Targeter: it mints a fresh id, picks the key and
// fills the template. It is safe for concurrent use and never fails.
func (t *template) target(tgt *vegeta.Target) error {
	id := t.ids.next()
	key := t.keys.key(id)
	tgt.Method = t.method
	tgt.URL = t.url.fill(id, key)
	if t.body != nil {
		tgt.Body = []byte(t.body.fill(id, key))
	}
	h := make(http.Header, len(t.headers)+1)
	for _, ht := range t.headers {
		h[ht.key] = []string{ht.value.fill(id, key)}
	}
	h[HeaderRequestID] = []string{id}
	tgt.Header = h
	return nil
}

// pattern is a text split around its placeholders: literal pieces, and
// between them the placeholder each gap is filled with.
type pattern struct {
	lits  []string // len(gaps)+1 pieces
	gaps  []string // idPlaceholder or keyPlaceholder
	fixed int      // total length of the literal pieces
}

// parsePattern splits s around "{id}" and, when withKey is set, "{key}".
func parsePattern(s string, withKey bool) pattern {
	var p pattern
	for {
		i, ph := strings.Index(s, idPlaceholder), idPlaceholder
		if withKey {
			if j := strings.Index(s, keyPlaceholder); j >= 0 && (i < 0 || j < i) {
				i, ph = j, keyPlaceholder
			}
		}
		if i < 0 {
			break
		}
		p.lits, p.gaps = append(p.lits, s[:i]), append(p.gaps, ph)
		p.fixed += i
		s = s[i+len(ph):]
	}
	p.lits = append(p.lits, s)
	p.fixed += len(s)
	return p
}

// fill returns the text with each placeholder replaced by id or key.
func (p pattern) fill(id, key string) string {
	if len(p.gaps) == 0 {
		return p.lits[0]
	}
	var b strings.Builder
	b.Grow(p.fixed + len(p.gaps)*max(len(id), len(key)))
	for i, gap := range p.gaps {
		b.WriteString(p.lits[i])
		if gap == idPlaceholder {
			b.WriteString(id)
		} else {
			b.WriteString(key)
		}
	}
	b.WriteString(p.lits[len(p.gaps)])
	return b.String()
}
