package rollback

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/user"
	"strings"
	"time"
)

// maxAnswerTries bounds how often an unclear answer is asked again.
const maxAnswerTries = 3

// TerminalApprover asks a person on a terminal: it prints the request and
// reads "y"/"yes" or "n"/"no", then a one-line rationale.
type TerminalApprover struct {
	In  io.Reader
	Out io.Writer
	// Role is recorded when the request names none.
	Role string
	// By names who answers; empty means the current OS user.
	By string
	// Clock gives the drill's offsets; nil records zeros.
	Clock func() time.Duration
}

// Approve implements Approver. It returns ErrNoDecision, with a
// not-approved Approval, when ctx ends (a timeout) or the input closes
// before a yes or no, or after maxAnswerTries unclear answers. Once a
// decision is typed it stands, even if the rationale never comes. A read
// of In still blocked when Approve returns ends at the next line or EOF.
func (t TerminalApprover) Approve(ctx context.Context, req Request) (Approval, error) {
	a := Approval{By: t.who(), Role: req.Role, Requested: offset(t.Clock)}
	if a.Role == "" {
		a.Role = t.Role
	}
	lines := readLines(t.In)
	defer lines.stop()
	t.printRequest(req, a.Role)
	approved, err := t.decide(ctx, lines)
	a.Decided = offset(t.Clock)
	if err != nil {
		a.Rationale = "no decision: " + err.Error()
		return a, fmt.Errorf("rollback: approval: %w: %w", ErrNoDecision, err)
	}
	a.Approved = approved
	fmt.Fprint(t.Out, "Rationale (one line): ")
	if line, err := lines.next(ctx); err == nil {
		a.Rationale = line
	}
	return a, nil
}

// decide reads answers until one is a yes or a no.
func (t TerminalApprover) decide(ctx context.Context, lines *lineReader) (bool, error) {
	fmt.Fprint(t.Out, "Roll back now? [y/n]: ")
	for range maxAnswerTries {
		line, err := lines.next(ctx)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(line) {
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		fmt.Fprintf(t.Out, "Please answer y or n, not %q: ", line)
	}
	return false, fmt.Errorf("%d unclear answers", maxAnswerTries)
}

// printRequest shows what is to be approved.
func (t TerminalApprover) printRequest(req Request, role string) {
	w := t.Out
	fmt.Fprintln(w)
	if role != "" {
		fmt.Fprintf(w, "Rollback approval needed from the %s.\n", role)
	} else {
		fmt.Fprintln(w, "Rollback approval needed.")
	}
	fmt.Fprintf(w, "  trigger  %s (breached at t+%s, fired at t+%s)\n", req.Trigger.Trigger,
		req.Trigger.FirstBreach.Round(time.Millisecond), req.Trigger.At.Round(time.Millisecond))
	if req.Trigger.Detail != "" {
		fmt.Fprintf(w, "  seen     %s\n", req.Trigger.Detail)
	}
	for i, a := range req.Plan {
		fmt.Fprintf(w, "  step %d   %s\n", i+1, describeAction(a))
	}
}

// who returns the name recorded as the approver.
func (t TerminalApprover) who() string {
	if t.By != "" {
		return t.By
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// describeAction writes an action in a few words, for people.
func describeAction(a ActionSpec) string {
	s := string(a.Action)
	if a.Name != "" {
		s = a.Name + " (" + s + ")"
	}
	switch {
	case a.Service != "":
		s += " " + a.Service
	case len(a.Command) > 0:
		s += " " + strings.Join(a.Command, " ")
	case a.URL != "":
		s += " " + a.URL
	}
	return s
}

// lineReader reads lines from an io.Reader in its own goroutine, one at a
// time and only when asked, so a caller can stop waiting when its context
// ends without the reader consuming input nobody asked for.
type lineReader struct {
	want  chan struct{}
	lines chan lineResult
	done  chan struct{}
}

type lineResult struct {
	line string
	err  error
}

func readLines(r io.Reader) *lineReader {
	l := &lineReader{want: make(chan struct{}), lines: make(chan lineResult, 1), done: make(chan struct{})}
	go func() {
		br := bufio.NewReader(r)
		for {
			select {
			case <-l.done:
				return
			case <-l.want:
			}
			line, err := br.ReadString('\n')
			if err != nil && line != "" && errors.Is(err, io.EOF) {
				err = nil // a last line without a newline
			}
			l.lines <- lineResult{strings.TrimSpace(line), err}
			if err != nil {
				return
			}
		}
	}()
	return l
}

// next returns the next line, trimmed, or the reader's error (io.EOF at
// the end) or ctx's.
func (l *lineReader) next(ctx context.Context) (string, error) {
	select {
	case l.want <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	select {
	case r := <-l.lines:
		return r.line, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// stop ends the goroutine once its current read, if any, returns.
func (l *lineReader) stop() { close(l.done) }
