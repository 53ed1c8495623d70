package rollback

import (
	"errors"
	"fmt"

	"github.com/faultdrill/faultdrill/httpapi"
)

// errNoField means a JSON body lacks the field a probe compares.
var errNoField = errors.New("no such field")

// jsonField returns the value at a JSON path of a JSON document
// ("status", "checks.0.state", "$.items[0].state"): a string as is, any
// other value as its compact JSON text.
func jsonField(body []byte, path string) (string, error) {
	v, err := httpapi.SelectJSON(body, path)
	switch {
	case errors.Is(err, httpapi.ErrNoValue):
		return "", fmt.Errorf("%s: %w", path, errNoField)
	case errors.Is(err, httpapi.ErrNotJSON):
		return "", fmt.Errorf("body is %w", err)
	}
	return v, err
}
