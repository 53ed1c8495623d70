package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/faultdrill/faultdrill/rollback"
)

// markdownLost is how many lost writes the Markdown summary lists.
const markdownLost = 20

// WriteMarkdown writes the drill's summary as GitHub-flavoured Markdown,
// for a CI job summary or a pull-request comment: the verdict and its
// reasons, the gates, the timeline, the trigger, the approval, the steps
// and rollback actions, the phases and measures, the verifiers, the score
// and its parts, and the first lost writes. The score's formula is left to
// report.json and report.html. Text from the scenario or the system under
// test is escaped so it cannot break the tables or inject markup.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	mdHeader(&b, r)
	mdGates(&b, r)
	mdTimeline(&b, r)
	mdTrigger(&b, r)
	mdApproval(&b, r)
	mdRehearsal(&b, r)
	mdSteps(&b, r)
	mdPhases(&b, r)
	mdVerifiers(&b, r)
	mdScore(&b, r)
	mdLost(&b, r)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("reports: markdown: %w", err)
	}
	return nil
}

func mdHeader(b *strings.Builder, r *Report) {
	fmt.Fprintf(b, "## faultdrill: %s %s\n\n", md(r.Drill.Scenario), statusText(r.Status))
	score := fmt.Sprintf("score **%d / 100**", r.Score.Value)
	if r.Score.NoData {
		score = "**not scored** (no part had data)"
	}
	fmt.Fprintf(b, "**%s**: %s (pass mark %d). Verdict: %s.\n\n",
		statusText(r.Status), score, r.Score.PassScore, md(verdictText(r.Outcome)))
	fmt.Fprintf(b, "Drill %s, scenario file %s (sha256 %s), seed %d, runtime %s.\n\n",
		md(r.Drill.ID), md(r.Drill.File), md(short(r.Drill.Digest)), r.Drill.Seed, md(r.Drill.Runtime))
	if r.Partial {
		fmt.Fprintf(b, "This report is partial: %s\n\n", md(r.Error))
	}
	if len(r.Outcome.Reasons) > 0 {
		b.WriteString("### Reasons\n\n")
		for _, reason := range r.Outcome.Reasons {
			fmt.Fprintf(b, "- %s\n", md(reason))
		}
		b.WriteString("\n")
	}
	if len(r.Outcome.Warnings) > 0 {
		b.WriteString("### Warnings\n\nThese decide nothing.\n\n")
		for _, w := range r.Outcome.Warnings {
			fmt.Fprintf(b, "- %s\n", md(w))
		}
		b.WriteString("\n")
	}
}

func mdGates(b *strings.Builder, r *Report) {
	if len(r.Outcome.Gates) == 0 {
		return
	}
	b.WriteString("### Gates\n\nThe drill passes only when no gate fails.\n\n| gate | state | detail |\n|---|---|---|\n")
	for _, g := range r.Outcome.Gates {
		fmt.Fprintf(b, "| %s | %s | %s |\n", md(g.Name), md(string(g.State)), md(g.Detail))
	}
	b.WriteString("\n")
}

func mdTimeline(b *strings.Builder, r *Report) {
	fmt.Fprintf(b, "### Timeline\n\n%s.\n\n| at | what happened |\n|---|---|\n", md(r.clockNote()))
	for _, ev := range timeline(r) {
		fmt.Fprintf(b, "| %s | %s |\n", md(r.offset(ev.t)), md(ev.what))
	}
	if r.Trigger == nil {
		b.WriteString("| | no trigger fired after the fault onset |\n")
	}
	b.WriteString("\n")
}

func mdTrigger(b *strings.Builder, r *Report) {
	if r.Trigger == nil && len(r.EarlyTriggers) == 0 {
		return
	}
	b.WriteString("### Trigger\n\n")
	if t := r.Trigger; t != nil {
		fmt.Fprintf(b, "%s fired at %s: %s\n\n", md(t.Trigger), md(r.offset(t.At)), md(firingText(t)))
		for _, c := range t.Causes {
			fmt.Fprintf(b, "- %s: %s\n", md(c.Trigger), md(firingText(&c)))
		}
		if len(t.Causes) > 0 {
			b.WriteString("\n")
		}
	}
	for _, t := range r.EarlyTriggers {
		fmt.Fprintf(b, "%s fired at %s, **before the fault onset** (no detection credit): %s\n\n",
			md(t.Trigger), md(r.offset(t.At)), md(firingText(&t)))
	}
}

// firingText says what a trigger saw: its detail, else the value against
// the limit over how many windows.
func firingText(f *rollback.Firing) string {
	if f.Detail != "" {
		return f.Detail
	}
	if f.Limit == 0 {
		return fmt.Sprintf("value %g, %d window(s) in a row", f.Value, f.Windows)
	}
	return fmt.Sprintf("value %g against the limit %g, %d window(s) in a row", f.Value, f.Limit, f.Windows)
}

func mdApproval(b *strings.Builder, r *Report) {
	if a := r.Approval; a != nil {
		fmt.Fprintf(b, "### Approval\n\nAsked at %s; %s.\n\n", md(r.offset(a.Requested)), md(approvalText(a)))
	}
}

func mdScore(b *strings.Builder, r *Report) {
	b.WriteString("### Score\n\n| part | weight | value | detail |\n|---|---:|---:|---|\n")
	for _, c := range r.Score.Components {
		value := fmt.Sprintf("%.2f", c.Value)
		if c.NoData {
			value = "no data"
		}
		fmt.Fprintf(b, "| %s | %g | %s | %s |\n", md(c.Name), c.Weight, value, md(c.Detail))
	}
	total := fmt.Sprint(r.Score.Value)
	if r.Score.NoData {
		total = "not scored"
	}
	fmt.Fprintf(b, "| **score** | | **%s** | pass mark %d |\n\n", total, r.Score.PassScore)
	b.WriteString("How the parts make the score: `score.formula` in report.json, and report.html.\n\n")
}

func mdPhases(b *strings.Builder, r *Report) {
	b.WriteString("### Phases and measures\n\n| phase or measure | value |\n|---|---|\n")
	for _, f := range phaseFacts(r) {
		fmt.Fprintf(b, "| %s | %s |\n", f.Name, md(f.Value))
	}
	for _, f := range measureFacts(r) {
		fmt.Fprintf(b, "| %s | %s |\n", f.Name, md(f.Value))
	}
	b.WriteString("\n")
}

// mdSteps writes the set-up actions and timeline steps, then the rollback
// plan's actions, each in its own table.
func mdSteps(b *strings.Builder, r *Report) {
	var steps, actions []stepFact
	for _, s := range stepFacts(r) {
		if strings.HasPrefix(s.Label, "rollback ") {
			actions = append(actions, s)
		} else {
			steps = append(steps, s)
		}
	}
	mdStepTable(b, "Steps", steps)
	mdStepTable(b, "Rollback actions", actions)
}

func mdStepTable(b *strings.Builder, title string, steps []stepFact) {
	if len(steps) == 0 {
		return
	}
	fmt.Fprintf(b, "### %s\n\n%s.\n\n| step | at | what | status | took | note |\n|---|---|---|---|---:|---|\n", title, md(stepCounts(steps)))
	for _, s := range steps {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", md(s.Label), md(s.At), md(s.What), md(string(s.Status)), s.Took.Round(msRound), md(s.Note))
	}
	b.WriteString("\n")
}

func mdVerifiers(b *strings.Builder, r *Report) {
	if len(r.Verifiers) == 0 {
		b.WriteString("### Verifiers\n\nNo verifier ran.\n\n")
		return
	}
	b.WriteString("### Verifiers\n\n| verifier | verdict | integrity | summary |\n|---|---|---|---|\n")
	for _, v := range r.Verifiers {
		integrity := ""
		if v.Integrity {
			integrity = "yes"
		}
		name := md(v.Name)
		if v.Advisory {
			name += " (advisory)"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", name, md(string(v.Verdict)), integrity, md(v.Summary))
	}
	b.WriteString("\n")
}

func mdLost(b *strings.Builder, r *Report) {
	l := lostWrites(r)
	if l.Total == 0 {
		fmt.Fprintf(b, "### Lost writes\n\n%s\n\n", md(lostText(r)))
		return
	}
	fmt.Fprintf(b, "### Lost writes\n\n%d acknowledged writes lost (RPO %d)", l.Total, r.Objectives.RPO)
	shown := l.IDs[:min(len(l.IDs), markdownLost)]
	if len(shown) < l.Total {
		fmt.Fprintf(b, "; the first %d:", len(shown))
	} else {
		b.WriteString(":")
	}
	b.WriteString("\n\n")
	for _, id := range shown {
		fmt.Fprintf(b, "- %s\n", md(id))
	}
	b.WriteString("\n")
}

// mdEscaper escapes text for a Markdown paragraph or table cell: markup
// characters are backslash-escaped, HTML is written as entities, and line
// breaks (which would end a table row) become spaces.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "|", `\|`,
	"#", `\#`, "~", `\~`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;",
	"\r\n", " ", "\n", " ", "\r", " ",
)

// md escapes text from a report for Markdown.
func md(s string) string { return mdEscaper.Replace(s) }

// short abbreviates a digest for display.
func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12]
	}
	return digest
}
