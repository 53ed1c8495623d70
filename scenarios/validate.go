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
	v.harness()
	v.system()
	v.load()
	v.setup()
	facts := v.timeline()
	v.rollback(facts)
	v.deploys()
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

// has reports whether the file itself holds the node at p (a default
// filled in later does not count).
func (v *validator) has(p fieldPath) bool {
	_, ok := v.at[p.String()]
	return ok
}

// mark returns how many problems are known so far, for backstop.
func (v *validator) mark() int { return len(v.out) }

// backstop reports err, a leaf package's verdict on the node at p, when
// the scenario's own rules found nothing since mark: whatever a leaf
// package refuses is never let through, even where no rule here says why.
func (v *validator) backstop(p fieldPath, since int, err error) {
	if err != nil && len(v.out) == since {
		v.addf(p, "%v", err)
	}
}

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
	switch name := v.s.Metadata.Name; {
	case strings.TrimSpace(name) == "":
		v.addf(pathOf("metadata", "name"), "missing; give the scenario a short name, such as checkout-bad-release")
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		v.addf(pathOf("metadata", "name"), "%q would not be safe in a file name, and drill folders are named after it; use letters, digits and \"-\", such as checkout-bad-release", name)
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
