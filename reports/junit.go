package reports

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/verify"
)

// junitSuites is the root of a JUnit XML report. Its attributes are those
// the common JUnit schema (Jenkins' junit-10.xsd) allows there: skipped is
// counted on the suite only.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  *junitText      `xml:"system-out,omitempty"`
}

// junitText is character data written as CDATA, so that multi-line text
// stays readable in the file.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the drill as JUnit XML: one testsuite for the drill,
// one testcase per step and rollback action (timed by its work), one per
// verifier (timed by its check) (a failure for Failure, an error for Timeout
// or Unknown, skipped for Skipped, with the summary and the evidence), one
// per gate (integrity, rto, slo, health, score), and a "harness" testcase
// with an error when the drill errored or was interrupted. The terminal
// summary goes to the suite's system-out.
func WriteJUnit(w io.Writer, r *Report) error {
	suite := junitSuite{
		Name:       "faultdrill." + r.Drill.Scenario,
		Time:       seconds(r.Drill.Duration.Seconds()),
		Properties: junitProperties(r),
	}
	if !r.Drill.Started.IsZero() {
		suite.Timestamp = r.Drill.Started.UTC().Format("2006-01-02T15:04:05")
	}
	if incomplete(r.Status) {
		suite.Cases = append(suite.Cases, junitCase{Name: "harness", Classname: suite.Name, Time: suite.Time,
			Error: &junitProblem{Message: "drill " + string(r.Status) + ": " + r.Error, Type: string(r.Outcome.Class), Body: xmlSafe(r.Error)}})
	}
	for _, st := range stepFacts(r) {
		suite.Cases = append(suite.Cases, stepCase(suite.Name+".steps", st))
	}
	suite.Cases = append(suite.Cases, rehearsalCases(suite.Name+".runbook", r.Rehearsal)...)
	for _, v := range r.Verifiers {
		suite.Cases = append(suite.Cases, verifierCase(suite.Name+".verifiers", v))
	}
	for _, g := range r.Outcome.Gates {
		suite.Cases = append(suite.Cases, gateCase(suite.Name+".gates", g))
	}
	for _, c := range suite.Cases {
		suite.Tests++
		switch {
		case c.Failure != nil:
			suite.Failures++
		case c.Error != nil:
			suite.Errors++
		case c.Skipped != nil:
			suite.Skipped++
		}
	}
	var out strings.Builder
	if err := WriteSummary(&out, r, ""); err == nil {
		suite.SystemOut = &junitText{xmlSafe(out.String())}
	}
	doc := junitSuites{
		Name: "faultdrill", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Time: suite.Time, Suites: []junitSuite{suite},
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	return nil
}

func junitProperties(r *Report) []junitProperty {
	props := []junitProperty{
		{"drill.id", r.Drill.ID}, {"scenario", r.Drill.Scenario}, {"scenario.file", r.Drill.File},
		{"scenario.digest", r.Drill.Digest}, {"seed", strconv.FormatUint(r.Drill.Seed, 10)},
		{"runtime", r.Drill.Runtime}, {"status", string(r.Status)}, {"class", string(r.Outcome.Class)},
		{"exitCode", strconv.Itoa(r.Outcome.Class.ExitCode())}, {"verdict", verdictText(r.Outcome)},
		{"score", strconv.Itoa(r.Score.Value)}, {"passScore", strconv.Itoa(r.Score.PassScore)},
		{"formula", r.Score.Formula},
	}
	for i, w := range r.Outcome.Warnings {
		props = append(props, junitProperty{fmt.Sprintf("warning.%d", i+1), w})
	}
	for _, b := range r.BlastRadius {
		key := "blastRadius." + b.Service
		props = append(props,
			junitProperty{key + ".version", b.Version},
			junitProperty{key + ".requests", strconv.FormatInt(b.Requests, 10)},
			junitProperty{key + ".requestShare", strconv.FormatFloat(b.RequestShare, 'f', 4, 64)},
			junitProperty{key + ".writes", strconv.FormatInt(b.Writes, 10)},
			junitProperty{key + ".writeShare", strconv.FormatFloat(b.WriteShare, 'f', 4, 64)})
	}
	return props
}

// stepCase is a timeline step or rollback action: a failure when it
// failed, timed out or never ran and is not optional; skipped with the
// reason when it was skipped or is optional.
func stepCase(class string, st stepFact) junitCase {
	c := junitCase{Name: st.Label + " " + st.What, Classname: class, Time: seconds(st.Took.Seconds())}
	switch {
	case st.Status == rollback.StepDone:
	case st.Status == rollback.StepSkipped:
		c.Skipped = &junitSkipped{Message: st.Note}
	case st.Optional:
		c.Skipped = &junitSkipped{Message: "optional step " + string(st.Status) + ": " + st.Note}
	default:
		c.Failure = &junitProblem{Message: string(st.Status) + ": " + st.Note, Type: "step", Body: xmlSafe(st.Note)}
	}
	return c
}

func verifierCase(class string, v verify.Result) junitCase {
	c := junitCase{Name: v.Name, Classname: class, Time: seconds(v.Duration.Seconds())}
	body := xmlSafe(v.Summary + "\n" + evidenceJSON(v.Evidence))
	switch {
	case v.Advisory && v.Verdict != verify.Success:
		c.Skipped = &junitSkipped{Message: "advisory, decides nothing: " + string(v.Verdict) + ": " + v.Summary}
		return c
	}
	switch v.Verdict {
	case verify.Success:
	case verify.Failure:
		typ := "failure"
		if v.Integrity {
			typ = "integrity"
		}
		c.Failure = &junitProblem{Message: v.Summary, Type: typ, Body: body}
	case verify.Skipped:
		c.Skipped = &junitSkipped{Message: v.Summary}
	default:
		c.Error = &junitProblem{Message: v.Summary, Type: string(v.Verdict), Body: body}
	}
	return c
}

// gateCase is a gate: judged from figures already measured, so it takes
// no time of its own. The score's formula is a property of the suite.
func gateCase(class string, g Gate) junitCase {
	c := junitCase{Name: g.Name, Classname: class, Time: seconds(0)}
	switch g.State {
	case GateFailed:
		c.Failure = &junitProblem{Message: g.Detail, Type: "gate", Body: xmlSafe(strings.Join(g.Reasons, "\n"))}
	case GateSkipped:
		c.Skipped = &junitSkipped{Message: g.Detail}
	}
	return c
}

// evidenceJSON renders evidence as indented JSON for people to read; the
// caller's format escapes it.
func evidenceJSON(ev map[string]any) string {
	if len(ev) == 0 {
		return ""
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ev); err != nil {
		return fmt.Sprintf("evidence could not be encoded: %v", err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// xmlSafe replaces the characters XML cannot hold (most control
// characters, invalid UTF-8) with U+FFFD; the encoder escapes attributes
// this way itself, but not CDATA.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }
