// Package examples holds the scenarios bundled with faultdrill, as data:
// `faultdrill init` copies one to start a new drill from.
package examples

import (
	"embed"
	"io/fs"
)

// files holds every example scenario, and the runbooks they walk.
//
//go:embed *.yaml runbooks/*.md
var files embed.FS

// FS returns the bundled example scenarios; each file is a scenario at the
// top level of the file system, such as "ledger-bad-release.yaml".
func FS() fs.FS { return files }

// Names returns the file names of the bundled scenarios, in order.
func Names() ([]string, error) {
	return fs.Glob(files, "*.yaml")
}
