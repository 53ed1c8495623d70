// Package runbook reads a Markdown runbook into the steps a rehearsal
// walks: each ordered-list item, or checkbox item ("- [ ] ..."), at the
// top level under a heading is a step. A fenced sh block in a step makes
// it automated (a command action run by sh -e, with ${...} variables); a
// fenced faultdrill block holds one rollback action in YAML; any other
// step is manual, done by a person. An HTML comment in the step
// ("<!-- role: recovery lead; expect: 2m -->") or the front matter (role,
// expect) gives its role and expected duration.
package runbook

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/rollback"
)

// maxFileSize bounds a runbook file: a runbook is a few KiB of prose.
const maxFileSize = 1 << 20

// Kind says who carries a step out.
type Kind string

// Step kinds.
const (
	// Manual steps are done by a person and answered done, failed or skip.
	Manual Kind = "manual"
	// Shell steps run their sh block as a command action.
	Shell Kind = "sh"
	// ActionStep steps run the rollback action of their faultdrill block.
	ActionStep Kind = "action"
)

// Runbook is a parsed runbook.
type Runbook struct {
	// Path is the file the runbook was read from.
	Path string `json:"path"`
	// SHA256 is the hex digest of the file's bytes, to notice drift.
	SHA256 string `json:"sha256"`
	// Title is the front matter's title, or else the first heading.
	Title string `json:"title,omitempty"`
	// Steps are the steps in document order.
	Steps []Step `json:"steps"`
}

// Step is one step of a runbook.
type Step struct {
	// Number is the step's place in the runbook, from 1.
	Number int `json:"number"`
	// Line is the 1-based line of the step's list marker.
	Line int `json:"line"`
	// Section is the text of the heading the step is under.
	Section string `json:"section,omitempty"`
	// Title is the first line of the step's text.
	Title string `json:"title"`
	// Kind is manual, sh or action.
	Kind Kind `json:"kind"`
	// Role is who carries the step out, such as "recovery lead".
	Role string `json:"role,omitempty"`
	// Expect is how long the step is expected to take; 0 when unknown.
	Expect time.Duration `json:"expect,omitempty"`
	// Action is what an automated step runs; nil for a manual step.
	Action *rollback.ActionSpec `json:"action,omitempty"`
}

// Automated reports whether the step runs without a person.
func (s Step) Automated() bool { return s.Kind != Manual }

// Label names the step in messages: "step 3 (line 12) "Flip the flag off"".
func (s Step) Label() string {
	return fmt.Sprintf("step %d (line %d) %q", s.Number, s.Line, s.Title)
}

// TotalExpected is the sum of the steps' expected durations.
func (rb *Runbook) TotalExpected() time.Duration {
	var total time.Duration
	for _, s := range rb.Steps {
		total += s.Expect
	}
	return total
}

// Problem is one thing wrong with a runbook, at a line of its file.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message) }

// Problems are the problems of one runbook; as an error they match
// ErrInvalid.
type Problems []Problem

// ErrInvalid is matched by every Problems error.
var ErrInvalid = errors.New("invalid runbook")

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Is makes Problems match ErrInvalid.
func (ps Problems) Is(target error) bool { return target == ErrInvalid }

// Load reads and parses the runbook at path.
func Load(path string) (*Runbook, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("runbook: %w", err)
	}
	if info.Size() > maxFileSize {
		return nil, Problems{{File: path, Line: 1, Message: "the runbook is larger than 1 MiB; split it"}}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("runbook: %w", err)
	}
	return Parse(path, src)
}

// digest is the hex SHA-256 of src.
func digest(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])
}
