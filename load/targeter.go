package load

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/faultdrill/faultdrill/httpapi"
)

// Headers that Run sends or reads.
const (
	// HeaderRequestID carries the operation's request id on every request.
	HeaderRequestID = "X-Request-Id"
	// HeaderVersion is the response header recorded as Op.Version by
	// default (see StreamSpec.Response): the release of the service that
	// answered.
	HeaderVersion = httpapi.DefaultVersionHeader
	// HeaderValue is the response header recorded as Op.Value for reads by
	// default: the value the read returned. Present but empty, it is a
	// read that found nothing.
	HeaderValue = httpapi.DefaultValueHeader
	// HeaderFlags is the response header recorded as Op.Flags: the feature
	// flags the answering service had on.
	HeaderFlags = "X-Flags"
)

// template builds the requests of one stream.
type template struct {
	base string // the target's base URL, no trailing slash
	req  *httpapi.Template
	ids  *idGen
	keys *keyPicker // nil unless the stream has keys
}

// newTemplate prepares the requests of st against base; st is valid (see
// Spec.Validate), so its template compiles.
func newTemplate(base *url.URL, st StreamSpec, seed uint64) (*template, error) {
	req, err := httpapi.Compile(st.Request())
	if err != nil {
		return nil, fmt.Errorf("load: stream %s: %w", st.Name, err)
	}
	return &template{base: strings.TrimSuffix(base.String(), "/"), req: req,
		ids: newIDGen(seed, st.Name, st.Resend), keys: newKeyPicker(st.Keys)}, nil
}

// target is a vegeta.Targeter: it mints a fresh id, picks the key and
// fills the template. It is safe for concurrent use and never fails.
func (t *template) target(tgt *vegeta.Target) error {
	id := t.ids.next()
	v := httpapi.Values{ID: id, Key: t.keys.key(id), Value: id}
	tgt.Method = t.req.Method()
	tgt.URL = t.base + t.req.Path(v)
	tgt.Body = t.req.Body(v)
	h := make(http.Header, 4)
	t.req.Header(h, v)
	h[HeaderRequestID] = []string{id}
	tgt.Header = h
	return nil
}
