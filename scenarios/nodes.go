package scenarios

import (
	"strconv"

	"github.com/goccy/go-yaml/ast"
)

// nodePos is where a problem about node n is reported: its first key for a
// block mapping, its own token otherwise.
func nodePos(n ast.Node) position {
	switch v := n.(type) {
	case *ast.MappingNode:
		if len(v.Values) > 0 && !v.IsFlowStyle {
			return nodePos(v.Values[0])
		}
	case *ast.MappingValueNode:
		return nodePos(v.Key)
	case *ast.TagNode:
		return nodePos(v.Value)
	}
	if n == nil {
		return position{line: 1, col: 1}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return position{line: 1, col: 1}
	}
	return position{line: tk.Position.Line, col: tk.Position.Column}
}

// entryPos is where a problem about the value of mapping entry e is
// reported: at a scalar value itself, at the key for anything else.
func entryPos(e *ast.MappingValueNode) position {
	if _, ok := scalarText(e.Value); ok && e.Value.Type() != ast.NullType {
		return nodePos(e.Value)
	}
	if e.Value != nil && e.Value.Type() == ast.AliasType {
		return nodePos(e.Value)
	}
	return nodePos(e.Key)
}

// scalarText returns the text of a scalar node as written (numbers keep
// their spelling: 0.05 stays "0.05"), and false for collections.
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.TagNode:
		if v.Value == nil {
			return "", true
		}
		return scalarText(v.Value)
	case *ast.NullNode:
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := n.GetToken(); tk != nil {
			return tk.Value, true
		}
		return "", true
	case *ast.MappingKeyNode:
		return scalarText(v.Value)
	case *ast.MergeKeyNode:
		return "<<", true
	}
	return "", false
}

// describe names what a node is, for "want X, got Y" messages.
func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		text, _ := scalarText(n)
		return strconv.Quote(text)
	}
	if text, ok := scalarText(n); ok {
		return text
	}
	return "a " + n.Type().String()
}
