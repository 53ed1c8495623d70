package reports

import (
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"time"

	"github.com/faultdrill/faultdrill/verify"
)

//go:embed assets/report.html.tmpl assets/report.css assets/chart.js
var assets embed.FS

// htmlView is what the HTML template shows: the report and everything
// derived from it, already formatted.
type htmlView struct {
	R         *Report
	Status    string
	Tone      string
	CSS       template.CSS
	JS        template.JS
	Chart     chart
	Started   string
	Duration  string
	Phases    []fact
	Measures  []fact
	Verifiers []htmlVerifier
	Lost      lost
	LostText  string
	Verdict   string
	Steps     []stepFact
	Changes   []htmlChange
	Journal   []htmlEntry
	Files     []Artifact
}

type htmlVerifier struct {
	verify.Result
	Tone         string
	EvidenceJSON string
	// Link is a file of the drill folder that shows more, such as
	// porcupine's visualisation for linearizability.
	Link string
}

// htmlChange is one deploy, fault or rollback action.
type htmlChange struct {
	Start, End, What, Error string
}

type htmlEntry struct {
	At, Kind, Msg, Fields string
}

// WriteHTML writes the drill as one self-contained HTML page that needs
// no network: a timeline chart of throughput, error rate and p99 with the
// fault windows shaded and the deploys, trigger, approvals and rollback
// marked (drawn by an inline script into an inline SVG; series longer
// than ChartPoints are downsampled with LTTB), the score, the gates, the
// verifiers with their evidence, the lost writes, the journal and links to
// files, the drill folder's files (see Artifacts; links are relative, so
// the page works wherever the folder is copied). Every piece of text is
// escaped by html/template.
func WriteHTML(w io.Writer, r *Report, journal []JournalEntry, files []Artifact) error {
	tmpl, view, err := htmlPage(r, journal, files)
	if err != nil {
		return err
	}
	if err := tmpl.Execute(w, view); err != nil {
		return fmt.Errorf("reports: html: %w", err)
	}
	return nil
}

func htmlPage(r *Report, journal []JournalEntry, files []Artifact) (*template.Template, htmlView, error) {
	css, err := assets.ReadFile("assets/report.css")
	if err != nil {
		return nil, htmlView{}, fmt.Errorf("reports: html: %w", err)
	}
	js, err := assets.ReadFile("assets/chart.js")
	if err != nil {
		return nil, htmlView{}, fmt.Errorf("reports: html: %w", err)
	}
	tmpl, err := template.New("report.html.tmpl").Funcs(template.FuncMap{
		"pct":   func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) },
		"clock": r.clockNote,
		"tone":  gateTone,
		// offset and outcomeTone serve the runbook section (runbook.go).
		"offset":      r.offset,
		"outcomeTone": outcomeTone,
	}).ParseFS(assets, "assets/report.html.tmpl")
	if err != nil {
		return nil, htmlView{}, fmt.Errorf("reports: html: %w", err)
	}
	view := htmlView{
		R: r, Status: statusText(r.Status), Tone: statusTone(r.Status),
		CSS: template.CSS(css), JS: template.JS(js),
		Chart:    buildChart(r, journal, ChartPoints),
		Duration: r.Drill.Duration.Round(msRound).String(),
		Phases:   phaseFacts(r), Measures: measureFacts(r),
		Lost: lostWrites(r), LostText: lostText(r), Verdict: verdictText(r.Outcome),
		Steps: stepFacts(r), Changes: changes(r), Files: files,
	}
	if !r.Drill.Started.IsZero() {
		view.Started = r.Drill.Started.UTC().Format(time.RFC3339)
	}
	for _, v := range r.Verifiers {
		tone := verdictTone(v.Verdict)
		if v.Advisory && tone == "bad" {
			tone = "warn"
		}
		hv := htmlVerifier{Result: v, Tone: tone, EvidenceJSON: evidenceJSON(v.Evidence)}
		if v.Name == verify.NameLinearizability && slices.ContainsFunc(files, func(a Artifact) bool { return a.Path == "linearizability.html" }) {
			hv.Link = "linearizability.html"
		}
		view.Verifiers = append(view.Verifiers, hv)
	}
	for _, e := range journal {
		view.Journal = append(view.Journal, htmlEntry{At: r.offset(e.T), Kind: e.Kind, Msg: e.Msg, Fields: evidenceJSON(e.Fields)})
	}
	return tmpl, view, nil
}

// changes lists deploys, faults, the trigger and rollback actions in time
// order.
func changes(r *Report) []htmlChange {
	type timed struct {
		t time.Duration
		c htmlChange
	}
	var ts []timed
	for _, e := range timeline(r) {
		ts = append(ts, timed{e.t, htmlChange{Start: r.offset(e.t), What: e.what}})
	}
	for _, a := range r.Actions {
		ts = append(ts, timed{a.Start, htmlChange{Start: r.offset(a.Start), End: r.offset(a.End), Error: a.Error,
			What: fmt.Sprintf("rollback action %s on %s %s → %s", a.Action, a.Service, orDash(a.From), orDash(a.To))}})
	}
	slices.SortStableFunc(ts, func(a, b timed) int { return cmp.Compare(a.t, b.t) })
	cs := make([]htmlChange, len(ts))
	for i, t := range ts {
		cs[i] = t.c
	}
	return cs
}

// Tones name the CSS classes of states; they never come from the report's
// text.
func statusTone(s Status) string {
	switch s {
	case Passed:
		return "ok"
	case Failed, Errored:
		return "bad"
	}
	return "warn"
}

func verdictTone(v verify.Verdict) string {
	switch v {
	case verify.Success:
		return "ok"
	case verify.Failure:
		return "bad"
	case verify.Skipped:
		return "skip"
	}
	return "warn"
}

func gateTone(s GateState) string {
	switch s {
	case GatePassed:
		return "ok"
	case GateFailed:
		return "bad"
	}
	return "skip"
}
