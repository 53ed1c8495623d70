package runbook

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/rollback"
	"github.com/goccy/go-yaml"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// frontMatter is the optional YAML between "---" lines at the top of a
// runbook: defaults for every step.
type frontMatter struct {
	// Title names the runbook.
	Title string `yaml:"title,omitempty"`
	// Role is the role of steps that name none.
	Role string `yaml:"role,omitempty"`
	// Expect is the expected duration of steps that give none.
	Expect time.Duration `yaml:"expect,omitempty"`
}

// Parse reads the runbook in src; path names the file in problems.
func Parse(path string, src []byte) (*Runbook, error) {
	p := &parser{path: path, src: src, lines: lineStarts(src)}
	body, fm := p.frontMatter()
	rb := &Runbook{Path: path, SHA256: digest(src), Title: fm.Title}
	doc := goldmark.New().Parser().Parse(text.NewReader(body))
	section := ""
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Heading:
			section = strings.TrimSpace(string(linesText(n, body)))
			if rb.Title == "" && n.Level == 1 {
				rb.Title = section
			}
		case *ast.List:
			for item := n.FirstChild(); item != nil; item = item.NextSibling() {
				if st, ok := p.step(item, body, n.IsOrdered(), fm); ok {
					st.Number, st.Section = len(rb.Steps)+1, section
					rb.Steps = append(rb.Steps, st)
				}
			}
		}
	}
	if len(rb.Steps) == 0 && len(p.problems) == 0 {
		p.problem(1, "the runbook has no steps: write them as a numbered list (1. ...) or checkboxes (- [ ] ...) under a heading")
	}
	if len(p.problems) > 0 {
		sort.SliceStable(p.problems, func(i, j int) bool { return p.problems[i].Line < p.problems[j].Line })
		return nil, p.problems
	}
	return rb, nil
}

// parser holds what the parse of one runbook needs and finds.
type parser struct {
	path     string
	src      []byte
	lines    []int
	problems Problems
}

func (p *parser) problem(line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.path, Line: line, Message: fmt.Sprintf(format, args...)})
}

// lineOf is the 1-based line of a byte offset.
func (p *parser) lineOf(off int) int {
	return max(1, sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > off }))
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// frontMatter decodes the front matter and returns the source with it
// blanked out (newlines kept, so offsets and lines stay those of the file).
func (p *parser) frontMatter() ([]byte, frontMatter) {
	var fm frontMatter
	if !bytes.HasPrefix(p.src, []byte("---\n")) && !bytes.HasPrefix(p.src, []byte("---\r\n")) {
		return p.src, fm
	}
	for i := 1; i < len(p.lines); i++ {
		start := p.lines[i]
		end := len(p.src)
		if i+1 < len(p.lines) {
			end = p.lines[i+1]
		}
		if strings.TrimRight(string(p.src[start:end]), "\r\n") != "---" {
			continue
		}
		yml := p.src[p.lines[1]:start]
		if err := yaml.UnmarshalWithOptions(yml, &fm, yaml.DisallowUnknownField(), yaml.Strict()); err != nil {
			line, msg := yamlError(err)
			p.problem(1+line, "front matter: %s (keys: title, role, expect)", msg)
		}
		body := bytes.Clone(p.src)
		for j := 0; j < end; j++ {
			if body[j] != '\n' {
				body[j] = ' '
			}
		}
		return body, fm
	}
	p.problem(1, "the front matter opened by --- on line 1 is never closed: end it with a line holding only ---")
	return p.src, fm
}

// yamlError is the line (1-based, within the YAML) and message of a
// goccy/go-yaml error.
func yamlError(err error) (int, string) {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line, yerr.GetMessage()
		}
		return 1, yerr.GetMessage()
	}
	return 1, err.Error()
}

// checkbox matches the "[ ] " or "[x] " that makes a bullet item a step.
var checkbox = regexp.MustCompile(`^\[[ xX]\]\s+`)

// comment matches the HTML comments that give a step's role and expected
// duration.
var comment = regexp.MustCompile(`(?s)<!--(.*?)-->`)

// step reads one list item; ok is false for a bullet item without a
// checkbox, which is prose, not a step.
func (p *parser) step(item ast.Node, body []byte, ordered bool, fm frontMatter) (Step, bool) {
	st := Step{Line: p.lineOf(item.Pos()), Kind: Manual, Role: fm.Role, Expect: fm.Expect}
	var prose []string
	var metas []int // offsets of comments, for their lines
	var metaText []string
	for c := item.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.FencedCodeBlock:
			p.block(&st, c, body)
		case *ast.HTMLBlock:
			raw := string(linesText(c, body))
			if c.HasClosure() {
				raw += string(c.ClosureLine.Value(body))
			}
			for _, m := range comment.FindAllStringSubmatchIndex(raw, -1) {
				metas = append(metas, c.Pos())
				metaText = append(metaText, raw[m[2]:m[3]])
			}
		case *ast.Paragraph, *ast.TextBlock:
			t := string(linesText(c, body))
			for _, m := range comment.FindAllStringSubmatchIndex(t, -1) {
				metas = append(metas, c.Pos()+m[0])
				metaText = append(metaText, t[m[2]:m[3]])
			}
			prose = append(prose, strings.TrimSpace(comment.ReplaceAllString(t, "")))
		}
	}
	first := ""
	if len(prose) > 0 {
		first, _, _ = strings.Cut(prose[0], "\n")
	}
	if !ordered {
		loc := checkbox.FindStringIndex(first)
		if loc == nil {
			return Step{}, false
		}
		first = first[loc[1]:]
	} else {
		first = checkbox.ReplaceAllString(first, "")
	}
	st.Title = strings.TrimSpace(first)
	for i, m := range metaText {
		p.meta(&st, p.lineOf(metas[i]), m)
	}
	if st.Title == "" {
		if st.Action != nil && st.Action.Name != "" {
			st.Title = st.Action.Name
		} else {
			p.problem(st.Line, "the step has no text: say what it does in a sentence on the line of its number")
		}
	}
	if st.Action != nil && st.Action.Name == "" {
		st.Action.Name = st.Title
	}
	return st, true
}

// block reads a fenced block of a step: sh and faultdrill blocks make the
// step automated; other blocks are text for the person.
func (p *parser) block(st *Step, c *ast.FencedCodeBlock, body []byte) {
	lang := strings.ToLower(string(c.Language(body)))
	if lang != "sh" && lang != "faultdrill" {
		return
	}
	line := p.lineOf(c.Pos())
	if st.Action != nil {
		p.problem(line, "a second automated block in one step: give each sh or faultdrill block its own step")
		return
	}
	code := linesText(c, body)
	switch lang {
	case "sh":
		if len(bytes.TrimSpace(code)) == 0 {
			p.problem(line, "the sh block is empty: give it the commands to run, or remove it to make the step manual")
			return
		}
		st.Kind = Shell
		st.Action = &rollback.ActionSpec{Action: rollback.Command, Command: []string{"sh", "-ec", string(code)}}
	case "faultdrill":
		var a rollback.ActionSpec
		if err := yaml.UnmarshalWithOptions(code, &a, yaml.DisallowUnknownField(), yaml.Strict()); err != nil {
			l, msg := yamlError(err)
			p.problem(line+l, "faultdrill block: %s", msg)
			return
		}
		if !validAction(a.Action) {
			p.problem(line+1, "faultdrill block: action %q is not one of %s", a.Action, kinds())
			return
		}
		st.Kind = ActionStep
		st.Action = &a
	}
}

func validAction(k rollback.ActionKind) bool {
	for _, a := range rollback.ActionKinds() {
		if a == k {
			return true
		}
	}
	return false
}

func kinds() string {
	var names []string
	for _, a := range rollback.ActionKinds() {
		names = append(names, string(a))
	}
	return strings.Join(names, ", ")
}

// meta reads a step comment: "role: recovery lead; expect: 2m".
func (p *parser) meta(st *Step, line int, m string) {
	for field := range strings.SplitSeq(m, ";") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		key, value, ok := strings.Cut(field, ":")
		key, value = strings.TrimSpace(strings.ToLower(key)), strings.TrimSpace(value)
		switch {
		case !ok:
			p.problem(line, "step comment %q: write key: value pairs separated by ; (keys: role, expect)", field)
		case key == "role":
			st.Role = value
		case key == "expect":
			d, err := time.ParseDuration(value)
			if err != nil || d <= 0 {
				p.problem(line, "step comment: expect %q is not a positive duration such as 90s or 2m", value)
				continue
			}
			st.Expect = d
		default:
			p.problem(line, "step comment: unknown key %q (keys: role, expect)", key)
		}
	}
}

// linesText is the raw text of a block node's lines.
func linesText(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(src))
	}
	return b.Bytes()
}
