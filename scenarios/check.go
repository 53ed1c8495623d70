package scenarios

import (
	"encoding"
	"fmt"
	"reflect"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// aliasBudget bounds how many alias expansions one file may make, so that a
// file of nested aliases cannot make checking (or decoding) explode.
const aliasBudget = 10000

// oneLineOrMapping is a type that decodes from a line of text or from a
// mapping of its fields.
type oneLineOrMapping interface {
	encoding.TextUnmarshaler
	UnmarshalYAML(func(any) error) error
}

// checker walks a parsed scenario file alongside the Go type it decodes
// into, before it is decoded. It reports every unknown key (with a
// suggestion), every node of the wrong shape and every scalar that will not
// convert, with its position; durations, rates and thresholds included,
// which goccy/go-yaml reports without one. It also records the position of
// every node, for the problems semantic validation finds later.
type checker struct {
	file    string
	at      positions
	anchors map[string]ast.Node
	active  map[string]bool
	aliases int
	out     Problems
}

// newChecker returns a checker for the file named file.
func newChecker(file string) *checker {
	return &checker{
		file:    file,
		at:      positions{},
		anchors: map[string]ast.Node{},
		active:  map[string]bool{},
	}
}

// add reports a problem at node n.
func (c *checker) add(n ast.Node, format string, args ...any) {
	pos := nodePos(n)
	c.out = append(c.out, Problem{File: c.file, Line: pos.line, Col: pos.col, Message: fmt.Sprintf(format, args...)})
}

// value checks node n, found at p, against Go type t.
func (c *checker) value(p fieldPath, t reflect.Type, n ast.Node) {
	switch v := n.(type) {
	case nil:
		return
	case *ast.AnchorNode:
		name := v.Name.GetToken().Value
		c.anchors[name] = v.Value
		c.active[name] = true
		c.value(p, t, v.Value)
		delete(c.active, name)
		return
	case *ast.AliasNode:
		if target, ok := c.alias(v); ok {
			c.value(p, t, target)
		}
		return
	case *ast.TagNode:
		c.value(p, t, v.Value)
		return
	}
	if n.Type() == ast.NullType {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[time.Duration]():
		c.duration(p, n)
	case t.Kind() == reflect.Struct && n.Type() == ast.MappingType && reflect.PointerTo(t).Implements(reflect.TypeFor[oneLineOrMapping]()):
		// A struct that reads from one line of text or from a mapping (a
		// request: "METHOD /path", or method, path, headers, body) is
		// checked as a mapping when written as one.
		c.structure(p, t, n)
	case reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]()):
		c.text(p, t, n)
	case t.Kind() == reflect.Struct:
		c.structure(p, t, n)
	case t.Kind() == reflect.Map:
		c.mapping(p, t, n)
	case t.Kind() == reflect.Slice:
		c.sequence(p, t, n)
	default:
		c.scalar(p, t, n)
	}
}

// alias resolves an alias to its anchored node; false for an unknown
// anchor, an alias inside its own anchor, or once the alias budget is spent.
func (c *checker) alias(a *ast.AliasNode) (ast.Node, bool) {
	name := a.Value.GetToken().Value
	if c.active[name] {
		c.add(a, "*%s is inside the anchor &%s it refers to; an alias cannot repeat what contains it", name, name)
		return nil, false
	}
	target, ok := c.anchors[name]
	if !ok {
		return nil, false
	}
	c.aliases++
	if c.aliases == aliasBudget+1 {
		c.add(a, "the file expands more than %d aliases; write the repeated parts out or use fewer aliases", aliasBudget)
	}
	if c.aliases > aliasBudget {
		return nil, false
	}
	return target, true
}

// resolve follows anchors, aliases and tags down to the node they stand for.
func (c *checker) resolve(n ast.Node) ast.Node {
	for range 64 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			c.anchors[v.Name.GetToken().Value] = v.Value
			n = v.Value
		case *ast.AliasNode:
			target, ok := c.alias(v)
			if !ok {
				return nil
			}
			n = target
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return nil
}

// entries returns the key/value pairs of a mapping node, those it merges
// in with "<<" included (its own keys win), and false if n is no mapping.
// goccy/go-yaml lets whichever comes last win, so a key written before a
// "<<" that also sets it is reported.
func (c *checker) entries(n ast.Node, depth int) ([]*ast.MappingValueNode, bool) {
	var own []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		own = v.Values
	case *ast.MappingValueNode:
		own = []*ast.MappingValueNode{v}
	default:
		return nil, false
	}
	var out, merged []*ast.MappingValueNode
	seen := map[string]*ast.MappingValueNode{}
	for _, e := range own {
		if e.Key.IsMergeKey() {
			for _, m := range c.merged(e.Value, depth) {
				key, _ := scalarText(m.Key)
				if earlier := seen[key]; earlier != nil {
					c.add(earlier.Key, "%q comes before the << merge that also sets it, so the merged value would win; move << to the top of the mapping", key)
				}
				merged = append(merged, m)
			}
			continue
		}
		key, _ := scalarText(e.Key)
		seen[key] = e
		out = append(out, e)
	}
	for _, e := range merged {
		key, _ := scalarText(e.Key)
		if seen[key] == nil {
			seen[key] = e
			out = append(out, e)
		}
	}
	return out, true
}

// merged returns the entries a "<<" merge key brings in: one mapping, or a
// list of them.
func (c *checker) merged(n ast.Node, depth int) []*ast.MappingValueNode {
	if depth > 8 {
		return nil
	}
	n = c.resolve(n)
	if seq, ok := n.(*ast.SequenceNode); ok {
		var out []*ast.MappingValueNode
		for _, item := range seq.Values {
			out = append(out, c.merged(item, depth+1)...)
		}
		return out
	}
	if n == nil {
		return nil
	}
	out, ok := c.entries(n, depth+1)
	if !ok {
		c.add(n, "<< merges a mapping into this one, got %s; point it at an anchored mapping such as *defaults", describe(n))
	}
	return out
}
