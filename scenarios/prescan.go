package scenarios

import (
	"bytes"
	"fmt"
)

// Limits on a scenario file, checked before it is parsed: the YAML parser
// and decoder take memory and stack in proportion to nesting and node
// count, and a hostile file of a few hundred KiB could otherwise cost
// gigabytes. Real scenarios stay far below each.
const (
	// maxFileSize is the largest scenario file read, in bytes.
	maxFileSize = 256 << 10
	// maxDepth is the deepest nesting of block and flow collections.
	maxDepth = 64
	// maxNodes is the most YAML nodes (entries, keys, values) in a file.
	maxNodes = 10_000
	// maxAliases is the most *alias references in a file, so that aliases
	// of aliases cannot multiply into a huge decoded value.
	maxAliases = 100
)

// prescan walks src byte by byte, counting the nesting depth of block
// (indentation, "- ") and flow ([ ], { }) collections and the number of
// nodes, and returns the first limit src breaks, as a Problem, before any
// YAML parser sees it. It is a lexer's approximation, not a parser: it
// may count a little high or low on odd but valid YAML, never enough to
// matter at these limits.
func prescan(path string, src []byte) *Problem {
	s := scanner{path: path}
	line := 0
	for rest := src; len(rest) > 0; {
		var text []byte
		text, rest, _ = bytes.Cut(rest, []byte{'\n'})
		line++
		if p := s.line(line, bytes.TrimSuffix(text, []byte{'\r'})); p != nil {
			return p
		}
	}
	return nil
}

// scanner is prescan's state between lines.
type scanner struct {
	path string
	// blocks is the stack of indentation columns of open block collections.
	blocks []int
	// flow is how many flow collections are open.
	flow int
	// quote is the quote character of a string still open at a line end.
	quote byte
	// scalar is true inside a block scalar (| or >); scalarIndent is the
	// indentation of the line that opened it.
	scalar       bool
	scalarIndent int
	nodes        int
	aliases      int
}

func (s *scanner) problem(line, col int, format string, args ...any) *Problem {
	return &Problem{File: s.path, Line: line, Col: col, Message: fmt.Sprintf(format, args...)}
}

// line scans one line (without its newline).
func (s *scanner) line(n int, text []byte) *Problem {
	indent := 0
	for indent < len(text) && text[indent] == ' ' {
		indent++
	}
	blank := indent == len(text) || text[indent] == '#'
	if s.scalar {
		if blank || indent > s.scalarIndent {
			return nil
		}
		s.scalar = false
	}
	i := indent
	if s.quote == 0 && s.flow == 0 {
		if blank || bytes.HasPrefix(text, []byte("---")) || bytes.HasPrefix(text, []byte("...")) {
			return nil
		}
		// Each "- " or "? " opens one more level: "- - - x" nests three.
		for {
			if p := s.push(n, i); p != nil {
				return p
			}
			if i+1 < len(text) && (text[i] == '-' || text[i] == '?') && text[i+1] == ' ' {
				i += 2
				for i < len(text) && text[i] == ' ' {
					i++
				}
				continue
			}
			break
		}
	}
	return s.scan(n, text, i, indent)
}

// push records a block node starting at col, closing the deeper ones.
func (s *scanner) push(line, col int) *Problem {
	for len(s.blocks) > 0 && s.blocks[len(s.blocks)-1] > col {
		s.blocks = s.blocks[:len(s.blocks)-1]
	}
	if len(s.blocks) == 0 || s.blocks[len(s.blocks)-1] < col {
		s.blocks = append(s.blocks, col)
	}
	return s.count(line, col)
}

// count adds one node and checks both limits.
func (s *scanner) count(line, col int) *Problem {
	s.nodes++
	if s.nodes > maxNodes {
		return s.problem(line, col+1, "the file holds more than %d YAML nodes, the limit for a scenario; split it or remove what it does not need", maxNodes)
	}
	if d := len(s.blocks) + s.flow; d > maxDepth {
		return s.problem(line, col+1, "the YAML here nests deeper than %d levels, the limit for a scenario; flatten this value", maxDepth)
	}
	return nil
}

// scan reads the rest of a line from i for quotes, comments, flow
// collections, aliases and block scalars.
func (s *scanner) scan(line int, text []byte, i, indent int) *Problem {
	value := true // at the start of a value, where [ { | > mean something
	for ; i < len(text); i++ {
		c := text[i]
		if s.quote != 0 {
			switch {
			case c == '\\' && s.quote == '"':
				i++
			case c == '\'' && s.quote == '\'' && i+1 < len(text) && text[i+1] == '\'':
				i++
			case c == s.quote:
				s.quote = 0
			}
			continue
		}
		start := i == 0 || text[i-1] == ' ' || text[i-1] == '\t' || (s.flow > 0 && bytes.IndexByte([]byte("[{,:"), text[i-1]) >= 0)
		switch {
		case c == ' ' || c == '\t':
			continue
		case c == '#' && start:
			return nil
		case (c == '"' || c == '\'') && start:
			s.quote = c
		case (c == '[' || c == '{') && (s.flow > 0 || value):
			s.flow++
			if p := s.count(line, i); p != nil {
				return p
			}
			value = true
			continue
		case (c == ']' || c == '}') && s.flow > 0:
			s.flow--
		case c == ',' && s.flow > 0:
			if p := s.count(line, i); p != nil {
				return p
			}
			value = true
			continue
		case c == ':' && (i+1 == len(text) || text[i+1] == ' ' || s.flow > 0):
			value = true
			continue
		case c == '-' && value && s.flow == 0 && (i+1 == len(text) || text[i+1] == ' '):
			continue
		case (c == '|' || c == '>') && value && s.flow == 0:
			s.scalar, s.scalarIndent = true, indent
			return nil
		case (c == '&' || c == '!') && start:
			// An anchor or a tag comes before the value it names.
			for i+1 < len(text) && text[i+1] != ' ' {
				i++
			}
			continue
		case c == '*' && start:
			s.aliases++
			if s.aliases > maxAliases {
				return s.problem(line, i+1, "the file uses more than %d aliases (*name), the limit for a scenario; write the values out or use fewer anchors", maxAliases)
			}
		}
		value = false
	}
	return nil
}
