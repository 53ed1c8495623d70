// Package term makes text from a scenario or a report safe to print on a
// terminal: a name such as "\x1b]0;pwned\a" or one holding a right-to-left
// override (U+202E) would otherwise act on the terminal, or make what is
// shown differ from what is there, instead of being shown as it is.
package term

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every character a terminal acts on rather than
// shows written out as a Go escape: control characters (ESC, NUL, BEL,
// carriage return, newline, ...), invisible formatting characters (the
// right-to-left override U+202E, zero-width spaces) and bytes that are not
// UTF-8. Printable text, including non-ASCII letters, is kept as is.
func Escape(s string) string { return escape(s, false) }

// EscapeText is Escape for text of several lines: newlines and tabs are
// kept, everything else Escape writes out still is.
func EscapeText(s string) string { return escape(s, true) }

func escape(s string, text bool) string {
	if clean(s, text) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keep(r, text):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xFFFF:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += n
	}
	return b.String()
}

// keep reports whether r is shown as itself.
func keep(r rune, text bool) bool {
	if text && (r == '\n' || r == '\t') {
		return true
	}
	return r == ' ' || (r != utf8.RuneError && unicode.IsPrint(r))
}

// clean reports whether s needs no escaping, without allocating.
func clean(s string, text bool) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || !keep(r, text) {
			return false
		}
		i += n
	}
	return true
}
