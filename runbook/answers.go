package runbook

import (
	"fmt"
	"os"
	"time"

	"github.com/goccy/go-yaml"
)

// Outcome is how a person says a manual step ended.
type Outcome string

// Outcomes of a step.
const (
	Done    Outcome = "done"
	Failed  Outcome = "failed"
	Skipped Outcome = "skip"
)

// Answer is the recorded answer to one manual step, for a rehearsal
// without a person at the terminal.
type Answer struct {
	// Step is the number of the step answered, from 1.
	Step int `yaml:"step"`
	// Outcome is done, failed or skip.
	Outcome Outcome `yaml:"outcome"`
	// Took is the simulated time the step took; 0 means its expected time.
	Took time.Duration `yaml:"took,omitempty"`
	// Note is what the person wrote down.
	Note string `yaml:"note,omitempty"`
	// Who is the person who carried the step out.
	Who string `yaml:"who,omitempty"`
}

// answersFile is the shape of an --answers file.
type answersFile struct {
	Answers []Answer `yaml:"answers"`
}

// Answers are the answers of an --answers file, by step number.
type Answers map[int]Answer

// LoadAnswers reads an --answers file:
//
//	answers:
//	  - {step: 1, outcome: done, took: 45s, note: posted in #incidents}
//
// and checks it against the runbook: every answer names a manual step of
// it, once, with a known outcome. Problems are given at the file's lines.
func LoadAnswers(path string, rb *Runbook) (Answers, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("runbook: answers: %w", err)
	}
	var f answersFile
	if err := yaml.UnmarshalWithOptions(src, &f, yaml.DisallowUnknownField(), yaml.Strict()); err != nil {
		line, msg := yamlError(err)
		return nil, Problems{{File: path, Line: line, Message: msg + " (an answers file is answers: [{step, outcome, took, note, who}])"}}
	}
	steps := map[int]Step{}
	for _, s := range rb.Steps {
		steps[s.Number] = s
	}
	out := Answers{}
	var problems Problems
	lines := answerLines(src)
	for i, a := range f.Answers {
		line := 1
		if i < len(lines) {
			line = lines[i]
		}
		bad := func(format string, args ...any) {
			problems = append(problems, Problem{File: path, Line: line, Message: fmt.Sprintf(format, args...)})
		}
		st, ok := steps[a.Step]
		switch {
		case !ok:
			bad("step %d is not a step of %s (it has %d)", a.Step, rb.Path, len(rb.Steps))
		case st.Automated():
			bad("%s runs by itself (%s); answer only manual steps", st.Label(), st.Kind)
		case a.Outcome != Done && a.Outcome != Failed && a.Outcome != Skipped:
			bad("outcome %q: use done, failed or skip", a.Outcome)
		case a.Took < 0:
			bad("took %s is negative; give how long the step took, such as 45s", a.Took)
		case out[a.Step] != (Answer{}):
			bad("step %d is answered twice; keep one answer", a.Step)
		default:
			out[a.Step] = a
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return out, nil
}

// answerLines finds the line of each item of the answers list: the lines
// whose first non-blank character is "- ", in order. It is a good enough
// guide for messages about a flat list.
func answerLines(src []byte) []int {
	var out []int
	line := 1
	start := true
	for i := 0; i < len(src); i++ {
		switch {
		case src[i] == '\n':
			line++
			start = true
		case start && (src[i] == ' ' || src[i] == '\t'):
		case start && src[i] == '-' && i+1 < len(src) && (src[i+1] == ' ' || src[i+1] == '{'):
			out = append(out, line)
			start = false
		default:
			start = false
		}
	}
	return out
}
