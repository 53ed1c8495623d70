package scenarios

import (
	"github.com/faultdrill/faultdrill/httpapi"

	"slices"
	"strings"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/verify"
)

// verify checks the verifiers' settings.
func (v *validator) verify() {
	vs := v.s.Verify
	p := pathOf("verify")
	if vs.Health.Timeout < 0 {
		v.negative(p.key("health").key("timeout"), vs.Health.Timeout, `use how long to wait for every service to answer, such as "10s"`)
	}
	v.durability(p.key("durability"), vs.Durability)
	v.slo(p.key("slo"), vs.SLO)
	v.invariants(p.key("invariants"), vs.Invariants)
	v.duplicates(p.key("duplicates"), vs.Duplicates)
	v.keyValue(p, vs)
	if n := vs.MixedVersions.MaxFailures; n != nil && *n < 0 {
		v.addf(p.key("mixedVersions").key("maxFailures"), "%d is negative; use how many requests may fail, 0 or more, or leave it out to only inform", *n)
	}
}

// durability checks the read-back of acknowledged writes: one read per
// write, or one list of every stored id.
func (v *validator) durability(p fieldPath, d verify.DurabilitySpec) {
	if d.Concurrency < 0 {
		v.addf(p.key("concurrency"), "%d is negative; use how many reads run at once, such as 16", d.Concurrency)
	}
	if !d.Enabled() {
		if v.has(p) {
			v.addf(p, `off without read or list; add read: "GET /entries/{id}" or list: "GET /entries", or remove durability`)
		}
		return
	}
	at := p.key("list")
	if !d.Read.IsZero() {
		at = p.key("read")
		v.readRequest(at, d.Read)
	}
	if !d.List.IsZero() {
		v.listRequest(p.key("list"), d.List)
	}
	v.responseRules(p.key("response"), d.Response)
	v.needsWrites(at)
}

// needsWrites reports, at p, a read-back with no writing stream to read
// back.
func (v *validator) needsWrites(p fieldPath) {
	if !slices.ContainsFunc(v.s.Load.Streams, func(st load.StreamSpec) bool { return st.Writes }) {
		v.addf(p, "no load stream has writes: true, so there is nothing to read back; add writes: true to the stream that writes")
	}
}

// readRequest checks a read-back request: "METHOD /path/{id}", or a
// mapping whose template uses {id}.
func (v *validator) readRequest(p fieldPath, read httpapi.Request) {
	since := v.mark()
	if t := v.requestShape(p, read, "GET /entries/{id}"); t != nil && !t.Uses(httpapi.PlaceID) && !t.Uses(httpapi.PlaceValue) {
		v.addf(p, `%q does not use {id}; put {id} where the write's request id goes, such as "GET /entries/{id}"`, read.String())
	}
	_, err := verify.CompileRead(read)
	v.backstop(p, since, err)
}

// listRequest checks a list request, "METHOD /path", that answers every
// stored id at once.
func (v *validator) listRequest(p fieldPath, list httpapi.Request) {
	since := v.mark()
	if t := v.requestShape(p, list, "GET /entries"); t != nil && t.Uses(httpapi.PlaceID) {
		v.addf(p, `%q contains {id}; list is one request answering every stored id, such as "GET /entries" (read makes one request per write)`, list.String())
	}
	_, err := verify.CompileList(list)
	v.backstop(p, since, err)
}

// requestShape checks what every request template shares: a known
// method and a path from the service's root, placeholders that compile;
// one problem when it is wrong (nil), else the compiled template.
func (v *validator) requestShape(p fieldPath, req httpapi.Request, example string) *httpapi.Template {
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = "GET" // a mapping may leave the method out
	}
	switch {
	case req.Path == "" || strings.ContainsAny(req.Path, " \t"):
		v.addf(p, `%q is not "METHOD /path"; write it as %q`, req.String(), example)
	case !slices.Contains(httpMethods(), method):
		v.addf(p, "%s", unknownValue("HTTP method", req.Method, httpMethods()))
	case !strings.HasPrefix(req.Path, "/"):
		v.addf(p, `path %q must start with "/", such as "%s /%s"`, req.Path, method, req.Path)
	default:
		t, err := httpapi.Compile(req)
		if err != nil {
			v.addf(p, "%v", err)
		}
		return t
	}
	return nil
}

// responseRules checks the rules that read a request's answers.
func (v *validator) responseRules(p fieldPath, r httpapi.Response) {
	if _, err := r.Compile(); err != nil {
		v.addf(p, "%v", err)
	}
}

// slo checks the limits every window after the rollback must meet; the
// verify package decides which values it reads.
func (v *validator) slo(p fieldPath, s verify.SLOSpec) {
	since := v.mark()
	const rateHint = `write a percentage such as "1%", a fraction such as 0.01 or a multiple of the baseline such as "2x"`
	const latencyHint = `write a duration such as "250ms" or a multiple of the baseline such as "2x"`
	for _, f := range []struct {
		key, value, what, hint string
		alone                  verify.SLOSpec
	}{
		{"errorRate", s.ErrorRate, "an error-rate limit", rateHint, verify.SLOSpec{ErrorRate: s.ErrorRate}},
		{"p50", s.P50, "a latency limit", latencyHint, verify.SLOSpec{P50: s.P50}},
		{"p90", s.P90, "a latency limit", latencyHint, verify.SLOSpec{P90: s.P90}},
		{"p99", s.P99, "a latency limit", latencyHint, verify.SLOSpec{P99: s.P99}},
		{"compliance", s.Compliance, "a share of windows", `write the share of windows that must meet every limit, such as "95%"`, verify.SLOSpec{Compliance: s.Compliance}},
	} {
		if f.value != "" && f.alone.Validate() != nil {
			v.addf(p.key(f.key), "%q is not %s; %s", f.value, f.what, f.hint)
		}
	}
	if s.Window < 0 {
		v.negative(p.key("window"), s.Window, `use how long after the rollback the SLO is checked, such as "10s", or leave it out for until the load ends`)
	}
	if v.has(p) && !s.Enabled() {
		v.addf(p, "no limit; set errorRate, p50, p90 or p99, or remove slo")
	}
	v.backstop(p, since, s.Validate())
}

// invariants checks each invariant: a unique name, one probe, one
// comparison; the verify package decides which JSON paths and drivers it
// reads.
func (v *validator) invariants(p fieldPath, invs []verify.Invariant) {
	names := map[string]fieldPath{}
	for i, inv := range invs {
		ip := p.index(i)
		since := v.mark()
		switch {
		case strings.TrimSpace(inv.Name) == "":
			v.addf(ip.key("name"), "missing; name the invariant for the report, such as balance-sum")
		case names[inv.Name] != nil:
			v.addf(ip.key("name"), "invariant %q is already defined at line %d; give each invariant its own name", inv.Name, v.line(names[inv.Name]))
		default:
			names[inv.Name] = ip.key("name")
		}
		switch {
		case inv.HTTP == nil && inv.SQL == nil:
			v.addf(ip, "no probe; set http (path and jsonPath) or sql (driver, dsn and query)")
		case inv.HTTP != nil && inv.SQL != nil:
			v.addf(ip.key("sql"), "has both http and sql; keep one")
		case inv.HTTP != nil:
			v.httpProbe(ip.key("http"), *inv.HTTP)
		default:
			v.sqlProbe(ip.key("sql"), *inv.SQL)
		}
		switch {
		case inv.Equals == "" && !inv.Unchanged:
			v.addf(ip, "nothing to compare; set equals to the value expected after the drill, or unchanged: true")
		case inv.Equals != "" && inv.Unchanged:
			v.addf(ip.key("unchanged"), "has both equals and unchanged; keep one")
		}
		v.backstop(ip, since, inv.Validate())
	}
}

// httpProbe checks an invariant's HTTP read: a path on the load's target
// and a JSON path into the answer.
func (v *validator) httpProbe(p fieldPath, h verify.HTTPProbe) {
	if !strings.HasPrefix(h.Path, "/") {
		v.addf(p.key("path"), `%q must start with "/", such as "/totals"`, h.Path)
	}
	if !jsonPathOK(h.JSONPath) {
		v.addf(p.key("jsonPath"), `%q is not a JSON path; write one such as "$.entries" or "$.items[0].amount"`, h.JSONPath)
	}
}

// sqlProbe checks an invariant's SQL read.
func (v *validator) sqlProbe(p fieldPath, q verify.SQLProbe) {
	switch {
	case q.Driver == "":
		v.addf(p.key("driver"), "missing; use one of: %s", strings.Join(sqlDrivers(), ", "))
	case !sqlDriverOK(q.Driver):
		v.addf(p.key("driver"), "%s", unknownValue("SQL driver", q.Driver, sqlDrivers()))
	}
	if strings.TrimSpace(q.DSN) == "" {
		v.addf(p.key("dsn"), `missing; give the database, such as "${data_dir.store}/ledger.db" for sqlite`)
	}
	v.refs(p.key("dsn"), q.DSN, v.verifyScope())
	if strings.TrimSpace(q.Query) == "" {
		v.addf(p.key("query"), "missing; give one read-only statement that returns one value")
	}
}

// verifyScope is what verifier settings may use: the engine's expansions
// of no one service in particular.
func (v *validator) verifyScope() varScope {
	scope := v.engineScope("")
	scope.unavailable["addr"] = "${addr} names no service here; use ${addr.SERVICE}"
	scope.unavailable["data_dir"] = "${data_dir} names no service here; use ${data_dir.SERVICE}, such as ${data_dir.store}"
	scope.hint = "define it under vars, or use ${data_dir.SERVICE}, ${addr.SERVICE} or ${link.NAME}"
	return scope
}

// jsonPathOK reports whether the verify package reads path as a JSON path.
func jsonPathOK(path string) bool {
	inv := verify.Invariant{Name: "p", HTTP: &verify.HTTPProbe{Path: "/", JSONPath: path}, Equals: "0"}
	return inv.Validate() == nil
}

// sqlDriverOK reports whether the verify package knows the SQL driver.
func sqlDriverOK(driver string) bool {
	inv := verify.Invariant{Name: "d", SQL: &verify.SQLProbe{Driver: driver, DSN: "d", Query: "q"}, Equals: "0"}
	return inv.Validate() == nil
}

// duplicates checks the read-back that counts how often each write was
// applied.
func (v *validator) duplicates(p fieldPath, d verify.DuplicatesSpec) {
	if d.Concurrency < 0 {
		v.addf(p.key("concurrency"), "%d is negative; use how many reads run at once, such as 16", d.Concurrency)
	}
	if !d.Enabled() {
		if v.has(p) {
			v.addf(p, `off without read; add read: "GET /entries/{id}" or remove duplicates`)
		}
		return
	}
	v.readRequest(p.key("read"), d.Read)
	v.responseRules(p.key("response"), d.Response)
	v.needsWrites(p.key("read"))
	if !jsonPathOK(d.Field) {
		v.addf(p.key("field"), `%q is not a JSON path; write the path of the applied count, such as "applied"`, d.Field)
	}
}

// keyValue checks the verifiers of key-value histories: written out, they
// need a stream with keys to have anything to check.
func (v *validator) keyValue(p fieldPath, vs verify.Spec) {
	if vs.Linearizability.Timeout < 0 {
		v.negative(p.key("linearizability").key("timeout"), vs.Linearizability.Timeout, `use how long the check may take, such as "30s"`)
	}
	if hasKeyValueStream(v.s) {
		return
	}
	const fix = "add keys to the streams that write and read keys (path /kv/{key}), or remove %s"
	if v.has(p.key("linearizability")) && !vs.Linearizability.Disabled {
		v.addf(p.key("linearizability"), "no load stream has keys, so there is no key-value operation to check; "+fix, "linearizability")
	}
	if v.has(p.key("staleReads")) && !vs.StaleReads.Disabled {
		v.addf(p.key("staleReads"), "no load stream has keys, so there is no key-value read to check; "+fix, "staleReads")
	}
}
