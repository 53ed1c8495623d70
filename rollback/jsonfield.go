package rollback

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// errNoField means a JSON body lacks the field a probe compares.
var errNoField = errors.New("no such field")

// jsonField returns the value at a dot-separated path of a JSON document:
// a string as is, any other value as its compact JSON text. A path element
// that is a number indexes an array.
func jsonField(body []byte, path string) (string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("body is not JSON: %w", err)
	}
	for _, key := range strings.Split(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[key]
			if !ok {
				return "", fmt.Errorf("%s: %w", path, errNoField)
			}
			v = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				return "", fmt.Errorf("%s: %w", path, errNoField)
			}
			v = node[i]
		default:
			return "", fmt.Errorf("%s: %w", path, errNoField)
		}
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
