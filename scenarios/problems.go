package scenarios

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalid is matched, through errors.Is, by the Problems that Load and
// Parse return for a scenario that is malformed or fails validation.
var ErrInvalid = errors.New("scenarios: invalid scenario")

// Problem is one thing wrong with a scenario file, at the line and column
// (both counted from 1) of the node it concerns.
type Problem struct {
	File    string
	Line    int
	Col     int
	Message string
}

// Error formats the problem as "file:line:col: message".
func (p Problem) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Message)
}

// Problems is the error Load and Parse return for invalid input: every
// problem found in the file, in the order they appear in it.
type Problems []Problem

// Error returns one "file:line:col: message" line per problem.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Is reports whether target is ErrInvalid, so callers can tell a bad
// scenario from a file that could not be read.
func (ps Problems) Is(target error) bool { return target == ErrInvalid }

// sorted orders problems by position, then message, for stable output, and
// drops repeats (a mapping merged in twice shows its problems once).
func (ps Problems) sorted() Problems {
	slices.SortFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col), strings.Compare(a.Message, b.Message))
	})
	return slices.Compact(ps)
}

// err returns ps as an error, or nil when there are none.
func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps.sorted()
}
