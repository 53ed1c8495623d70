package load

import (
	"net/http"
	"net/url"
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// HeaderRequestID carries the operation's request id on every request.
const HeaderRequestID = "X-Request-Id"

// HeaderVersion is the response header whose value is recorded as
// Op.Version: the release of the service that answered.
const HeaderVersion = "X-Version"

// idPlaceholder is replaced by the request id in paths, bodies and header
// values.
const idPlaceholder = "{id}"

// template builds the requests of one stream.
type template struct {
	method  string
	url     []string // base URL + path, split around "{id}"
	body    []string // nil for no body
	headers []headerTemplate
	ids     *idGen
}

type headerTemplate struct {
	key   string // canonical
	value []string
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
	t := &template{
		method: method,
		url:    strings.Split(strings.TrimSuffix(base.String(), "/")+path, idPlaceholder),
		ids:    newIDGen(seed, st.Name),
	}
	if st.Body != "" {
		t.body = strings.Split(st.Body, idPlaceholder)
	}
	for k, v := range st.Headers {
		t.headers = append(t.headers, headerTemplate{key: http.CanonicalHeaderKey(k), value: strings.Split(v, idPlaceholder)})
	}
	return t
}

// target is a vegeta.Targeter: it mints a fresh id and fills the template.
// It is safe for concurrent use and never fails.
func (t *template) target(tgt *vegeta.Target) error {
	id := t.ids.next()
	tgt.Method = t.method
	tgt.URL = strings.Join(t.url, id)
	if t.body != nil {
		tgt.Body = []byte(strings.Join(t.body, id))
	}
	h := make(http.Header, len(t.headers)+1)
	for _, ht := range t.headers {
		h[ht.key] = []string{strings.Join(ht.value, id)}
	}
	h[HeaderRequestID] = []string{id}
	tgt.Header = h
	return nil
}
