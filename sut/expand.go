package sut

import (
	"maps"
	"slices"
	"strings"
)

// Expand replaces every ${name} in s with vars[name] and every $$ with a
// literal $. It is pure. A name missing from vars, an unterminated ${, an
// empty or malformed name, and a $ followed by anything else are errors
// (*ExpandError, matching ErrUnknownVar or ErrExpandSyntax). Names are made
// of letters, digits, '_', '.' and '-' (e.g. ${link.api-to-store}).
func Expand(s string, vars map[string]string) (string, error) {
	return expand(s, vars, nil)
}

// expand is Expand with names that exist but cannot be used: a name in
// unavailable fails with its error instead of ErrUnknownVar.
func expand(s string, vars map[string]string, unavailable map[string]error) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	i := 0
	for {
		j := strings.IndexByte(s[i:], '$')
		if j < 0 {
			b.WriteString(s[i:])
			return b.String(), nil
		}
		b.WriteString(s[i : i+j])
		i += j
		value, width, err := expandOne(s, i, vars, unavailable)
		if err != nil {
			return "", err
		}
		b.WriteString(value)
		i += width
	}
}

// expandOne expands the $-sequence at s[at] and returns its value and the
// number of bytes it spans.
func expandOne(s string, at int, vars map[string]string, unavailable map[string]error) (string, int, error) {
	syntax := func(hint string) error {
		return &ExpandError{Input: s, Offset: at, Err: ErrExpandSyntax, Hint: hint}
	}
	rest := s[at+1:]
	switch {
	case strings.HasPrefix(rest, "$"):
		return "$", 2, nil
	case !strings.HasPrefix(rest, "{"):
		return "", 0, syntax("write ${name} for a variable or $$ for a literal $")
	}
	end := strings.IndexByte(rest, '}')
	if end < 0 {
		return "", 0, syntax("unterminated ${: add the closing }")
	}
	name := rest[1:end]
	if !validVarName(name) {
		return "", 0, syntax("a name is letters, digits, '_', '.' or '-', as in ${port}")
	}
	if err, ok := unavailable[name]; ok {
		return "", 0, &ExpandError{Input: s, Offset: at, Name: name, Err: err}
	}
	v, ok := vars[name]
	if !ok {
		known := slices.Sorted(maps.Keys(vars))
		return "", 0, &ExpandError{Input: s, Offset: at, Name: name, Known: known, Err: ErrUnknownVar}
	}
	return v, end + 2, nil
}

func validVarName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		ok := r == '_' || r == '.' || r == '-' ||
			('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}
