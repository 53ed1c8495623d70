package drill

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/runbook"
)

// Rehearsal says who answers the manual steps of a scenario's Markdown
// runbook. With neither Answers nor Auto, a Prompt asks on the terminal;
// without a Prompt either, manual steps take their expected time.
type Rehearsal struct {
	// Answers answer manual steps by number (--answers FILE); a step it
	// does not answer takes its expected time.
	Answers runbook.Answers
	// Auto lets every manual step take its expected time (--auto).
	Auto bool
	// People names who holds each role ("recovery lead" → "Ana"), for
	// the report's who of the steps of that role (--as).
	People map[string]string
}

// Rehearsal modes, recorded in the report.
const (
	modeTerminal = "terminal"
	modeAnswers  = "answers"
	modeAuto     = "auto"
)

// rehearse walks the scenario's runbook once the trigger fired and the
// rollback owner approved: automated steps run for real, manual steps are
// answered. The walk is recorded in the report's Rehearsal, which fails
// the drill when a step failed or the steps do not fit in the RTO.
func (r *run) rehearse(ctx context.Context, f rollback.Firing) {
	rb, err := runbook.Load(r.sc.RunbookPath())
	if err != nil {
		r.report.Rehearsal = &reports.Rehearsal{Runbook: r.sc.Rollback.Runbook, Failure: err.Error()}
		r.journal.Add("rollback.failed", err.Error(), nil)
		return
	}
	var plan []rollback.ActionSpec
	for _, st := range rb.Steps {
		if st.Action != nil {
			plan = append(plan, *st.Action)
		}
	}
	fired := r.journal.Now()
	if r.report.Phases.TriggerFired != nil {
		fired = *r.report.Phases.TriggerFired
	}
	if !r.startRollback(ctx, f, plan) {
		return
	}

	start := r.journal.Now()
	decision := start - fired
	h := &reports.Rehearsal{Runbook: r.sc.Rollback.Runbook, SHA256: rb.SHA256, Title: rb.Title, Mode: r.rehearsalMode(),
		Expected: rb.TotalExpected(), RTO: r.sc.Objectives.RTO, Decision: &decision}
	h.Revision, h.Modified = gitRevision(ctx, r.sc.RunbookPath())
	r.report.Rehearsal = h
	r.report.Phases.RollbackStart = &start
	r.journal.Add("rollback.start", fmt.Sprintf("runbook %s: %d step(s), manual ones answered by %s, faults active: %v",
		r.sc.Rollback.Runbook, len(rb.Steps), h.Mode, r.activeFaults()), map[string]any{"runbook": r.sc.Rollback.Runbook, "sha256": rb.SHA256})

	w := &walker{r: r, h: h, total: len(rb.Steps)}
	if h.Mode == modeTerminal {
		r.progress.Pause()
		defer r.progress.Resume()
		w.in = bufio.NewReader(r.opts.Prompt.In)
	}
	for _, st := range rb.Steps {
		rs := reports.RehearsalStep{Number: st.Number, Line: st.Line, Section: st.Section, Title: st.Title,
			Kind: string(st.Kind), Role: st.Role, Expect: st.Expect, Outcome: string(rollback.StepNotRun)}
		if h.Failure == "" && ctx.Err() == nil {
			w.step(ctx, st, &rs)
		}
		h.Steps = append(h.Steps, rs)
	}
	end := r.journal.Now()
	switch {
	case h.Failure != "":
	case ctx.Err() != nil:
		h.Failure = "interrupted before the last step"
	case h.RTO > 0 && h.Expected > h.RTO:
		h.Failure = fmt.Sprintf("the steps are expected to take %s in all, over the RTO of %s", h.Expected, h.RTO)
	case h.RTO > 0 && h.Took > h.RTO:
		h.Failure = fmt.Sprintf("the steps took %s in all (people's time included), over the RTO of %s", h.Took.Round(time.Millisecond), h.RTO)
	}
	if h.Failure != "" {
		r.journal.Add("rollback.failed", "runbook: "+h.Failure, nil)
	}
	// A rollback that did not get through its steps did not end: recovery
	// is then looked for from the fault onset, as for a failed plan.
	for _, st := range h.Steps {
		if ctx.Err() != nil || rollback.StepStatus(st.Outcome).Failed() || st.Outcome == string(rollback.StepNotRun) {
			return
		}
	}
	r.report.Phases.RollbackEnd = &end
	r.journal.Add("rollback.end", fmt.Sprintf("runbook walked in %s (%s of it simulated people's time)",
		(end-start).Round(time.Millisecond), w.simulated), nil)
}

// rehearsalMode says who answers manual steps in this run.
func (r *run) rehearsalMode() string {
	switch rh := r.opts.Rehearsal; {
	case rh != nil && rh.Answers != nil:
		return modeAnswers
	case rh != nil && rh.Auto, r.opts.Prompt == nil:
		return modeAuto
	}
	return modeTerminal
}

// walker walks the steps of one runbook. simulated is the people's time
// answered rather than lived so far: the rehearsal's clock is the drill's
// plus simulated.
type walker struct {
	r         *run
	h         *reports.Rehearsal
	in        *bufio.Reader
	total     int
	simulated time.Duration
}

func (w *walker) clock() time.Duration { return w.r.journal.Now() + w.simulated }

// step runs or asks one step and records it in rs; a failed step sets the
// rehearsal's Failure, which stops the walk.
func (w *walker) step(ctx context.Context, st runbook.Step, rs *reports.RehearsalStep) {
	r := w.r
	rs.Start = w.clock()
	r.journal.Add("runbook.step", fmt.Sprintf("%s (%s, %s)", st.Label(), st.Kind, orNone(st.Role)),
		map[string]any{"step": st.Number, "line": st.Line, "role": st.Role})
	if st.Automated() {
		w.automated(ctx, st, rs)
	} else {
		w.manual(ctx, st, rs)
	}
	rs.Duration = rs.End - rs.Start
	w.h.Took += rs.Duration
	r.journal.Add("runbook.step.end", fmt.Sprintf("step %d %s in %s%s", st.Number, rs.Outcome, rs.Duration.Round(time.Millisecond), errSuffix(rs.Note)),
		map[string]any{"step": st.Number, "outcome": rs.Outcome, "duration": rs.Duration, "simulated": rs.Simulated})
}

// automated runs the step's action for real.
func (w *walker) automated(ctx context.Context, st runbook.Step, rs *reports.RehearsalStep) {
	rs.Who = "faultdrill"
	a, err := w.r.expandAction(*st.Action)
	if err == nil {
		var results []rollback.ActionResult
		results, err = rollback.Execute(ctx, []rollback.ActionSpec{a}, releases{w.r}, w.r.journal.Now)
		w.r.report.Actions = append(w.r.report.Actions, results...)
		if err == nil && len(results) == 1 {
			rs.Note = lastLine(results[0].Output)
		}
	}
	rs.End = w.clock()
	rs.Outcome = string(rollback.StatusOf(err))
	if err != nil {
		rs.Note = err.Error()
		w.h.Failure = fmt.Sprintf("%s failed: %v", st.Label(), err)
	}
}

// manual asks the step, or takes its answer or its expected time.
func (w *walker) manual(ctx context.Context, st runbook.Step, rs *reports.RehearsalStep) {
	ans, lived := w.answer(ctx, st)
	if ctx.Err() != nil {
		rs.Outcome, rs.End = string(rollback.StepNotRun), w.clock()
		return
	}
	rs.Who, rs.Note = ans.Who, ans.Note
	if lived {
		rs.End = w.clock()
	} else {
		rs.Simulated = true
		w.simulated += ans.Took
		rs.End = rs.Start + ans.Took
	}
	switch ans.Outcome {
	case runbook.Failed:
		rs.Outcome = string(rollback.StepFailed)
		w.h.Failure = fmt.Sprintf("%s was answered failed%s", st.Label(), errSuffix(ans.Note))
	case runbook.Skipped:
		rs.Outcome = string(rollback.StepSkipped)
	default:
		rs.Outcome = string(rollback.StepDone)
	}
}

// answer is the answer to a manual step; lived is set when a person
// answered it on the terminal, so that its duration is real.
func (w *walker) answer(ctx context.Context, st runbook.Step) (runbook.Answer, bool) {
	auto := runbook.Answer{Step: st.Number, Outcome: runbook.Done, Took: st.Expect, Who: w.holder(st.Role, orNone(st.Role))}
	switch w.h.Mode {
	case modeAnswers:
		a, ok := w.r.opts.Rehearsal.Answers[st.Number]
		if !ok {
			auto.Note = "no answer in the answers file: took its expected time"
			return auto, false
		}
		if a.Took == 0 && a.Outcome != runbook.Skipped {
			a.Took = st.Expect
		}
		if a.Who == "" {
			a.Who = auto.Who
		}
		return a, false
	case modeAuto:
		auto.Note = "--auto: took its expected time"
		return auto, false
	}
	return w.ask(ctx, st), true
}

// ask shows the step on the terminal and reads "d", "f" or "s", with an
// optional note after it.
func (w *walker) ask(ctx context.Context, st runbook.Step) runbook.Answer {
	p := w.r.opts.Prompt
	elapsed := w.clock() - *w.r.report.Phases.RollbackStart
	rto := "no RTO"
	if w.h.RTO > 0 {
		rto = "RTO " + w.h.RTO.String()
	}
	fmt.Fprintf(p.Out, "\nstep %d/%d (line %d) [%s, expect %s] — rollback clock %s of %s\n  %s\n",
		st.Number, w.total, st.Line, orNone(st.Role), st.Expect, elapsed.Round(time.Second), rto, st.Title)
	who := p.Approver
	if who == "" {
		if u, err := user.Current(); err == nil {
			who = u.Username
		}
	}
	who = w.holder(st.Role, who)
	for {
		fmt.Fprint(p.Out, "  done (d), failed (f) or skip (s), then an optional note: ")
		line, err := readLine(ctx, w.in)
		if err != nil {
			note := "no answer: " + err.Error()
			if errors.Is(err, io.EOF) {
				note = "no answer: the input closed (without a person at a terminal, rehearse with --answers FILE or --auto)"
			}
			return runbook.Answer{Outcome: runbook.Failed, Note: note, Who: who}
		}
		verb, note, _ := strings.Cut(strings.TrimSpace(line), " ")
		a := runbook.Answer{Step: st.Number, Note: strings.TrimSpace(note), Who: who}
		switch strings.ToLower(verb) {
		case "d", "done", "y", "yes":
			a.Outcome = runbook.Done
		case "f", "failed", "fail":
			a.Outcome = runbook.Failed
		case "s", "skip":
			a.Outcome = runbook.Skipped
		default:
			continue
		}
		return a
	}
}

// readLine reads one line, giving up when ctx ends.
func readLine(ctx context.Context, in *bufio.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		line, err := in.ReadString('\n')
		if err == io.EOF && line != "" {
			err = nil
		}
		got <- result{line, err}
	}()
	select {
	case res := <-got:
		return res.line, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// holder is who --as names for the role, or else fallback.
func (w *walker) holder(role, fallback string) string {
	if rh := w.r.opts.Rehearsal; rh != nil && rh.People[role] != "" {
		return rh.People[role]
	}
	return fallback
}

// gitRevision is the last commit that changed the file, and whether the
// file differs from it; "" outside a git checkout (or without git).
func gitRevision(ctx context.Context, path string) (string, bool) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	dir, file := filepath.Split(path)
	git := func(args ...string) (string, error) {
		out, err := exec.CommandContext(ctx, "git", append([]string{"-C", cmp.Or(dir, ".")}, args...)...).Output()
		return strings.TrimSpace(string(out)), err
	}
	rev, err := git("log", "-1", "--format=%H", "--", file)
	if err != nil || rev == "" {
		return "", false
	}
	status, err := git("status", "--porcelain", "--", file)
	return rev, err == nil && status != ""
}

func orNone(s string) string {
	if s == "" {
		return "no role"
	}
	return s
}

// lastLine is the last non-empty line of an output, cut to 200 bytes.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if len(last) > 200 {
		last = last[:200]
	}
	return last
}
