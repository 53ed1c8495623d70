package scenarios

import (
	"github.com/faultdrill/faultdrill/httpapi"

	"regexp"
	"slices"
	"strings"

	"github.com/faultdrill/faultdrill/load"
)

// load checks the load's target, duration, timeout and streams.
func (v *validator) load() {
	l := v.s.Load
	since := v.mark()
	v.serviceRef(pathOf("load", "target"), l.Target, sortedKeys(v.s.System.Services), "the service that receives the load")
	v.portRef(pathOf("load", "port"), l.Target, l.Port)
	switch {
	case l.Duration == 0:
		v.addf(pathOf("load", "duration"), `missing; set how long load runs, such as "30s"`)
	case l.Duration < 0:
		v.negative(pathOf("load", "duration"), l.Duration, `set how long load runs, such as "30s"`)
	}
	if l.Timeout < 0 {
		v.negative(pathOf("load", "timeout"), l.Timeout, `use how long one request may take, such as "2s"`)
	}
	if len(l.Streams) == 0 {
		v.addf(pathOf("load", "streams"), `no streams; define at least one, such as {name: reads, rate: "50/s", path: /}`)
	}
	seen := map[string]fieldPath{}
	for i, st := range l.Streams {
		p := pathOf("load", "streams").index(i)
		switch {
		case st.Name == "":
			v.addf(p.key("name"), "missing; name the stream, such as writes")
		case !safeName.MatchString(st.Name):
			v.addf(p.key("name"), "stream name %q %s; it prefixes every request id", st.Name, nameRule)
		case seen[st.Name] != nil:
			v.addf(p.key("name"), "stream %q is already defined at line %d; give each stream its own name", st.Name, v.line(seen[st.Name]))
		default:
			seen[st.Name] = p.key("name")
		}
		v.stream(p, st)
	}
	v.backstop(pathOf("load"), since, l.Spec.Validate())
}

// hasKeyValueStream reports whether some load stream addresses keys.
func hasKeyValueStream(s *Scenario) bool {
	return slices.ContainsFunc(s.Load.Streams, func(st load.StreamSpec) bool { return st.Keys > 0 })
}

// headerName matches an HTTP header name (an RFC 9110 token).
var headerName = regexp.MustCompile("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")

// maxRate is the highest rate one stream may ask for, per second.
const maxRate = 1_000_000

// stream checks one stream's rate and ramp, keys, method, path and
// headers.
func (v *validator) stream(p fieldPath, st load.StreamSpec) {
	switch {
	case st.Rate.Freq <= 0 || st.Rate.Per <= 0:
		v.addf(p.key("rate"), `missing; set a rate such as "100/s"`)
	case st.Rate.PerSecond() > maxRate:
		v.addf(p.key("rate"), "%s is more than %d/s; one stream cannot send faster", st.Rate, maxRate)
	}
	v.ramp(p, st)
	tmpl, tmplErr := httpapi.Compile(st.Request())
	if tmplErr != nil {
		v.addf(p.key(placeholderField(st, "{")), "%v", tmplErr)
	}
	switch {
	case st.Keys < 0:
		v.addf(p.key("keys"), "%d is negative; use how many keys the stream spreads its requests over, such as 20", st.Keys)
	case st.Keys == 0 && tmpl != nil && tmpl.Uses(httpapi.PlaceKey):
		v.addf(p.key(placeholderField(st, "{key")), "{key} is used but the stream has no keys; add keys: N to spread requests over the keys k0 … kN-1")
	}
	if !slices.Contains(httpMethods(), st.Method) {
		v.addf(p.key("method"), "%s", unknownValue("HTTP method", st.Method, httpMethods()))
	}
	switch {
	case st.Path == "":
		v.addf(p.key("path"), `missing; set the request path, such as "/entries/{id}"`)
	case !strings.HasPrefix(st.Path, "/"):
		v.addf(p.key("path"), `%q must start with "/", such as "/%s"`, st.Path, st.Path)
	case strings.ContainsAny(st.Path, " \t\r\n#"):
		v.addf(p.key("path"), `%q holds a space, a line break or "#"; escape it (%%20) or leave it out`, st.Path)
	}
	for _, name := range sortedKeys(st.Headers) {
		if !headerName.MatchString(name) {
			v.addf(p.key("headers").key(name), "%q is not a header name; use letters, digits and \"-\", such as Content-Type", name)
		}
		if strings.ContainsAny(st.Headers[name], "\r\n\x00") {
			v.addf(p.key("headers").key(name), "the value holds a line break; keep a header value on one line")
		}
		v.refs(p.key("headers").key(name), st.Headers[name], v.loadScope())
	}
	if st.Writes && tmpl != nil && !tmpl.Uses(httpapi.PlaceID) && !tmpl.Uses(httpapi.PlaceValue) {
		v.addf(p.key("writes"), "no {id} or {value} in the path, body or headers; put {id} where the request id goes so each write can be read back")
	}
	if _, err := st.Response.Compile(); err != nil {
		v.addf(p.key("response"), "%v", err)
	}
}

// ramp checks a stream's ramp: a rate to go to, over a duration.
func (v *validator) ramp(p fieldPath, st load.StreamSpec) {
	switch {
	case st.RampTo.IsZero():
		if st.RampOver != 0 {
			v.addf(p.key("rampOver"), `no rampTo to ramp to; add rampTo, such as "500/s", or remove rampOver`)
		}
	case st.RampTo.PerSecond() > maxRate:
		v.addf(p.key("rampTo"), "%s is more than %d/s; one stream cannot send faster", st.RampTo, maxRate)
	}
	if st.RampOver < 0 {
		v.negative(p.key("rampOver"), st.RampOver, `use how long the ramp lasts, such as "10s", or leave it out to ramp over the whole load`)
	}
}

// placeholderField names the first field of a stream, of path, body and
// headers, that holds placeholder.
func placeholderField(st load.StreamSpec, placeholder string) string {
	switch {
	case strings.Contains(st.Path, placeholder):
		return "path"
	case strings.Contains(st.Body, placeholder):
		return "body"
	}
	return "headers"
}
