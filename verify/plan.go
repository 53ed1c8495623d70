package verify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Stage orders the checks of a plan: every assumption runs before any
// integrity check, and every integrity check before the rest.
type Stage int

// Stages, in the order they run.
const (
	// Assumptions say whether the drill can be judged at all: the load was
	// meaningful, the system started empty or from its seed.
	Assumptions Stage = iota
	// Integrity checks are the hard gate: durability, duplicates,
	// invariants, linearizability.
	Integrity
	// Others are judged by the score: health, SLO, stale reads, mixed
	// versions.
	Others
)

// String names the stage.
func (s Stage) String() string {
	switch s {
	case Assumptions:
		return "assumptions"
	case Integrity:
		return "integrity"
	case Others:
		return "others"
	}
	return "stage " + fmt.Sprint(int(s))
}

// Check is one named step of a verification plan.
type Check struct {
	// Name names the check; it should be the Name of the Result Run returns.
	Name  string
	Stage Stage
	// Needs names the checks, of an earlier stage or earlier in the list,
	// that must succeed for this one to mean anything; when one of them did
	// not, this check is Skipped with the reason.
	Needs []string
	// Run runs the check.
	Run func(ctx context.Context) Result
}

// Assume makes a check of a result the engine already has, such as "the
// load reached its rate": an assumption, run first.
func Assume(res Result) Check {
	return Check{Name: res.Name, Stage: Assumptions, Run: func(context.Context) Result { return res }}
}

// RunAll runs checks stage by stage, keeping their order within a stage,
// and returns one result per check in the order run. A check whose Needs
// did not all succeed, or that comes after ctx was canceled, is not run but
// Skipped with the reason; one that comes after ctx's deadline is a
// Timeout.
func RunAll(ctx context.Context, checks []Check) []Result {
	ordered := slices.Clone(checks)
	slices.SortStableFunc(ordered, func(a, b Check) int { return cmp.Compare(a.Stage, b.Stage) })
	done := make(map[string]Result, len(ordered))
	results := make([]Result, 0, len(ordered))
	for _, c := range ordered {
		start := time.Now()
		res := runCheck(ctx, c, done)
		res.Duration = time.Since(start)
		if res.Name == "" {
			res.Name = c.Name
		}
		done[c.Name] = res
		results = append(results, res)
	}
	return results
}

// runCheck runs c unless a need or ctx says it is moot.
func runCheck(ctx context.Context, c Check, done map[string]Result) Result {
	for _, need := range c.Needs {
		prior, ran := done[need]
		switch {
		case !ran:
			return skipped(c.Name, fmt.Sprintf("skipped: it needs %q, which is not an earlier check", need))
		case prior.Verdict != Success:
			return skipped(c.Name, fmt.Sprintf("skipped: it needs %s, which was %s: %s", need, prior.Verdict, prior.Summary))
		}
	}
	if err := ctx.Err(); errors.Is(err, context.DeadlineExceeded) {
		// Out of time is not "nothing to check": the check could not be done.
		return Result{Name: c.Name, Verdict: Timeout, Summary: "not run: the verification ran out of time before it"}
	} else if err != nil {
		return skipped(c.Name, fmt.Sprintf("skipped: the verification was stopped (%v)", err))
	}
	if c.Run == nil {
		return skipped(c.Name, "skipped: nothing to run")
	}
	return c.Run(ctx)
}

func skipped(name, why string) Result {
	return Result{Name: name, Verdict: Skipped, Summary: why}
}
