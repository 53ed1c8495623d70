package ledger

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// MaxFlagLen is the longest feature flag name accepted.
const MaxFlagLen = 64

// Flag is one feature flag and its value, the answer to a flag write.
type Flag struct {
	Name  string `json:"name"`
	Value bool   `json:"value"`
}

// SetFlag stores a feature flag's value.
func (s *Store) SetFlag(ctx context.Context, name string, on bool) error {
	if err := checkName("flag", name, MaxFlagLen); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO flags (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, on)
	if err != nil {
		return fmt.Errorf("ledger: set flag %s: %w", name, err)
	}
	return nil
}

// Flags returns every stored feature flag.
func (s *Store) Flags(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, value FROM flags`)
	if err != nil {
		return nil, fmt.Errorf("ledger: flags: %w", err)
	}
	defer rows.Close()
	flags := map[string]bool{}
	for rows.Next() {
		var name string
		var on bool
		if err := rows.Scan(&name, &on); err != nil {
			return nil, fmt.Errorf("ledger: flags: %w", err)
		}
		flags[name] = on
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: flags: %w", err)
	}
	return flags, nil
}

// readFlagValue reads a flag body: "true" or "false", surrounding space
// ignored.
func readFlagValue(r io.Reader) (bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, 64))
	if err != nil {
		return false, fmt.Errorf("%w: body: %w", ErrInvalidEntry, err)
	}
	switch strings.TrimSpace(string(b)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%w: a flag body is true or false, not %q", ErrInvalidEntry, b)
}

// FormatFlags renders flags as the X-Flags header does: name=value pairs
// sorted by name, comma separated; "" when there is none.
func FormatFlags(flags map[string]bool) string {
	var b strings.Builder
	for i, name := range slices.Sorted(maps.Keys(flags)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strconv.FormatBool(flags[name]))
	}
	return b.String()
}
