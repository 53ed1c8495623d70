package reports

import (
	"fmt"
	"io"
	"strings"
)

// markdownLost is how many lost writes the Markdown summary lists.
const markdownLost = 20

// WriteMarkdown writes the drill's summary as GitHub-flavoured Markdown,
// for a CI job summary or a pull-request comment: the verdict, the score
// and its parts, the gates, phases and measures, the verifiers, the first
// lost writes and the reasons. Text from the scenario or the system under
// test is escaped so it cannot break the tables or inject markup.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b strings.Builder
	mdHeader(&b, r)
	mdScore(&b, r)
	mdPhases(&b, r)
	mdSteps(&b, r)
	mdVerifiers(&b, r)
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
	if len(r.Outcome.Gates) > 0 {
		b.WriteString("### Gates\n\n| gate | state | detail |\n|---|---|---|\n")
		for _, g := range r.Outcome.Gates {
			fmt.Fprintf(b, "| %s | %s | %s |\n", md(g.Name), md(string(g.State)), md(g.Detail))
		}
		b.WriteString("\n")
	}
	if r.Score.Formula != "" {
		fmt.Fprintf(b, "> %s\n\n", md(r.Score.Formula))
	}
}

func mdPhases(b *strings.Builder, r *Report) {
	fmt.Fprintf(b, "### Phases and measures\n\n%s.\n\n| phase or measure | value |\n|---|---|\n", md(r.clockNote()))
	for _, f := range phaseFacts(r) {
		fmt.Fprintf(b, "| %s | %s |\n", f.Name, md(f.Value))
	}
	for _, f := range measureFacts(r) {
		fmt.Fprintf(b, "| %s | %s |\n", f.Name, md(f.Value))
	}
	b.WriteString("\n")
}

func mdSteps(b *strings.Builder, r *Report) {
	steps := stepFacts(r)
	if len(steps) == 0 {
		return
	}
	fmt.Fprintf(b, "### Steps\n\n%s.\n\n| step | at | what | status | note |\n|---|---|---|---|---|\n", md(stepCounts(steps)))
	for _, s := range steps {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", md(s.Label), md(s.At), md(s.What), md(string(s.Status)), md(s.Note))
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
