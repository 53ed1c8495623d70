package scenarios

import (
	"regexp"
	"strconv"
	"strings"
)

// plainKey matches the mapping keys a field path shows without quoting.
var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// fieldPath locates a node in a scenario as rendered segments, such as
// [".system", ".services", ".api"] for system.services.api. Every method
// returns a new path; a fieldPath is never modified in place.
type fieldPath []string

// key returns the path of the mapping entry k under p.
func (p fieldPath) key(k string) fieldPath {
	seg := "." + k
	if !plainKey.MatchString(k) {
		seg = "[" + strconv.Quote(k) + "]"
	}
	return append(p[:len(p):len(p)], seg)
}

// index returns the path of the i-th element of the sequence at p.
func (p fieldPath) index(i int) fieldPath {
	return append(p[:len(p):len(p)], "["+strconv.Itoa(i)+"]")
}

// String renders the path as written in messages: "timeline[2].inject.link".
func (p fieldPath) String() string {
	return strings.TrimPrefix(strings.Join(p, ""), ".")
}

// position is a line and column in the scenario file, both from 1.
type position struct{ line, col int }

// positions maps the rendered path of every node of a scenario file to the
// position a problem about that node is reported at.
type positions map[string]position

// record stores the position of the node at p.
func (ps positions) record(p fieldPath, pos position) { ps[p.String()] = pos }

// lookup returns the position of the node at p or, when the file does not
// have that node, of its nearest ancestor; the file start if none.
func (ps positions) lookup(p fieldPath) position {
	for i := len(p); i >= 0; i-- {
		if pos, ok := ps[p[:i].String()]; ok {
			return pos
		}
	}
	return position{line: 1, col: 1}
}
