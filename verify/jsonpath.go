package verify

import (
	"errors"
	"fmt"

	"github.com/faultdrill/faultdrill/httpapi"
)

// parseJSONPath checks a dotted JSON path (see httpapi.ParsePath).
func parseJSONPath(p string) (httpapi.Path, error) {
	path, err := httpapi.ParsePath(p)
	if err != nil {
		return path, fmt.Errorf("verify: %w: %w", ErrInvalidSpec, err)
	}
	return path, nil
}

// selectJSON returns the value at path in the JSON document body, as
// text (see httpapi.Text). A missing key or index wraps ErrNoValue; a
// body that is not JSON wraps ErrBadResponse.
func selectJSON(body []byte, path string) (string, error) {
	p, err := parseJSONPath(path)
	if err != nil {
		return "", err
	}
	v, err := p.Select(body)
	switch {
	case errors.Is(err, httpapi.ErrNoValue):
		return "", fmt.Errorf("verify: %w: %w", ErrNoValue, err)
	case err != nil:
		return "", fmt.Errorf("verify: %w: %w", ErrBadResponse, err)
	}
	return v, nil
}
