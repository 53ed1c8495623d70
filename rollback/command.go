package rollback

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"time"
)

// ErrCommandFailed means a command exited with a status other than 0.
var ErrCommandFailed = errors.New("command failed")

// outputLimit is how much of an output an ActionResult keeps: the end,
// where errors are.
const outputLimit = 16 << 10

// commandWaitDelay bounds how long a killed command's pipes may stay open
// (held by a child that escaped its process group).
const commandWaitDelay = 2 * time.Second

// command runs the action's command with retries, keeping the output of
// the last attempt.
func (ex *executor) command(ctx context.Context, a ActionSpec, res *ActionResult) error {
	if len(a.Command) == 0 || a.Command[0] == "" {
		return fmt.Errorf("%w: %s needs a command", ErrBadSpec, a.Action)
	}
	return ex.attempts(ctx, a, res, func(ctx context.Context, at *Attempt) error {
		out, code, err := runCommand(ctx, a)
		res.Output, at.ExitCode = out, code
		return err
	})
}

// runCommand runs the argv in its own process group, killed whole when
// ctx ends, and returns its combined output (the last outputLimit bytes)
// and its exit code (nil when it did not exit by itself).
func runCommand(ctx context.Context, a ActionSpec) (string, *int, error) {
	cmd := exec.CommandContext(ctx, a.Command[0], a.Command[1:]...)
	cmd.Dir = a.Dir
	cmd.Env = os.Environ()
	for _, k := range slices.Sorted(maps.Keys(a.Env)) {
		cmd.Env = append(cmd.Env, k+"="+a.Env[k])
	}
	var out tailBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	ownProcessGroup(cmd)
	cmd.WaitDelay = commandWaitDelay
	err := cmd.Run()
	var code *int
	if st := cmd.ProcessState; st != nil && st.Exited() {
		c := st.ExitCode()
		code = &c
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return out.String(), code, nil
	case errors.As(err, &exitErr) && code != nil:
		return out.String(), code, fmt.Errorf("%w: %s exited with status %d", ErrCommandFailed, a.Command[0], *code)
	}
	return out.String(), code, fmt.Errorf("run %s: %w", a.Command[0], err)
}

// tailBuffer keeps the last outputLimit bytes written to it.
type tailBuffer struct {
	buf       []byte
	truncated bool
}

// Write implements io.Writer.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - outputLimit; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.truncated = true
	}
	return len(p), nil
}

// String returns what was kept, marked when the start was cut.
func (t *tailBuffer) String() string {
	if t.truncated {
		return "[…]" + string(t.buf)
	}
	return string(t.buf)
}
