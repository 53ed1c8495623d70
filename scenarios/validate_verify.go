package scenarios

import (
	"slices"
	"strings"

	"github.com/faultdrill/faultdrill/load"
)

// verify checks the verifiers' settings.
func (v *validator) verify() {
	vs := v.s.Verify
	if vs.Health.Timeout < 0 {
		v.negative(pathOf("verify", "health", "timeout"), vs.Health.Timeout, `use how long to wait for every service to answer, such as "10s"`)
	}
	d := vs.Durability
	p := pathOf("verify", "durability")
	if d.Concurrency < 0 {
		v.addf(p.key("concurrency"), "%d is negative; use how many reads run at once, such as 16", d.Concurrency)
	}
	if d.Read == "" {
		if d.Concurrency > 0 {
			v.addf(p.key("concurrency"), `durability is off without read; add read: "GET /entries/{id}" or remove concurrency`)
		}
		return
	}
	v.readRequest(p.key("read"), d.Read)
	if !slices.ContainsFunc(v.s.Load.Streams, func(st load.StreamSpec) bool { return st.Writes }) {
		v.addf(p.key("read"), "no load stream has writes: true, so there is nothing to read back; add writes: true to the stream that writes")
	}
}

// readRequest checks a durability read, "METHOD /path/{id}".
func (v *validator) readRequest(p fieldPath, read string) {
	method, path, ok := strings.Cut(strings.TrimSpace(read), " ")
	path = strings.TrimSpace(path)
	switch {
	case !ok || path == "" || strings.ContainsAny(path, " \t"):
		v.addf(p, `%q is not "METHOD /path"; write it as "GET /entries/{id}"`, read)
	case !slices.Contains(httpMethods(), method):
		v.addf(p, "%s", unknownValue("HTTP method", method, httpMethods()))
	case !strings.HasPrefix(path, "/"):
		v.addf(p, `path %q must start with "/", such as "%s /%s"`, path, method, path)
	case !strings.Contains(path, "{id}"):
		v.addf(p, `%q does not contain {id}; put {id} where the write's request id goes, such as "GET /entries/{id}"`, read)
	}
}
