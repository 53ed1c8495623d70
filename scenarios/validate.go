package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// validator checks a decoded scenario, with defaults applied, for problems
// no single field shows: dangling references, bad ranges, wrong order. It
// reports every problem, each at the node it concerns.
type validator struct {
	s    *Scenario
	file string
	at   positions
	out  Problems
}

// validate returns every problem of s; at holds the positions of its
// file's nodes (see checker).
func validate(s *Scenario, file string, at positions) Problems {
	v := &validator{s: s, file: file, at: at}
	v.header()
	v.objectives()
	v.system()
	v.load()
	deployed := v.timeline()
	v.rollback(deployed)
	v.verify()
	return v.out
}

// addf reports a problem about the node at p, or its nearest ancestor in
// the file when the node itself is missing.
func (v *validator) addf(p fieldPath, format string, args ...any) {
	pos := v.at.lookup(p)
	msg := label(p) + ": " + fmt.Sprintf(format, args...)
	v.out = append(v.out, Problem{File: v.file, Line: pos.line, Col: pos.col, Message: msg})
}

// line is the line the node at p is on, for "already defined at line N".
func (v *validator) line(p fieldPath) int { return v.at.lookup(p).line }

// pathOf returns the path of a field by its keys: pathOf("load", "target").
func pathOf(keys ...string) fieldPath {
	var p fieldPath
	for _, k := range keys {
		p = p.key(k)
	}
	return p
}

// header checks apiVersion and metadata.
func (v *validator) header() {
	switch v.s.APIVersion {
	case "":
		v.addf(pathOf("apiVersion"), "missing; start the file with apiVersion: %s", APIVersion)
	case APIVersion:
	default:
		v.addf(pathOf("apiVersion"), "%q is not supported; use %s", v.s.APIVersion, APIVersion)
	}
	if strings.TrimSpace(v.s.Metadata.Name) == "" {
		v.addf(pathOf("metadata", "name"), "missing; give the scenario a short name, such as checkout-bad-release")
	}
}

// objectives checks the pass mark, RPO and RTO.
func (v *validator) objectives() {
	o := v.s.Objectives
	p := pathOf("objectives")
	if o.PassScore < 0 || o.PassScore > 100 {
		v.addf(p.key("passScore"), "%d is out of range; use a score from 0 to 100", o.PassScore)
	}
	if o.RPO < 0 {
		v.addf(p.key("rpo"), "%d is negative; use how many acknowledged writes may be lost, 0 or more", o.RPO)
	}
	if o.RTO < 0 {
		v.addf(p.key("rto"), "%s is negative; use the longest acceptable recovery time, such as \"30s\"", o.RTO)
	}
	if !slices.Contains(rtoFroms(), o.RTOFrom) {
		v.addf(p.key("rtoFrom"), "%s", unknownValue("starting point", o.RTOFrom, rtoFroms()))
	}
	if th := o.SLO.ErrorRate; th.Unit != "fraction" {
		v.addf(p.key("slo").key("errorRate"), `%q is not a fraction of requests; write a percentage such as "1%%" or a fraction such as 0.01`, th.String())
	}
	if o.SLO.P99 < 0 {
		v.negative(p.key("slo").key("p99"), o.SLO.P99, `use the highest acceptable p99 latency, such as "300ms", or leave it out for no limit`)
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// negative reports a negative duration at p; hint says what to write.
func (v *validator) negative(p fieldPath, d fmt.Stringer, hint string) {
	v.addf(p, "%s is negative; %s", d, hint)
}
