package scenarios

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"

	"github.com/faultdrill/faultdrill/internal/boundedread"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Load reads, decodes, applies defaults and validates a scenario file. An
// invalid file, or one over the size limit (256 KiB; a pipe or a device is
// read no further than that), gives Problems, which match ErrInvalid; a
// file that cannot be read gives the underlying error, wrapped.
func Load(path string) (*Scenario, error) {
	return LoadWith(path)
}

// LoadOption changes a scenario after it is decoded and before its
// defaults are applied and it is validated.
type LoadOption func(*Scenario)

// WithRuntime overrides system.runtime (the --runtime flag), so that the
// scenario is validated for the runtime that will run it; "" keeps the
// scenario's own.
func WithRuntime(runtime string) LoadOption {
	return func(s *Scenario) {
		if runtime != "" {
			s.System.Runtime = runtime
		}
	}
}

// LoadWith is Load with options applied before validation.
func LoadWith(path string, opts ...LoadOption) (*Scenario, error) {
	src, err := boundedread.File(path, maxFileSize)
	if errors.Is(err, boundedread.ErrTooLarge) {
		return nil, Problems{{File: path, Line: 1, Col: 1, Message: tooLarge}}
	}
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	return ParseWith(path, src, opts...)
}

// tooLarge is the problem of a file over maxFileSize.
var tooLarge = fmt.Sprintf("the file is larger than %s, the limit for a scenario; trim it (a scenario needs a few KiB)", boundedread.Size(maxFileSize))

// Parse decodes, applies defaults to and validates the scenario in src, as
// Load does; path names the file in messages and anchors relative paths.
func Parse(path string, src []byte) (*Scenario, error) {
	return ParseWith(path, src)
}

// ParseWith is Parse with options applied before validation.
func ParseWith(path string, src []byte, opts ...LoadOption) (*Scenario, error) {
	at, problems := check(path, src)
	if len(problems) > 0 {
		return nil, append(problems, leniently(path, src, at, problems)...).err()
	}
	// check has rejected duplicate keys already; allowing them here lets
	// keys after a "<<" merge override the merged ones.
	var s Scenario
	decode := []yaml.DecodeOption{yaml.DisallowUnknownField(), yaml.Strict(), yaml.AllowDuplicateMapKey()}
	if err := yaml.UnmarshalWithOptions(src, &s, decode...); err != nil {
		return nil, Problems{decodeProblem(path, err)}
	}
	s.Path, s.Dir, s.at = path, absDir(path), at
	for _, o := range opts {
		o(&s)
	}
	s.ApplyDefaults()
	if err := validate(&s, path, at).err(); err != nil {
		return nil, err
	}
	return &s, nil
}

// leniently validates a scenario whose shape check found problems, so that
// one run of validate reports them all: where the file still decodes with
// its unknown keys ignored (a misspelt key, a key in the wrong place), the
// problems semantic validation finds are returned too. Where it does not
// (a node of the wrong shape), there is nothing sound to validate and it
// returns none. A problem on a line that already has one of shape is its
// consequence (a step whose only key is misspelt has no action) and is
// left out.
func leniently(path string, src []byte, at positions, shape Problems) Problems {
	if at == nil {
		return nil
	}
	var s Scenario
	if err := yaml.UnmarshalWithOptions(src, &s, yaml.AllowDuplicateMapKey()); err != nil {
		return nil
	}
	s.Path, s.Dir = path, absDir(path)
	s.ApplyDefaults()
	var out Problems
	for _, p := range validate(&s, path, at) {
		if !slices.ContainsFunc(shape, func(q Problem) bool { return q.Line == p.Line }) {
			out = append(out, p)
		}
	}
	return out
}

// check parses src and checks its shape against the Scenario type,
// returning the position of every node, or every problem found.
func check(path string, src []byte) (positions, Problems) {
	at1 := func(msg string) Problems { return Problems{{File: path, Line: 1, Col: 1, Message: msg}} }
	if len(src) > maxFileSize {
		return nil, at1(tooLarge)
	}
	if p := prescan(path, src); p != nil {
		return nil, Problems{*p}
	}
	file, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, Problems{decodeProblem(path, err)}
	}
	docs := documents(file)
	if len(docs) == 0 {
		return nil, at1("the file is empty; a scenario needs at least apiVersion, metadata, system and load")
	}
	c := newChecker(path)
	if len(docs) > 1 {
		c.add(docs[1], "the file holds more than one YAML document; keep one scenario per file")
	}
	c.at.record(nil, nodePos(docs[0]))
	c.value(nil, reflect.TypeFor[Scenario](), docs[0])
	return c.at, c.out
}

// documents returns the bodies of the non-empty documents of a file.
func documents(f *ast.File) []ast.Node {
	var out []ast.Node
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			out = append(out, d.Body)
		}
	}
	return out
}

// decodeProblem turns a goccy/go-yaml error into a Problem, at the error's
// token when it has one, else at the start of the file.
func decodeProblem(path string, err error) Problem {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
			return Problem{File: path, Line: tk.Position.Line, Col: tk.Position.Column, Message: yerr.GetMessage()}
		}
		return Problem{File: path, Line: 1, Col: 1, Message: yerr.GetMessage()}
	}
	return Problem{File: path, Line: 1, Col: 1, Message: err.Error()}
}

// absDir is the absolute folder of path, or its folder as given when the
// working directory is unknown.
func absDir(path string) string {
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}
