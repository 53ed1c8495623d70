package cleanup

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/faultdrill/faultdrill/load"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/verify"
)

// File names in a drill folder that the rebuild of a report reads.
const (
	// JournalFileName is the drill's journal.
	JournalFileName = reports.JournalFileName
	// HistoryFileName is the load's history.
	HistoryFileName = "history.jsonl"
)

// journalLine is one line of a drill's journal, as the rebuild reads it.
type journalLine struct {
	T      time.Duration   `json:"t"`
	Kind   string          `json:"kind"`
	Msg    string          `json:"msg"`
	Fields json.RawMessage `json:"fields"`
}

// rebuildReport writes report.json and its renderings for a drill whose
// harness died before writing them: from the report it wrote as it started
// (report.start.json), its journal and its history. The status is killed;
// what the evidence can judge is judged — the steps that ended, the load,
// the linearizability of the recorded history — and the rest is not
// checked. A drill with a report.json, or without a report.start.json, is
// left as it is.
func (d *drill) rebuildReport() error {
	if _, err := os.Stat(filepath.Join(d.dir, reports.FileName)); err == nil {
		return nil
	}
	rep, err := reports.Read(filepath.Join(d.dir, reports.StartFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cleanup: %s: rebuild the report: %w", d.name, err)
	}
	lines, err := readJournal(filepath.Join(d.dir, JournalFileName))
	if err != nil {
		return fmt.Errorf("cleanup: %s: rebuild the report: %w", d.name, err)
	}
	hist, err := readHistory(filepath.Join(d.dir, HistoryFileName))
	if err != nil {
		return fmt.Errorf("cleanup: %s: rebuild the report: %w", d.name, err)
	}
	last := replayJournal(rep, lines)
	if hist != nil {
		last = max(last, summarizeHistory(rep, hist))
	}
	rep.Drill.Duration = last
	rep.Status, rep.Partial = reports.Killed, true
	rep.Error = fmt.Sprintf("its last sign of life was %s after its start (journal and history); report rebuilt by faultdrill cleanup",
		last.Round(time.Millisecond))
	rep.Verifiers = judgeFromHistory(d.dir, rep.Verifiers, hist)
	reports.Judge(rep)
	if _, err := reports.Write(d.dir, rep); err != nil {
		return fmt.Errorf("cleanup: %s: %w", d.name, err)
	}
	if _, err := reports.Render(d.dir); err != nil {
		return fmt.Errorf("cleanup: %s: %w", d.name, err)
	}
	d.sum.Rebuilt++
	d.say("rebuilt %s (status %s) from the journal, history and fault ledger", reports.FileName, rep.Status)
	return nil
}

// readJournal reads every whole line of a journal; a line cut short by
// the kill is dropped. A missing journal has no line.
func readJournal(path string) ([]journalLine, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []journalLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var l journalLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			lines = append(lines, l)
		}
	}
	return lines, sc.Err()
}

// readHistory reads the history a killed drill left; nil when the drill
// died before its load.
func readHistory(path string) (*load.History, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return load.ReadHistory(f)
}

// replayJournal fills the phases, steps and faults of rep from the
// journal, and returns the offset of its last line.
func replayJournal(rep *reports.Report, lines []journalLine) time.Duration {
	var last time.Duration
	open := map[string]int{} // fault name → index in rep.Faults
	for _, l := range lines {
		last = max(last, l.T)
		at := l.T
		p := &rep.Phases
		switch l.Kind {
		case "load.start":
			p.LoadStart = &at
		case "load.end":
			p.LoadEnd = &at
		case "trigger.fired":
			p.TriggerFired = &at
			f := rollback.Firing{At: at}
			if json.Unmarshal(l.Fields, &f) == nil {
				f.At = at
				rep.Trigger = &f
			}
		case "rollback.start":
			p.RollbackStart = &at
		case "rollback.end":
			p.RollbackEnd = &at
		case "fault.inject":
			if p.FaultOnset == nil {
				p.FaultOnset = &at
			}
			if f, ok := injected(l); ok {
				open[f.Name] = len(rep.Faults)
				rep.Faults = append(rep.Faults, f)
			}
		case "fault.heal":
			var fields struct {
				Fault string `json:"fault"`
			}
			if json.Unmarshal(l.Fields, &fields) == nil {
				if i, ok := open[fields.Fault]; ok {
					rep.Faults[i].End = &at
					delete(open, fields.Fault)
				}
			}
		case "step.end":
			var fields struct {
				Step reports.Step `json:"step"`
			}
			if json.Unmarshal(l.Fields, &fields) == nil && fields.Step.Index >= 1 && fields.Step.Index <= len(rep.Steps) {
				rep.Steps[fields.Step.Index-1] = fields.Step
				if s := fields.Step; s.Kind == "deploy" && s.Start != nil && (p.FaultOnset == nil || *s.Start < *p.FaultOnset) {
					p.FaultOnset = s.Start
				}
			}
		}
	}
	rep.MeasurePhases()
	for i := range rep.Steps {
		if s := &rep.Steps[i]; s.Status == rollback.StepNotRun {
			s.Reason = "no record of its end: the harness was killed before or while it ran"
		}
	}
	return last
}

// injected is the fault a fault.inject line names.
func injected(l journalLine) (reports.Fault, bool) {
	var fields struct {
		Fault *struct {
			Name    string `json:"name"`
			Kind    string `json:"kind"`
			Link    string `json:"link"`
			Service string `json:"service"`
		} `json:"fault"`
		Partition *struct {
			Spec struct {
				Name string `json:"name"`
				Mode string `json:"mode"`
			} `json:"spec"`
		} `json:"partition"`
	}
	if json.Unmarshal(l.Fields, &fields) != nil {
		return reports.Fault{}, false
	}
	switch {
	case fields.Fault != nil:
		f := fields.Fault
		link := f.Link
		if link == "" {
			link = f.Service
		}
		return reports.Fault{Name: f.Name, Kind: f.Kind, Link: link, Start: l.T}, true
	case fields.Partition != nil && fields.Partition.Spec.Name != "":
		s := fields.Partition.Spec
		return reports.Fault{Name: s.Name, Kind: "partition/" + s.Mode, Start: l.T}, true
	}
	return reports.Fault{}, false
}

// summarizeHistory fills the load summary and windows of rep from the
// history, and returns the end of its last operation.
func summarizeHistory(rep *reports.Report, h *load.History) time.Duration {
	var last time.Duration
	for _, op := range h.Ops {
		last = max(last, op.End)
	}
	var ran time.Duration
	if p := rep.Phases; p.LoadStart != nil && last > *p.LoadStart {
		ran = last - *p.LoadStart
	}
	rep.Load = reports.SummarizeLoad(h.Ops, ran)
	rep.Load.History = HistoryFileName
	rep.Windows = load.Windows(h.Ops, last)
	return last
}

// judgeFromHistory judges, of the verifiers the drill planned, those the
// history alone can judge; the others stay not checked.
//
// Linearizability is judged on the recorded operations. A success holds:
// the operations the kill took with it (in flight, or completed in the
// last moments before it and not yet written) could not have been seen by
// a recorded read. A violation does not: a recorded read may have seen a
// write that was still in flight when the harness died, which the history
// lacks; it is reported as unknown.
func judgeFromHistory(dir string, planned []verify.Result, h *load.History) []verify.Result {
	out := make([]verify.Result, len(planned))
	for i, v := range planned {
		out[i] = v
		switch {
		case h == nil:
		case v.Name == verify.NameLinearizability:
			res := verify.Linearizable(h.Ops, 0, filepath.Join(dir, "linearizability.html"))
			res.Advisory = v.Advisory
			if res.Verdict == verify.Failure {
				res.Verdict = verify.Unknown
				res.Summary = "not judged: the recorded history is not linearizable, but a write in flight when the harness was killed, " +
					"which the history lacks, may explain it (" + res.Summary + ")"
			}
			out[i] = res
		case v.Name == verify.NameDurability:
			acked := 0
			for _, op := range h.Ops {
				if op.Outcome == load.Acknowledged {
					acked++
				}
			}
			out[i].Summary = fmt.Sprintf("not checked: the system was torn down before its acknowledged writes could be read back (%d acknowledged operation(s) in the history)", acked)
		}
	}
	return out
}
