package rollback

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/httpapi"
)

// ErrExpectation means an http action's response did not hold one of its
// assertions.
var ErrExpectation = errors.New("response assertion failed")

// Expectation is one assertion on the JSON body of an http action's
// response: the value at JSONPath equals Equals, differs from NotEquals,
// or matches the regular expression Matches. Exactly one of the three is
// set. A string value is compared as it is; any other as its compact
// JSON text (42, true, {"a":1}).
type Expectation struct {
	// JSONPath selects the value, such as "$.storage.version" or
	// "$.items[0].state".
	JSONPath string `yaml:"jsonPath" json:"jsonPath"`
	// Equals is the value the path must hold.
	Equals string `yaml:"equals,omitempty" json:"equals,omitempty"`
	// NotEquals is a value the path must not hold.
	NotEquals string `yaml:"notEquals,omitempty" json:"notEquals,omitempty"`
	// Matches is a regular expression (Go syntax) the value must match,
	// anchored only where it says so (^, $).
	Matches string `yaml:"matches,omitempty" json:"matches,omitempty"`
}

// Check returns whether the expectation is well formed: a JSON path that
// is given and parses, exactly one of equals, notEquals and matches, and a regular
// expression that compiles. Its errors wrap ErrBadSpec.
func (e Expectation) Check() error {
	if strings.TrimSpace(e.JSONPath) == "" {
		return fmt.Errorf("%w: an expectation needs a jsonPath (\"$\" for the whole body)", ErrBadSpec)
	}
	if _, err := httpapi.ParsePath(e.JSONPath); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSpec, err)
	}
	set := 0
	for _, s := range []string{e.Equals, e.NotEquals, e.Matches} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return fmt.Errorf("%w: expectation on %s needs exactly one of equals, notEquals or matches", ErrBadSpec, e.JSONPath)
	}
	if e.Matches != "" {
		if _, err := regexp.Compile(e.Matches); err != nil {
			return fmt.Errorf("%w: matches %q: %w", ErrBadSpec, e.Matches, err)
		}
	}
	return nil
}

// holds checks the expectation against a response body and returns, when
// it does not hold, one sentence that says what was found and wanted.
func (e Expectation) holds(body []byte) error {
	got, err := jsonField(body, e.JSONPath)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrExpectation, err)
	}
	switch {
	case e.Equals != "" && got != e.Equals:
		return fmt.Errorf("%w: %s is %q, want %q", ErrExpectation, e.JSONPath, got, e.Equals)
	case e.NotEquals != "" && got == e.NotEquals:
		return fmt.Errorf("%w: %s is %q, want anything else", ErrExpectation, e.JSONPath, got)
	case e.Matches != "" && !regexp.MustCompile(e.Matches).MatchString(got):
		return fmt.Errorf("%w: %s is %q, want a match of %s", ErrExpectation, e.JSONPath, got, e.Matches)
	}
	return nil
}

// UntilSpec makes an http action poll: the request is repeated every
// Interval until its status and every expectation hold, or Timeout ends.
type UntilSpec struct {
	// Interval is the pause between requests; 0 means DefaultUntilInterval.
	Interval time.Duration `yaml:"interval,omitempty" json:"interval,omitempty"`
	// Timeout bounds the polling; 0 means DefaultUntilTimeout.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
}

// Defaults of UntilSpec.
const (
	DefaultUntilInterval = 500 * time.Millisecond
	DefaultUntilTimeout  = 30 * time.Second
)

func (u UntilSpec) interval() time.Duration { return cmp0(u.Interval, DefaultUntilInterval) }
func (u UntilSpec) timeout() time.Duration  { return cmp0(u.Timeout, DefaultUntilTimeout) }

// cmp0 returns d, or def when d is not positive.
func cmp0(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// poll repeats one request until check accepts its answer or the
// action's until timeout ends; each request is bounded by the action's
// timeout. It returns the number of requests made and, on timeout, the
// last mismatch in one sentence.
func poll(ctx context.Context, a ActionSpec, once func(context.Context) error) (int, error) {
	u := *a.Until
	ctx, cancel := context.WithTimeout(ctx, u.timeout())
	defer cancel()
	per := cmp0(a.Timeout, DefaultTimeout)
	var last error
	for n := 1; ; n++ {
		rctx, rcancel := context.WithTimeout(ctx, per)
		err := once(rctx)
		rcancel()
		switch {
		case err == nil:
			return n, nil
		case final(err):
			return n, err
		case ctx.Err() == nil || last == nil:
			last = err // a request cut short by the end of the polling says less than the one before it
		}
		if werr := wait(ctx, u.interval()); werr != nil {
			if errors.Is(werr, context.DeadlineExceeded) {
				return n, fmt.Errorf("not reached within %s (%d requests), the last: %w", u.timeout(), n, last)
			}
			return n, werr
		}
	}
}
