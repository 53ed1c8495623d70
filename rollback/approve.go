package rollback

import (
	"context"
	"errors"
	"time"
)

// ErrNoDecision means an approval got no yes or no: the context ended (a
// timeout), the input closed, or the answers were not understood. The
// Approval returned with it is filled in (not approved) so it can be
// recorded.
var ErrNoDecision = errors.New("no approval decision")

// Approver decides whether a rollback may go ahead.
type Approver interface {
	// Approve asks for a decision on the request. It returns when one is
	// made or ctx ends. On error the Approval is still filled in, with
	// Approved false, for the journal.
	Approve(ctx context.Context, req Request) (Approval, error)
}

// Request is what an approver is asked: the trigger that fired, the role
// that owns the rollback, and the plan that would run.
type Request struct {
	Trigger Firing       `json:"trigger"`
	Role    string       `json:"role,omitempty"`
	Plan    []ActionSpec `json:"plan,omitempty"`
}

// Approval is a recorded decision: who decided, in which role, why, and
// when it was asked and decided, as offsets on the drill's clock.
type Approval struct {
	Approved  bool          `json:"approved"`
	By        string        `json:"by"`
	Role      string        `json:"role,omitempty"`
	Rationale string        `json:"rationale,omitempty"`
	Auto      bool          `json:"auto,omitempty"`
	Requested time.Duration `json:"requested"`
	Decided   time.Duration `json:"decided"`
}

// AutoApprover approves every request at once and records that nobody was
// asked: for --approve=auto, and for CI, where there is no terminal.
type AutoApprover struct {
	// Reason is recorded as the rationale; empty gives a default.
	Reason string
	// Clock gives the drill's offsets; nil records zeros.
	Clock func() time.Duration
}

// Approve implements Approver.
func (a AutoApprover) Approve(ctx context.Context, req Request) (Approval, error) {
	now := offset(a.Clock)
	reason := a.Reason
	if reason == "" {
		reason = "approved automatically: no one was asked (--approve=auto or no terminal)"
	}
	return Approval{Approved: true, By: "auto", Role: req.Role, Rationale: reason, Auto: true,
		Requested: now, Decided: now}, nil
}

// offset reads a clock that may be nil.
func offset(clock func() time.Duration) time.Duration {
	if clock == nil {
		return 0
	}
	return clock()
}

// Ask asks the approver under the spec's timeout (DefaultApprovalTimeout
// when it sets none) and fills in the role from the spec. Like Approve, it
// returns a filled-in Approval even with an error, for the journal; a
// timeout is an error wrapping ErrNoDecision and context.DeadlineExceeded.
func Ask(ctx context.Context, approver Approver, spec ApprovalSpec, req Request) (Approval, error) {
	timeout := spec.Timeout
	if timeout <= 0 {
		timeout = DefaultApprovalTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if req.Role == "" {
		req.Role = spec.Role
	}
	return approver.Approve(ctx, req)
}
