package scenarios

import (
	"errors"
	"net"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/faultdrill/faultdrill/httpapi"
	"github.com/faultdrill/faultdrill/rollback"
)

// actionScope is what an action can refer to where it runs: the services
// deployed and the snapshots taken before it.
type actionScope struct {
	deployed  []string
	snapshots map[string]snapshotFact
	// inTimeline is set for an action step of the timeline, which can only
	// use what the steps before it set up; a plan may use the whole
	// timeline.
	inTimeline bool
}

// before says, for messages, which steps an action can build on.
func (sc actionScope) before() string {
	if sc.inTimeline {
		return "no step before this one"
	}
	return "no timeline step"
}

// actionParam is a field of rollback.ActionSpec that only some actions
// read.
type actionParam struct {
	key   string
	kinds []rollback.ActionKind
	set   func(rollback.ActionSpec) bool
}

// actionParams lists the fields that only some actions read.
func actionParams() []actionParam {
	call := []rollback.ActionKind{rollback.Flag, rollback.HTTP}
	run := []rollback.ActionKind{rollback.Command, rollback.MigrateDown}
	return []actionParam{
		{"method", call, func(a rollback.ActionSpec) bool { return a.Method != "" }},
		{"url", call, func(a rollback.ActionSpec) bool { return a.URL != "" }},
		{"headers", call, func(a rollback.ActionSpec) bool { return len(a.Headers) > 0 }},
		{"body", call, func(a rollback.ActionSpec) bool { return a.Body != "" }},
		{"status", call, func(a rollback.ActionSpec) bool { return a.Status != 0 }},
		{"expectFlags", []rollback.ActionKind{rollback.Flag}, func(a rollback.ActionSpec) bool { return a.ExpectFlags != "" }},
		{"expect", []rollback.ActionKind{rollback.HTTP}, func(a rollback.ActionSpec) bool { return len(a.Expect) > 0 }},
		{"until", []rollback.ActionKind{rollback.HTTP}, func(a rollback.ActionSpec) bool { return a.Until != nil }},
		{"command", run, func(a rollback.ActionSpec) bool { return len(a.Command) > 0 }},
		{"env", run, func(a rollback.ActionSpec) bool { return len(a.Env) > 0 }},
		{"dir", run, func(a rollback.ActionSpec) bool { return a.Dir != "" }},
		{"database", []rollback.ActionKind{rollback.MigrateDown}, func(a rollback.ActionSpec) bool { return a.Database != "" }},
		{"snapshot", []rollback.ActionKind{rollback.RestoreSnapshot}, func(a rollback.ActionSpec) bool { return a.Snapshot != "" }},
		{"version", []rollback.ActionKind{rollback.Start, rollback.RestoreSnapshot}, func(a rollback.ActionSpec) bool { return a.Version != "" }},
		{"strategy", []rollback.ActionKind{rollback.RedeployPrevious}, func(a rollback.ActionSpec) bool { return a.Strategy != "" }},
	}
}

// action checks a rollback action, of the plan or a timeline step: its
// kind, the fields that kind reads and no other, the service, snapshot,
// URL or command it needs, and the ${...} in what the engine expands.
func (v *validator) action(p fieldPath, a rollback.ActionSpec, sc actionScope) {
	switch {
	case a.Action == "":
		v.addf(p.key("action"), "missing; use one of: %s", strings.Join(actions(), ", "))
		return
	case !slices.Contains(actions(), string(a.Action)):
		v.addf(p.key("action"), "%s", unknownValue("action", string(a.Action), actions()))
		return
	}
	for _, param := range actionParams() {
		if param.set(a) && !slices.Contains(param.kinds, a.Action) {
			v.addf(p.key(param.key), "only %s actions read %s; remove it", andList(words(param.kinds)), param.key)
		}
	}
	switch a.Action {
	case rollback.RedeployPrevious:
		v.redeployTarget(p.key("service"), a.Service, sc)
	case rollback.Flag:
		v.call(p, a)
	case rollback.HTTP:
		v.call(p, a)
		v.expectations(p, a)
	case rollback.Command:
		v.command(p.key("command"), a.Command)
		v.optionalService(p.key("service"), a.Service)
	case rollback.MigrateDown:
		v.command(p.key("command"), a.Command)
		v.serviceRef(p.key("service"), a.Service, sortedKeys(v.s.System.Services), "the service whose schema goes down")
	case rollback.RestoreSnapshot:
		v.restoreTarget(p, a, sc)
		v.actionVersion(p, a)
	case rollback.Stop:
		v.serviceRef(p.key("service"), a.Service, sortedKeys(v.s.System.Services), "the service to stop")
	case rollback.Start:
		if v.serviceRef(p.key("service"), a.Service, sortedKeys(v.s.System.Services), "the service to start") {
			v.actionVersion(p, a)
		}
	}
	if a.Timeout < 0 {
		v.negative(p.key("timeout"), a.Timeout, `use how long one attempt may take, such as "30s", or leave it out`)
	}
	if a.RetryDelay < 0 {
		v.negative(p.key("retryDelay"), a.RetryDelay, `use the pause before each retry, such as "1s"`)
	}
	if a.Retries < 0 {
		v.addf(p.key("retries"), "%d is negative; use how many more attempts follow a failed one, 0 or more", a.Retries)
	}
	v.actionRefs(p, a)
}

// actionRefs checks the ${...} references in the fields the engine
// expands (command, env, dir, url, body, database, header values).
func (v *validator) actionRefs(p fieldPath, a rollback.ActionSpec) {
	scope := v.engineScope(a.Service)
	for i, arg := range a.Command {
		v.refs(p.key("command").index(i), arg, scope)
	}
	for _, k := range sortedKeys(a.Env) {
		v.refs(p.key("env").key(k), a.Env[k], scope)
	}
	for _, f := range []struct{ key, value string }{{"dir", a.Dir}, {"url", a.URL}, {"body", a.Body}, {"database", a.Database}} {
		v.refs(p.key(f.key), f.value, scope)
	}
	for _, k := range sortedKeys(a.Headers) {
		v.refs(p.key("headers").key(k), a.Headers[k], scope)
	}
}

// optionalService checks a service reference that may be left out.
func (v *validator) optionalService(p fieldPath, name string) {
	if name != "" {
		v.serviceRef(p, name, sortedKeys(v.s.System.Services), "")
	}
}

// redeployTarget checks that a redeploy-previous names a service the
// timeline deployed before the action can run.
func (v *validator) redeployTarget(p fieldPath, service string, sc actionScope) {
	services := sortedKeys(v.s.System.Services)
	switch {
	case service == "":
		v.addf(p, "missing; name the service to roll back%s", oneOf(sc.deployed))
	case !slices.Contains(services, service):
		v.addf(p, "%s", undefined("service", service, services, "system.services"))
	case slices.Contains(sc.deployed, service):
	case sc.inTimeline:
		v.addf(p, "no step before this one deploys %q, so it has no previous version; deploy it first", service)
	case len(sc.deployed) == 0:
		v.addf(p, "the timeline deploys no service, so %q has no previous version; add a deploy step for it", service)
	default:
		v.addf(p, "the timeline never deploys %q, so it has no previous version; name a service a deploy step switches (%s)", service, strings.Join(sc.deployed, ", "))
	}
}

// restoreTarget checks that a restore-snapshot names a service with a
// data directory and a snapshot of it taken before the action can run.
func (v *validator) restoreTarget(p fieldPath, a rollback.ActionSpec, sc actionScope) {
	services := sortedKeys(v.s.System.Services)
	if !v.serviceRef(p.key("service"), a.Service, services, "the service to restore") {
		return
	}
	if !v.s.System.Services[a.Service].DataDir {
		v.addf(p.key("service"), "service %q has no data directory to restore; add dataDir: true to it", a.Service)
		return
	}
	taken := sortedKeys(sc.snapshots)
	snap, ok := sc.snapshots[a.Snapshot]
	switch {
	case ok && snap.service != a.Service:
		v.addf(p.key("snapshot"), "snapshot %q (timeline[%d]) is of service %q, not %q; restore a snapshot of %s", a.Snapshot, snap.step, snap.service, a.Service, a.Service)
	case ok:
	case suggest(a.Snapshot, taken) != "":
		v.addf(p.key("snapshot"), "%s takes a snapshot named %q (did you mean %q?)", sc.before(), a.Snapshot, suggest(a.Snapshot, taken))
	default:
		v.addf(p.key("snapshot"), "%s takes a snapshot named %q; add a step such as {at: 5s, snapshot: {service: %s, name: %s}} before it", sc.before(), a.Snapshot, a.Service, a.Snapshot)
	}
}

// actionVersion checks the version a start or restore-snapshot names, if
// any, against its service's versions.
func (v *validator) actionVersion(p fieldPath, a rollback.ActionSpec) {
	svc, ok := v.s.System.Services[a.Service]
	if a.Version == "" || !ok {
		return
	}
	versions := sortedKeys(svc.Versions)
	if !slices.Contains(versions, a.Version) {
		where := pathOf("system", "services", a.Service, "versions").String()
		v.addf(p.key("version"), "%s", undefined("version", a.Version, versions, where))
	}
}

// call checks the HTTP call of a flag or http action: a path on its
// service, or a loopback URL, a method and an expected status.
func (v *validator) call(p fieldPath, a rollback.ActionSpec) {
	u := a.URL
	switch {
	case u == "":
		v.addf(p.key("url"), `missing; give the path to call on the service, such as "/flags/fast-path", or a loopback URL`)
	case strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://"):
		v.optionalService(p.key("service"), a.Service)
		if !strings.Contains(u, "${") && !loopbackURL(u) {
			v.addf(p.key("url"), "%q is not on a loopback host; actions only call the system under test, through a path on its service (such as /flags/x) or a URL on 127.0.0.1", u)
		}
	case strings.HasPrefix(u, "${"):
		v.optionalService(p.key("service"), a.Service) // it may expand to a path or a URL
	case !strings.HasPrefix(u, "/"):
		v.addf(p.key("url"), `%q is neither a path nor an http(s) URL; write a path on the service, such as "/%s"`, u, u)
	default:
		v.serviceRef(p.key("service"), a.Service, sortedKeys(v.s.System.Services), "the service to call the path on")
	}
	if !slices.Contains(httpMethods(), a.Method) {
		v.addf(p.key("method"), "%s", unknownValue("HTTP method", a.Method, httpMethods()))
	}
	if a.Status != 0 && (a.Status < 100 || a.Status > 599) {
		v.addf(p.key("status"), "%d is not an HTTP status; use the status expected, such as 200, or leave it out for any 2xx", a.Status)
	}
}

// expectations checks an http action's assertions on its response and
// its polling.
func (v *validator) expectations(p fieldPath, a rollback.ActionSpec) {
	for i, e := range a.Expect {
		ep := p.key("expect").index(i)
		if strings.TrimSpace(e.JSONPath) == "" {
			v.addf(ep.key("jsonPath"), `missing; give the JSON path of the value to check, such as "$.storage.version", or "$" for the whole body`)
		} else if _, err := httpapi.ParsePath(e.JSONPath); err != nil {
			v.addf(ep.key("jsonPath"), `%q is not a JSON path; write one such as "$.storage.version" or "$.items[0].state"`, e.JSONPath)
		}
		set := 0
		for _, s := range []string{e.Equals, e.NotEquals, e.Matches} {
			if s != "" {
				set++
			}
		}
		if set != 1 {
			v.addf(ep, "set exactly one of equals, notEquals or matches, to compare the value at %s with", e.JSONPath)
		}
		if e.Matches != "" {
			if _, err := regexp.Compile(e.Matches); err != nil {
				why := err.Error()
				if se, ok := errors.AsType[*syntax.Error](err); ok {
					why = se.Code.String()
				}
				v.addf(ep.key("matches"), "%q is not a regular expression (Go syntax): %s", e.Matches, why)
			}
		}
	}
	if u := a.Until; u != nil {
		if u.Interval < 0 {
			v.negative(p.key("until").key("interval"), u.Interval, `use the pause between requests, such as "500ms"`)
		}
		if u.Timeout < 0 {
			v.negative(p.key("until").key("timeout"), u.Timeout, `use how long to poll, such as "30s"`)
		}
	}
}

// loopbackURL reports whether an absolute URL is on localhost or a
// loopback address, as the rollback package requires.
func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// command checks the argv of a command or migrate-down action.
func (v *validator) command(p fieldPath, argv []string) {
	switch {
	case len(argv) == 0:
		v.addf(p, `empty; give the program and its arguments, such as ["${ledger}", "migrate", "down", "--data", "${data_dir}"]`)
	case strings.TrimSpace(argv[0]) == "":
		v.addf(p.index(0), "empty; the first element is the program to run")
	}
}
