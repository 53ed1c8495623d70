package scenarios

import (
	"reflect"
	"slices"

	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/verify"
)

// The shapes validation enforces beyond single fields, in JSON Schema.
//
// What the schema leaves to validation, and only that (the cross
// references: checks of one part of a scenario against another, which a
// JSON Schema cannot express):
//   - names that refer to other parts: a link's from and to, a fault's
//     link or service, a deploy's service and version, a service's
//     initial version, load.target and its port, a heal's fault, a
//     partition's services, a snapshot's service, an action's service,
//     snapshot and version, a probe's service, healthPort and a link's ports;
//   - uniqueness: link and stream names, fault names still active, the
//     ports a service names; a link whose from and to are the same;
//   - ${...} references in commands, env, urls and bodies;
//   - order and time: steps and triggers within the load's duration, heals
//     after their injects, a cycle of links outside one start group, the
//     docker ports of a service's versions being the same;
//   - a partition that cuts no link, a threshold's unit against its metric
//     (the metric is a sibling field; the unit lives inside one string), a
//     slicer's sizeVariation against its averageSize.
//
// An expectation's matches is not checked to be a regular expression
// (JSON Schema's "regex" format is ECMA 262, not Go's syntax).
//
// Two single-field checks are looser here, for want of a regular
// expression that says them without lookahead (which Go's regexp, and so
// some validators, lack): a latency or slow_close delay of at least 1ms,
// and a rate per a zero duration ("5/0s").

// jsonPathPattern is the syntax httpapi.ParsePath reads: "$.a.b[0]",
// "a.0.b", "$[2]", "$" or nothing; a key is any run of characters but "."
// and "[".
const jsonPathPattern = `^\s*\$?\.?(([^.\[]+(\[\+?[0-9]+\])*|(\[\+?[0-9]+\])+)(\.[^.\[]+(\[\+?[0-9]+\])*)*)?\s*$`

// present is the rule that key is set: there, and not null (a key with an
// empty value reads as if it were left out).
func present(key string) map[string]any {
	return map[string]any{"required": []string{key}, "properties": map[string]any{key: map[string]any{"not": map[string]any{"type": "null"}}}}
}

// stepKeys are the keys of which a timeline step holds exactly one.
func stepKeys() []string {
	return []string{"deploy", "inject", "partition", "snapshot", "action", "heal", "wait"}
}

// shapeRules returns the rules of struct type t that tie its fields
// together: which of them go together and which exclude each other.
func shapeRules(t reflect.Type) map[string]any {
	switch t {
	case reflect.TypeFor[Step]():
		var one []any
		for _, k := range stepKeys() {
			one = append(one, present(k))
		}
		return map[string]any{"oneOf": one}
	case reflect.TypeFor[rollback.TriggerSpec]():
		return triggerRules()
	case reflect.TypeFor[faults.Spec]():
		return faultRules()
	case reflect.TypeFor[rollback.ActionSpec]():
		return actionRules()
	case reflect.TypeFor[rollback.Expectation]():
		return map[string]any{"oneOf": []any{present("equals"), present("notEquals"), present("matches")}}
	case reflect.TypeFor[verify.Invariant]():
		// A probe, http or sql, and something to compare its answer with.
		return map[string]any{
			"oneOf": []any{present("http"), present("sql")},
			"anyOf": []any{present("equals"), map[string]any{"required": []string{"unchanged"}, "properties": map[string]any{"unchanged": map[string]any{"const": true}}}},
		}
	case reflect.TypeFor[faults.LinkSpec]():
		return map[string]any{"not": map[string]any{"allOf": []any{present("port"), present("ports")}}}
	case reflect.TypeFor[faults.PartitionSpec]():
		return map[string]any{"oneOf": []any{
			present("isolate"),
			present("split"),
			present("between"),
		}}
	}
	return nil
}

// triggerRules: a trigger is exactly one of a threshold (metric with
// exactly one of above or below), a composite (any or all, not empty), a
// probe or a planned time (at); only a threshold takes for, and a
// composite's children are thresholds or composites.
func triggerRules() map[string]any {
	noFor := map[string]any{"not": present("for")}
	child := map[string]any{"type": "array", "minItems": 1, "items": map[string]any{
		"$ref": "#/$defs/Trigger",
		"not":  map[string]any{"anyOf": []any{present("probe"), present("at")}},
	}}
	return map[string]any{
		"oneOf": []any{
			map[string]any{"allOf": []any{present("metric"), map[string]any{"oneOf": []any{present("above"), present("below")}}}},
			map[string]any{"allOf": []any{present("any"), noFor}, "properties": map[string]any{"any": child}},
			map[string]any{"allOf": []any{present("all"), noFor}, "properties": map[string]any{"all": child}},
			map[string]any{"allOf": []any{present("probe"), noFor}},
			map[string]any{"allOf": []any{present("at"), noFor}},
		},
	}
}

// faultRules: each fault kind (faults.ShapeOf) names its target, a link or
// a service and not the other, reads its own parameters only, needs the
// ones it cannot do without, and may be one way, partial or instant.
func faultRules() map[string]any {
	var params []string
	for _, k := range faults.Kinds() {
		sh, _ := faults.ShapeOf(k)
		for _, p := range sh.Params {
			if !slices.Contains(params, p) {
				params = append(params, p)
			}
		}
	}
	var rules []any
	for _, k := range faults.Kinds() {
		sh, _ := faults.ShapeOf(k)
		other := "service"
		if sh.Target == "service" {
			other = "link"
		}
		forbidden := []any{present(other)}
		for _, p := range params {
			if !slices.Contains(sh.Params, p) {
				forbidden = append(forbidden, present(p))
			}
		}
		var needed []any
		for _, p := range append([]string{sh.Target}, sh.Required...) {
			needed = append(needed, present(p))
		}
		then := map[string]any{"allOf": needed, "not": map[string]any{"anyOf": forbidden}}
		props := map[string]any{}
		for _, p := range sh.Required {
			if p == "latency" || p == "delay" {
				props[p] = map[string]any{"not": map[string]any{"pattern": zeroDurationPattern}}
			} else {
				props[p] = map[string]any{"minimum": 1}
			}
		}
		if !sh.OneWay {
			props["direction"] = map[string]any{"const": string(faults.Both)}
		}
		if !sh.Partial {
			props["toxicity"] = map[string]any{"enum": []any{0, 1}}
		}
		if sh.Instant {
			props["duration"] = map[string]any{"pattern": zeroDurationPattern}
		}
		if k == faults.Kill {
			then["if"] = map[string]any{"required": []string{"restart"}, "properties": map[string]any{"restart": map[string]any{"const": true}}}
			then["then"] = map[string]any{"properties": map[string]any{"duration": map[string]any{"pattern": zeroDurationPattern}}}
		}
		then["properties"] = props
		rules = append(rules, map[string]any{
			"if":   map[string]any{"required": []string{"kind"}, "properties": map[string]any{"kind": map[string]any{"const": string(k)}}},
			"then": then,
		})
	}
	return map[string]any{"allOf": rules}
}

// actionRules: an action reads only its own fields (actionParams, which
// validation checks too), a call (flag, http) needs a url, a command or
// migrate-down a command (validator.call and validator.command), a stop or
// a start a service.
func actionRules() map[string]any {
	needs := map[rollback.ActionKind][]string{
		rollback.Flag: {"url"}, rollback.HTTP: {"url"},
		rollback.Command: {"command"}, rollback.MigrateDown: {"command"},
		rollback.Stop: {"service"}, rollback.Start: {"service"},
	}
	var rules []any
	for _, k := range rollback.ActionKinds() {
		var forbidden []any
		for _, param := range actionParams() {
			if !slices.Contains(param.kinds, k) {
				forbidden = append(forbidden, present(param.key))
			}
		}
		then := map[string]any{"not": map[string]any{"anyOf": forbidden}}
		if keys := needs[k]; len(keys) > 0 {
			var all []any
			for _, key := range keys {
				all = append(all, present(key))
			}
			then["allOf"] = all
		}
		rules = append(rules, map[string]any{
			"if":   map[string]any{"required": []string{"action"}, "properties": map[string]any{"action": map[string]any{"const": string(k)}}},
			"then": then,
		})
	}
	return map[string]any{"allOf": rules}
}

// withRuntimeRules adds to the root schema what each runtime needs of a
// version: the process runtime (the default) a command whose first
// element is the program, the docker runtime exactly one of an image or a
// build, and an absolute working dir.
func withRuntimeRules(root map[string]any) {
	version := func(rule map[string]any) map[string]any {
		return map[string]any{"properties": map[string]any{"system": map[string]any{"properties": map[string]any{
			"services": map[string]any{"additionalProperties": map[string]any{"properties": map[string]any{
				"versions": map[string]any{"additionalProperties": rule},
			}}},
		}}}}
	}
	docker := map[string]any{"properties": map[string]any{"system": map[string]any{
		"required": []string{"runtime"}, "properties": map[string]any{"runtime": map[string]any{"const": faults.RuntimeDocker}},
	}}}
	root["if"] = docker
	root["then"] = version(map[string]any{"oneOf": []any{
		present("image"),
		present("build"),
	}, "properties": map[string]any{"dir": map[string]any{"pattern": "^/"}}})
	root["else"] = version(map[string]any{"allOf": []any{present("command")}, "properties": map[string]any{
		"command": map[string]any{"minItems": 1, "prefixItems": []any{map[string]any{"pattern": `\S`}}},
	}})
}

// moreFieldRules are the constraints of single fields that the checks of
// the leaf packages make, beyond those of fieldRules.
func moreFieldRules(owner reflect.Type, field string) map[string]any {
	type key struct {
		owner reflect.Type
		field string
	}
	switch (key{owner, field}) {
	case key{reflect.TypeFor[load.Spec](), "duration"}:
		return map[string]any{"not": map[string]any{"pattern": zeroDurationPattern}}
	case key{reflect.TypeFor[Step](), "wait"}:
		// A wait of 0 is no wait: a step of no kind.
		return map[string]any{"not": map[string]any{"pattern": zeroDurationPattern}}
	case key{reflect.TypeFor[Step](), "heal"}:
		return map[string]any{"minLength": 1}
	case key{reflect.TypeFor[load.StreamSpec](), "resend"}:
		return map[string]any{"minimum": 0, "exclusiveMaximum": 1}
	case key{reflect.TypeFor[rollback.Expectation](), "jsonPath"}:
		return map[string]any{"pattern": jsonPathPattern, "not": map[string]any{"pattern": `^\s*$`}}
	case key{reflect.TypeFor[rollback.Expectation](), "equals"}, key{reflect.TypeFor[rollback.Expectation](), "notEquals"},
		key{reflect.TypeFor[rollback.Expectation](), "matches"}:
		return map[string]any{"minLength": 1}
	case key{reflect.TypeFor[rollback.ProbeSpec](), "url"}:
		return map[string]any{"pattern": "^/"}
	case key{reflect.TypeFor[System](), "services"}:
		return map[string]any{"minProperties": 1, "propertyNames": map[string]any{"pattern": safeName.String()}}
	case key{reflect.TypeFor[sut.ServiceSpec](), "versions"}:
		return map[string]any{"minProperties": 1, "propertyNames": map[string]any{"pattern": safeName.String()}}
	case key{reflect.TypeFor[Scenario](), "vars"}:
		return map[string]any{"propertyNames": map[string]any{"pattern": safeName.String()}}
	case key{reflect.TypeFor[faults.LinkSpec](), "name"}:
		return map[string]any{"pattern": safeName.String()}
	case key{reflect.TypeFor[faults.LinkSpec](), "listen"}:
		// A loopback IPv4 address (net.ParseIP, then IsLoopback).
		return map[string]any{"pattern": `^127\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){2}$`}
	case key{reflect.TypeFor[faults.Spec](), "name"}:
		return map[string]any{"pattern": `^[A-Za-z0-9][A-Za-z0-9._@:-]*$`}
	case key{reflect.TypeFor[rollback.ApprovalSpec](), "role"}:
		return map[string]any{"pattern": `\S`}
	case key{reflect.TypeFor[Metadata](), "name"}:
		return map[string]any{"pattern": `\S`}
	case key{reflect.TypeFor[load.StreamSpec](), "path"}:
		return map[string]any{"pattern": "^/"}
	case key{reflect.TypeFor[faults.PartitionSpec](), "between"}:
		return map[string]any{"minItems": 2, "maxItems": 2}
	case key{reflect.TypeFor[faults.PartitionSpec](), "split"}:
		return map[string]any{"minItems": 2, "maxItems": 2, "items": map[string]any{"type": "array", "minItems": 1, "items": map[string]any{"type": textTypes()}}}
	case key{reflect.TypeFor[load.Spec](), "streams"}:
		return map[string]any{"minItems": 1}
	}
	return nil
}
