package history

import (
	"strconv"
	"strings"
)

// dialect is what differs between the SQL of SQLite and PostgreSQL. Every
// query is written once with ? placeholders and rebound per dialect.
type dialect struct {
	name string
	// dollar numbers placeholders $1, $2… instead of ?.
	dollar bool
}

var (
	sqlite   = dialect{name: "sqlite"}
	postgres = dialect{name: "postgres", dollar: true}
)

// rebind rewrites the ? placeholders of q for the dialect. Queries of
// this package hold no ? in string literals.
func (d dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
