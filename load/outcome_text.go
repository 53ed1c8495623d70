package load

import "fmt"

// MarshalText implements encoding.TextMarshaler, so histories and reports
// carry the outcome's name ("acknowledged") instead of a number.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it reads the names
// String returns, "unknown" included.
func (o *Outcome) UnmarshalText(text []byte) error {
	for _, c := range []Outcome{Acknowledged, Failed, Indeterminate, 0} {
		if string(text) == c.String() {
			*o = c
			return nil
		}
	}
	return fmt.Errorf("load: outcome %q: want acknowledged, failed or indeterminate", text)
}

// valid reports whether o is one of the three outcomes an Op can have.
func (o Outcome) valid() bool { return o >= Acknowledged && o <= Indeterminate }
