// Package gameday reads game-day files (kind: GameDay): a team's suite of
// drills run in order, with its participants and the window in which
// rollbacks may be rehearsed, and writes the combined report and the
// post-drill review of a game day that ran.
package gameday

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/faultdrill/faultdrill/internal/boundedread"
)

// Kind is the kind of a game-day file.
const Kind = "GameDay"

// APIVersion is the format version game-day files share with scenarios.
const APIVersion = "faultdrill/v1"

// File is a game-day file.
type File struct {
	APIVersion string `yaml:"apiVersion"`
	// Kind is always GameDay.
	Kind     string   `yaml:"kind"`
	Metadata Metadata `yaml:"metadata"`
	// Participants are who takes part, each with a role.
	Participants []Participant `yaml:"participants,omitempty"`
	// Window, when set, is when the game day may run.
	Window *Window `yaml:"window,omitempty"`
	// Drills run in order.
	Drills []Drill `yaml:"drills"`

	// path is the file's path; scenario paths are relative to its folder.
	path string
}

// Metadata names the game day and who owns it.
type Metadata struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description,omitempty"`
	// Owner owns the game day and, unless a scenario names its own, its
	// action items.
	Owner string `yaml:"owner,omitempty"`
}

// Roles a participant may have.
const (
	RoleRollbackOwner = "rollback-owner" // authorises rollbacks
	RoleRecoveryLead  = "recovery-lead"  // drives the recovery
	RoleObserver      = "observer"
)

// Participant is one person of the game day.
type Participant struct {
	Name string `yaml:"name"`
	// Role is rollback-owner, recovery-lead or observer.
	Role string `yaml:"role"`
}

// Window is when rollbacks may be rehearsed: days of the week and hours
// of the day in a time zone.
type Window struct {
	// TimeZone is an IANA zone such as Europe/Lisbon (default UTC).
	TimeZone string `yaml:"timeZone,omitempty"`
	// Days are mon, tue, wed, thu, fri, sat, sun (default every day).
	Days []string `yaml:"days,omitempty"`
	// Hours is a range HH:MM-HH:MM, such as 09:00-16:00.
	Hours string `yaml:"hours"`

	loc        *time.Location
	from, till int // minutes since midnight
	days       map[time.Weekday]bool
}

// Drill is one drill of the game day.
type Drill struct {
	// Scenario is the scenario file, relative to the game-day file.
	Scenario string `yaml:"scenario"`
	// Vars override vars the scenario declares, like run --var.
	Vars map[string]string `yaml:"vars,omitempty"`
	// Hypothesis is the sentence the drill tests, such as "a bad release
	// is rolled back within 10s without losing a write".
	Hypothesis string `yaml:"hypothesis"`
	// ContinueOnFailure runs the next drills when this one fails; without
	// it the game day stops.
	ContinueOnFailure bool `yaml:"continueOnFailure,omitempty"`
	// Owner owns this drill's action items instead of the scenario's
	// metadata.owner.
	Owner string `yaml:"owner,omitempty"`
}

// Path is the file's path.
func (f *File) Path() string { return f.path }

// ScenarioPath is the path of drill d's scenario file.
func (f *File) ScenarioPath(d Drill) string {
	if filepath.IsAbs(d.Scenario) {
		return d.Scenario
	}
	return filepath.Join(filepath.Dir(f.path), d.Scenario)
}

// Problem is one thing wrong with a game-day file, at its position.
type Problem struct {
	File      string
	Line, Col int
	Message   string
}

func (p Problem) Error() string { return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Message) }

// Problems are every problem of a file; they match ErrInvalid.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Is makes Problems match ErrInvalid.
func (ps Problems) Is(target error) bool { return target == ErrInvalid }

// ErrInvalid matches every invalid game-day file.
var ErrInvalid = errors.New("gameday: invalid file")

// maxFileSize bounds a game-day file.
const maxFileSize = 256 << 10

var yamlPos = regexp.MustCompile(`^\[(\d+):(\d+)\] (.*)`)

// Load reads, strictly decodes and validates the game-day file at path.
// A file over 256 KiB (or a device that never ends) is refused before it
// is decoded.
func Load(path string) (*File, error) {
	src, err := boundedread.File(path, maxFileSize)
	if errors.Is(err, boundedread.ErrTooLarge) {
		return nil, Problems{{File: path, Line: 1, Col: 1, Message: "the file is larger than 256 KiB, the limit for a game day; trim it"}}
	}
	if err != nil {
		return nil, fmt.Errorf("gameday: %w", err)
	}
	return Parse(path, src)
}

// maxDepth bounds the nesting of flow collections ([ and {) the decoder
// is given: a game day needs a few levels.
const maxDepth = 64

// tooDeep reports whether src nests [ and { deeper than maxDepth (quoted
// brackets count too: an approximation on the safe side).
func tooDeep(src []byte) bool {
	depth := 0
	for _, c := range src {
		switch c {
		case '[', '{':
			if depth++; depth > maxDepth {
				return true
			}
		case ']', '}':
			depth = max(0, depth-1)
		}
	}
	return false
}

// Parse decodes and validates the game-day file in src; path names it in
// problems and anchors scenario paths.
func Parse(path string, src []byte) (*File, error) {
	if tooDeep(src) {
		return nil, Problems{{File: path, Line: 1, Col: 1, Message: "the YAML nests brackets deeper than 64 levels, the limit for a game day; flatten it"}}
	}
	var f File
	if err := yaml.UnmarshalWithOptions(src, &f, yaml.DisallowUnknownField(), yaml.Strict()); err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		if m := yamlPos.FindStringSubmatch(first); m != nil {
			line, _ := strconv.Atoi(m[1])
			col, _ := strconv.Atoi(m[2])
			return nil, Problems{{File: path, Line: line, Col: col, Message: m[3]}}
		}
		return nil, Problems{{File: path, Line: 1, Col: 1, Message: first}}
	}
	f.path = path
	v := validator{path: path, src: src}
	f.validate(&v)
	if len(v.problems) > 0 {
		return nil, v.problems
	}
	return &f, nil
}

// validator collects problems, each at the position of its YAML path.
type validator struct {
	path     string
	src      []byte
	problems Problems
}

func (v *validator) add(at, format string, args ...any) {
	line, col := 1, 1
	if file, err := parser.ParseBytes(v.src, 0); err == nil {
		if p, err := yaml.PathString("$." + at); err == nil {
			if n, err := p.FilterFile(file); err == nil && n != nil {
				tk := n.GetToken()
				line, col = tk.Position.Line, tk.Position.Column
			}
		}
	}
	v.problems = append(v.problems, Problem{File: v.path, Line: line, Col: col, Message: at + ": " + fmt.Sprintf(format, args...)})
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

func (f *File) validate(v *validator) {
	if f.APIVersion != APIVersion {
		v.add("apiVersion", "is %q; write %s", f.APIVersion, APIVersion)
	}
	if f.Kind != Kind {
		v.add("kind", "is %q; a game-day file has kind: %s", f.Kind, Kind)
	}
	if f.Metadata.Name == "" {
		v.add("metadata", "has no name; give metadata.name, such as payments-q4-gameday")
	}
	roles := []string{RoleRollbackOwner, RoleRecoveryLead, RoleObserver}
	for i, p := range f.Participants {
		if p.Name == "" {
			v.add(fmt.Sprintf("participants[%d]", i), "has no name")
		}
		if !slices.Contains(roles, p.Role) {
			v.add(fmt.Sprintf("participants[%d].role", i), "is %q; use %s", p.Role, strings.Join(roles, ", "))
		}
	}
	if w := f.Window; w != nil {
		w.compile(v)
	}
	if len(f.Drills) == 0 {
		v.add("drills", "is empty; list the drills to run, each with a scenario and a hypothesis")
	}
	for i, d := range f.Drills {
		at := fmt.Sprintf("drills[%d]", i)
		switch {
		case d.Scenario == "":
			v.add(at, "has no scenario; give the path of a scenario file")
		default:
			if _, err := os.Stat(f.ScenarioPath(d)); err != nil {
				v.add(at+".scenario", "%s does not exist; give a scenario file's path relative to this file", d.Scenario)
			}
		}
		if strings.TrimSpace(d.Hypothesis) == "" {
			v.add(at, "has no hypothesis; say in one sentence what the drill should show")
		}
	}
}

func (w *Window) compile(v *validator) {
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		v.add("window.timeZone", "%q is not a time zone; use an IANA name such as Europe/Lisbon", w.TimeZone)
		loc = time.UTC
	}
	w.loc = loc
	w.days = map[time.Weekday]bool{}
	for i, d := range w.Days {
		wd, ok := weekdays[strings.ToLower(d)]
		if !ok {
			v.add(fmt.Sprintf("window.days[%d]", i), "%q is not a day; use mon, tue, wed, thu, fri, sat or sun", d)
		}
		w.days[wd] = true
	}
	if len(w.Days) == 0 {
		for _, wd := range weekdays {
			w.days[wd] = true
		}
	}
	from, till, ok := strings.Cut(w.Hours, "-")
	var e1, e2 error
	w.from, e1 = minutes(from)
	w.till, e2 = minutes(till)
	if !ok || e1 != nil || e2 != nil || w.from >= w.till {
		v.add("window.hours", "%q is not a range of hours of one day; write HH:MM-HH:MM, such as 09:00-16:00", w.Hours)
	}
}

func minutes(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Allows reports whether the window is open at now; when it is not, next
// is when it opens next.
func (w *Window) Allows(now time.Time) (ok bool, next time.Time) {
	t := now.In(w.loc)
	for day := 0; day <= 7; day++ {
		d := time.Date(t.Year(), t.Month(), t.Day()+day, 0, 0, 0, 0, w.loc)
		if !w.days[d.Weekday()] {
			continue
		}
		open, close := d.Add(time.Duration(w.from)*time.Minute), d.Add(time.Duration(w.till)*time.Minute)
		if day == 0 && !t.Before(open) && t.Before(close) {
			return true, time.Time{}
		}
		if open.After(t) {
			return false, open
		}
	}
	return false, time.Time{}
}

// String says the window in words: "mon, tue 09:00-16:00 Europe/Lisbon".
func (w *Window) String() string {
	days := "every day"
	if len(w.Days) > 0 {
		days = strings.Join(w.Days, ", ")
	}
	return fmt.Sprintf("%s %s %s", days, w.Hours, w.loc)
}

// IsGameDay reports whether the file at path says kind: GameDay at its
// top level, so that a command given files of both kinds can tell them
// apart. It reads at most 256 KiB and does not parse the YAML.
func IsGameDay(path string) bool {
	src, err := boundedread.File(path, maxFileSize)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(src), "\n") {
		v, ok := strings.CutPrefix(line, "kind:")
		if !ok {
			continue
		}
		v, _, _ = strings.Cut(v, "#")
		return strings.Trim(strings.TrimSpace(v), `"'`) == Kind
	}
	return false
}
