package gameday

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/faultdrill/faultdrill/internal/boundedread"
	"github.com/faultdrill/faultdrill/reports"
)

// Report is what a game day found, as written to gameday.json.
type Report struct {
	Name         string        `json:"name"`
	Owner        string        `json:"owner,omitempty"`
	File         string        `json:"file"`
	Participants []Participant `json:"participants,omitempty"`
	Started      time.Time     `json:"started"`
	Duration     time.Duration `json:"duration"`
	// Window is the rollback window, and OutsideWindow true when the game
	// day ran outside it with --outside-window.
	Window        string        `json:"window,omitempty"`
	OutsideWindow bool          `json:"outsideWindow,omitempty"`
	Drills        []DrillResult `json:"drills"`
	// Class is the worst class of the drills; ExitCode its code.
	Class    reports.Class `json:"class"`
	ExitCode int           `json:"exitCode"`
	Dir      string        `json:"dir"`
}

// DrillResult is one drill of a game day and how it ended.
type DrillResult struct {
	Index      int    `json:"index"`
	Scenario   string `json:"scenario"`
	Hypothesis string `json:"hypothesis"`
	// Dir is the drill's folder inside the game day's folder; empty when
	// the drill did not run.
	Dir string `json:"dir,omitempty"`
	// DrillID is the id of the drill's report.
	DrillID  string        `json:"drillId,omitempty"`
	Skipped  string        `json:"skipped,omitempty"`
	Status   string        `json:"status,omitempty"`
	Class    reports.Class `json:"class,omitempty"`
	ExitCode int           `json:"exitCode"`
	Reasons  []string      `json:"reasons,omitempty"`
	Warnings []string      `json:"warnings,omitempty"`
	// Missed are the objectives the drill fell short of without failing a
	// gate for it: a score part below full marks, such as an overspent
	// error budget.
	Missed []string `json:"missed,omitempty"`
	// Owner owns the drill's action items.
	Owner string `json:"owner,omitempty"`
}

// Held reports whether the drill's hypothesis held: it ran and passed.
func (d DrillResult) Held() bool { return d.Skipped == "" && d.Class == reports.ClassPassed }

// Result reads the report of the drill that ran in dir (a drill that
// wrote none is an error of the harness), with the owner of its action
// items: the game day's drill owner, else the scenario's metadata.owner,
// else the game day's owner.
func Result(i int, f *File, d Drill, dir string, code int) DrillResult {
	r := DrillResult{Index: i + 1, Scenario: d.Scenario, Hypothesis: d.Hypothesis, Dir: dir, ExitCode: code, Owner: d.Owner}
	rep, err := reports.Read(filepath.Join(dir, reports.FileName))
	if err != nil {
		r.Status, r.Class = string(reports.Errored), reports.ClassError
		r.Reasons = []string{fmt.Sprintf("the drill wrote no report (exit %d): see its folder and faultdrill's output", code)}
	} else {
		r.Status, r.Class, r.Reasons, r.Warnings = string(rep.Status), rep.Outcome.Class, rep.Outcome.Reasons, rep.Outcome.Warnings
		r.Missed = missedObjectives(rep)
		r.DrillID = rep.Drill.ID
	}
	if r.Owner == "" {
		r.Owner = scenarioOwner(f.ScenarioPath(d))
	}
	if r.Owner == "" {
		r.Owner = f.Metadata.Owner
	}
	return r
}

func scenarioOwner(path string) string {
	b, err := boundedread.File(path, maxFileSize)
	if err != nil {
		return ""
	}
	var sc struct {
		Metadata struct {
			Owner string `yaml:"owner"`
		} `yaml:"metadata"`
	}
	_ = yaml.Unmarshal(b, &sc)
	return sc.Metadata.Owner
}

// Worst is the class that wins among the drills' (reports.Ranked), or
// passed.
func Worst(drills []DrillResult) reports.Class {
	worst := reports.ClassPassed
	rank := func(c reports.Class) int {
		if i := slices.Index(reports.Ranked(), c); i >= 0 {
			return i
		}
		return len(reports.Ranked())
	}
	for _, d := range drills {
		if d.Skipped == "" && d.Class != "" && rank(d.Class) < rank(worst) {
			worst = d.Class
		}
	}
	return worst
}

// missedObjectives lists the score parts of rep below full marks whose
// gate, if the part has one, did not fail (a failed gate is already among
// the reasons): "errorBudget 0.67: 50 of 750 operations failed …".
func missedObjectives(rep *reports.Report) []string {
	failed := map[string]bool{}
	for _, g := range rep.Outcome.Gates {
		failed[g.Name] = g.State == reports.GateFailed
	}
	var out []string
	for _, c := range rep.Score.Components {
		if !c.NoData && c.Value < 1 && !failed[c.Name] {
			out = append(out, fmt.Sprintf("%s %.2f: %s", c.Name, c.Value, c.Detail))
		}
	}
	return out
}

// Item is one action item of the review: an anomaly someone must follow
// up.
type Item struct {
	ID      string `json:"id"`
	Drill   int    `json:"drill"`
	DrillID string `json:"drillId,omitempty"`
	What    string `json:"what"`
	Owner   string `json:"owner"`
}

// Items are the review's action items: every reason a drill failed and
// every warning (advisory verifier, optional step) and every objective
// missed without failing the drill, D<drill>-<n>.
func (r *Report) Items() []Item {
	var items []Item
	for _, d := range r.Drills {
		n := 0
		for _, s := range slices.Concat(d.Reasons, d.Warnings, d.Missed) {
			n++
			items = append(items, Item{ID: fmt.Sprintf("D%d-%d", d.Index, n), Drill: d.Index, DrillID: d.DrillID, What: s, Owner: d.Owner})
		}
	}
	return items
}

// ReadReport reads the gameday.json of the game-day folder dir.
func ReadReport(dir string) (*Report, error) {
	b, err := boundedread.File(filepath.Join(dir, JSONFile), reports.MaxReportSize)
	if err != nil {
		return nil, fmt.Errorf("gameday: %w", err)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("gameday: %s: %w", filepath.Join(dir, JSONFile), err)
	}
	return &r, nil
}

// CloseInReview ticks the action item id in the review.md of dir and
// writes under it when and why it was closed.
func CloseInReview(dir, id, note string, at time.Time) error {
	path := filepath.Join(dir, ReviewFile)
	b, err := boundedread.File(path, maxFileSize)
	if err != nil {
		return fmt.Errorf("gameday: %w", err)
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "- [ ] **"+id+"**") && !strings.HasPrefix(l, "- [x] **"+id+"**") {
			continue
		}
		lines[i] = "- [x]" + strings.TrimPrefix(strings.TrimPrefix(l, "- [ ]"), "- [x]")
		j := i + 1
		for j < len(lines) && strings.HasPrefix(lines[j], "  - ") {
			j++
		}
		closed := fmt.Sprintf("  - closed: %s — %s", at.Format(time.DateOnly), strings.ReplaceAll(note, "\n", " "))
		lines = append(lines[:j], append([]string{closed}, lines[j:]...)...)
		return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600)
	}
	return fmt.Errorf("gameday: %s has no action item %s", path, id)
}

// Files written into a game day's folder.
const (
	JSONFile     = "gameday.json"
	MarkdownFile = "summary.md"
	JUnitFile    = "junit.xml"
	HTMLFile     = "report.html"
	ReviewFile   = "review.md"
)

// Write writes the combined report (JSON, Markdown, JUnit with one suite
// per drill, HTML) and review.md into r.Dir, and returns their paths.
func Write(r *Report) ([]string, error) {
	var paths []string
	for _, w := range []struct {
		name  string
		write func(*Report) ([]byte, error)
	}{{JSONFile, jsonOf}, {MarkdownFile, markdownOf}, {JUnitFile, junitOf}, {HTMLFile, htmlOf}, {ReviewFile, reviewOf}} {
		b, err := w.write(r)
		if err != nil {
			return paths, fmt.Errorf("gameday: %s: %w", w.name, err)
		}
		p := filepath.Join(r.Dir, w.name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return paths, fmt.Errorf("gameday: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func jsonOf(r *Report) ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	return append(b, '\n'), err
}

func outcome(d DrillResult) string {
	if d.Skipped != "" {
		return "skipped: " + d.Skipped
	}
	return fmt.Sprintf("%s (exit %d)", d.Class, d.ExitCode)
}

func markdownOf(r *Report) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# Game day %s — %s\n\n", r.Name, r.Class)
	fmt.Fprintf(&b, "Started %s, took %s. Exit %d.", r.Started.Format(time.RFC3339), r.Duration.Round(time.Second), r.ExitCode)
	if r.OutsideWindow {
		fmt.Fprintf(&b, " **Ran outside its rollback window (%s), with --outside-window.**", r.Window)
	}
	b.WriteString("\n\n| # | scenario | hypothesis | outcome | folder |\n|---|---|---|---|---|\n")
	for _, d := range r.Drills {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", d.Index, md(d.Scenario), md(d.Hypothesis), md(outcome(d)), md(filepath.Base(d.Dir)))
	}
	return []byte(b.String()), nil
}

func md(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }

// junitDoc reads a drill's junit.xml, keeping its suites as they are.
type junitDoc struct {
	Suites []struct {
		Attrs []xml.Attr `xml:",any,attr"`
		Inner []byte     `xml:",innerxml"`
	} `xml:"testsuite"`
}

func junitOf(r *Report) ([]byte, error) {
	var b strings.Builder
	tests, failures, errs := 0, 0, 0
	var suites strings.Builder
	for _, d := range r.Drills {
		name := fmt.Sprintf("%d %s", d.Index, d.Scenario)
		var doc junitDoc
		raw, err := boundedread.File(filepath.Join(d.Dir, reports.JUnitFileName), reports.MaxReportSize)
		if d.Dir == "" || err != nil || xml.Unmarshal(raw, &doc) != nil || len(doc.Suites) == 0 {
			// A drill skipped, or one that wrote no JUnit: one case says why.
			tests++
			what := outcome(d)
			kind := "skipped"
			if d.Skipped == "" {
				kind, errs = "error", errs+1
			}
			fmt.Fprintf(&suites, "  <testsuite name=\"%s\" tests=\"1\" failures=\"0\" errors=\"%d\" skipped=\"%d\" time=\"0\">\n    <testcase name=\"%s\" classname=\"%s\" time=\"0\"><%s message=\"%s\"></%s></testcase>\n  </testsuite>\n",
				xmlText(name), boolN(kind == "error"), boolN(kind == "skipped"), xmlText(d.Scenario), xmlText(r.Name), kind, xmlText(what), kind)
			continue
		}
		for _, s := range doc.Suites {
			suites.WriteString("  <testsuite")
			for _, a := range s.Attrs {
				v := a.Value
				switch a.Name.Local {
				case "name":
					v = name
				case "tests":
					tests += atoi(v)
				case "failures":
					failures += atoi(v)
				case "errors":
					errs += atoi(v)
				}
				fmt.Fprintf(&suites, " %s=\"%s\"", a.Name.Local, xmlText(v))
			}
			suites.WriteString(">")
			suites.Write(s.Inner)
			suites.WriteString("</testsuite>\n")
		}
	}
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, "<testsuites name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\">\n", xmlText("gameday "+r.Name), tests, failures, errs, r.Duration.Seconds())
	b.WriteString(suites.String())
	b.WriteString("</testsuites>\n")
	return []byte(b.String()), nil
}

func boolN(b bool) int {
	if b {
		return 1
	}
	return 0
}

func atoi(s string) int {
	n := 0
	fmt.Sscanf(s, "%d", &n)
	return n
}

// xmlText escapes s for an XML attribute value in double quotes.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func reviewOf(r *Report) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# Review: game day %s (%s)\n\n", r.Name, r.Started.Format(time.DateOnly))
	if len(r.Participants) > 0 {
		b.WriteString("## Participants\n\n")
		for _, p := range r.Participants {
			fmt.Fprintf(&b, "- %s — %s\n", p.Name, p.Role)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Hypotheses\n\n")
	for _, d := range r.Drills {
		held := "did not hold"
		switch {
		case d.Skipped != "":
			held = "not tested (" + d.Skipped + ")"
		case d.Held():
			held = "held"
		}
		fmt.Fprintf(&b, "%d. %s — **%s** (%s, %s)\n", d.Index, d.Hypothesis, held, d.Scenario, outcome(d))
	}
	b.WriteString("\n## Action items\n\n")
	items := r.Items()
	if len(items) == 0 {
		b.WriteString("None: every drill passed without a warning and met every objective.\n")
	}
	for _, it := range items {
		fmt.Fprintf(&b, "- [ ] **%s** (drill %d) %s\n  - owner: %s\n  - due: \n", it.ID, it.Drill, it.What, it.Owner)
	}
	b.WriteString("\n## What went well\n\n\n## What went wrong\n\n\n## Lessons learned\n\n")
	return []byte(b.String()), nil
}

func htmlOf(r *Report) ([]byte, error) {
	var b strings.Builder
	err := page.Execute(&b, struct {
		R     *Report
		Items []Item
	}{r, r.Items()})
	return []byte(b.String()), err
}

var page = template.Must(template.New("gameday").Funcs(template.FuncMap{
	"outcome": outcome, "base": filepath.Base, "rel": func(d DrillResult) string { return filepath.Base(d.Dir) + "/" + reports.HTMLFileName },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Game day {{.R.Name}}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left}.passed{color:#15803d}.fail{color:#b91c1c}</style>
</head><body>
<h1>Game day {{.R.Name}} — <span class="{{if eq .R.Class "passed"}}passed{{else}}fail{{end}}">{{.R.Class}}</span></h1>
<p>Started {{.R.Started.Format "2006-01-02 15:04 MST"}}, exit {{.R.ExitCode}}.{{if .R.OutsideWindow}} <strong>Ran outside its rollback window ({{.R.Window}}).</strong>{{end}}</p>
<table><thead><tr><th>#</th><th>scenario</th><th>hypothesis</th><th>outcome</th><th>report</th></tr></thead><tbody>
{{range .R.Drills}}<tr class="drill"><td>{{.Index}}</td><td>{{.Scenario}}</td><td>{{.Hypothesis}}</td><td class="{{if .Held}}passed{{else}}fail{{end}}">{{outcome .}}</td><td>{{if .Dir}}<a href="{{rel .}}">{{base .Dir}}</a>{{end}}</td></tr>
{{end}}</tbody></table>
<h2>Action items</h2>
<ul>{{range .Items}}<li class="item"><b>{{.ID}}</b> {{.What}} — {{.Owner}}</li>{{else}}<li>none</li>{{end}}</ul>
</body></html>
`))
