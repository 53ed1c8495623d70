package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// pathStep is one step of a JSON path: an object key, or an array index
// when key is empty.
type pathStep struct {
	key   string
	index int
}

// parseJSONPath reads a dotted JSON path: "$.balance", "balance.total",
// "$.items[0].amount", "$[2]". An empty path, or "$", selects the whole
// document.
func parseJSONPath(p string) ([]pathStep, error) {
	rest := strings.TrimSpace(p)
	rest = strings.TrimPrefix(rest, "$")
	rest = strings.TrimPrefix(rest, ".")
	var steps []pathStep
	for rest != "" {
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			end = len(rest)
		}
		if key := rest[:end]; key != "" {
			steps = append(steps, pathStep{key: key})
		} else if rest[0] == '.' {
			return nil, fmt.Errorf("verify: JSON path %q: %w: empty key", p, ErrInvalidSpec)
		}
		rest = rest[end:]
		for strings.HasPrefix(rest, "[") {
			closing := strings.IndexByte(rest, ']')
			if closing < 0 {
				return nil, fmt.Errorf("verify: JSON path %q: %w: unclosed [", p, ErrInvalidSpec)
			}
			n, err := strconv.Atoi(rest[1:closing])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("verify: JSON path %q: %w: %q is not an array index", p, ErrInvalidSpec, rest[1:closing])
			}
			steps = append(steps, pathStep{index: n})
			rest = rest[closing+1:]
		}
		if strings.HasPrefix(rest, ".") {
			rest = rest[1:]
			if rest == "" {
				return nil, fmt.Errorf("verify: JSON path %q: %w: ends with a dot", p, ErrInvalidSpec)
			}
		} else if rest != "" && rest[0] != '[' {
			return nil, fmt.Errorf("verify: JSON path %q: %w: unexpected %q", p, ErrInvalidSpec, rest)
		}
	}
	return steps, nil
}

// selectJSON returns the value at path in the JSON document body, as
// text: a string as it is, a number as written, true, false or null, and
// an object or array as compact JSON. A missing key or index wraps
// ErrNoValue; a body that is not JSON wraps ErrBadResponse.
func selectJSON(body []byte, path string) (string, error) {
	steps, err := parseJSONPath(path)
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("verify: %w: not JSON: %w", ErrBadResponse, err)
	}
	for _, st := range steps {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[st.key]
			if st.key == "" || !ok {
				return "", fmt.Errorf("verify: JSON path %q: %w at %s", path, ErrNoValue, describeStep(st))
			}
			v = next
		case []any:
			if st.key != "" || st.index >= len(node) {
				return "", fmt.Errorf("verify: JSON path %q: %w at %s", path, ErrNoValue, describeStep(st))
			}
			v = node[st.index]
		default:
			return "", fmt.Errorf("verify: JSON path %q: %w at %s", path, ErrNoValue, describeStep(st))
		}
	}
	return jsonText(v)
}

func describeStep(st pathStep) string {
	if st.key != "" {
		return strconv.Quote(st.key)
	}
	return "[" + strconv.Itoa(st.index) + "]"
}

// jsonText writes a decoded JSON value as text.
func jsonText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case nil:
		return "null", nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("verify: %w", err)
	}
	return string(b), nil
}
