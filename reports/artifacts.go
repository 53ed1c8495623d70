package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// Artifact is one file or folder of a drill folder that the HTML report
// links to.
type Artifact struct {
	// Path is relative to the drill folder, with forward slashes; a
	// folder's ends in "/".
	Path string
	// What says what it holds, for the files faultdrill writes; empty
	// for others.
	What string
}

// artifactNotes says what each file faultdrill writes into a drill
// folder holds, in the order the report lists them; a name ending in "/"
// is a folder of such files.
var artifactNotes = []struct{ name, what string }{
	{FileName, "the verdict and every figure behind it"},
	{MarkdownFileName, "the Markdown summary"},
	{JUnitFileName, "one test case per step, action, verifier and gate"},
	{JournalFileName, "every decision and event, one JSON line each"},
	{"history.jsonl", "every operation of the load"},
	{"faults.jsonl", "the fault ledger"},
	{"scenario.yaml", "the scenario as run"},
	{"linearizability.html", "porcupine's visualisation of the history"},
	{"logs/", "a service version's log"},
	{"data/", "a service's data"},
	{"snapshots/", "a snapshot"},
}

// artifactRank is where name (a file, or a folder ending in "/") comes in
// artifactNotes, and what it holds; len(artifactNotes) for others.
func artifactRank(name string) (int, string) {
	for i, n := range artifactNotes {
		if n.name == name {
			return i, n.what
		}
	}
	return len(artifactNotes), ""
}

// maxArtifacts caps how many entries of one folder (logs/, data/,
// snapshots/) the report lists; the rest are counted.
const maxArtifacts = 50

// Artifacts lists what the drill folder dir holds besides report.html, for
// the HTML report to link to: its files, and one level into logs/, data/
// and snapshots/ (the services' logs, data directories and snapshots), in
// a fixed order: faultdrill's own files first, then the rest by name.
func Artifacts(dir string) ([]Artifact, error) {
	root := os.DirFS(dir)
	top, err := fs.ReadDir(root, ".")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("reports: list %s: %w", dir, err)
	}
	type ranked struct {
		Artifact
		rank int
	}
	var out []ranked
	add := func(p, group string) {
		rank, what := artifactRank(group)
		out = append(out, ranked{Artifact{Path: p, What: what}, rank})
	}
	for _, e := range top {
		name := e.Name()
		switch {
		case name == HTMLFileName || strings.HasPrefix(name, "."):
			continue
		case e.IsDir():
			inner, err := fs.ReadDir(root, name)
			if err != nil {
				return nil, fmt.Errorf("reports: list %s: %w", path.Join(dir, name), err)
			}
			for i, f := range inner {
				if i == maxArtifacts {
					rank, _ := artifactRank(name + "/")
					out = append(out, ranked{Artifact{Path: name + "/", What: fmt.Sprintf("and %d more", len(inner)-i)}, rank})
					break
				}
				p := path.Join(name, f.Name())
				if f.IsDir() {
					p += "/"
				}
				add(p, name+"/")
			}
		default:
			add(name, name)
		}
	}
	slices.SortStableFunc(out, func(a, b ranked) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return strings.Compare(a.Path, b.Path)
	})
	list := make([]Artifact, len(out))
	for i, a := range out {
		list[i] = a.Artifact
	}
	return list, nil
}
