package verify

import "errors"

// Sentinel errors of the verify package; match them with errors.Is.
var (
	// ErrInvalidSpec reports a verifier setting that cannot work: a bad
	// request template, limit, JSON path or SQL driver.
	ErrInvalidSpec = errors.New("invalid verify spec")
	// ErrBadResponse reports an answer of the system under test that a
	// verifier cannot use: a non-2xx status or a body that does not parse.
	ErrBadResponse = errors.New("unusable response")
	// ErrNoValue reports a probe that found nothing: no value at the JSON
	// path, or no row from the query.
	ErrNoValue = errors.New("no value")
)
