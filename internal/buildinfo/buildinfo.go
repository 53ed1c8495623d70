// Package buildinfo says which faultdrill is running: its module version,
// the VCS revision it was built from and the Go that built it, as the Go
// toolchain recorded them in the binary.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Module is faultdrill's module path.
const Module = "github.com/faultdrill/faultdrill"

// Info is what a binary knows about its own build.
type Info struct {
	// Version is the module version ("v1.2.0", a pseudo-version), or
	// "(devel)" for a build inside the repository.
	Version string `json:"version"`
	// Revision is the VCS commit, when the build recorded one.
	Revision string `json:"revision,omitempty"`
	// Modified is true when the working tree had uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// Go is the Go version that built the binary.
	Go string `json:"go"`
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
}

// Read returns the running binary's Info. Built with `go install
// MODULE/cmd/faultdrill@VERSION`, faultdrill is the main module; built
// into another module (a tools module, a replace), it is a dependency.
func Read() Info {
	info := Info{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	info.Go = bi.GoVersion
	mod := &bi.Main
	if mod.Path != Module {
		mod = nil
		for _, d := range bi.Deps {
			if d.Path == Module {
				mod = d
				if d.Replace != nil && d.Replace.Version != "" {
					mod = d.Replace
				}
			}
		}
	}
	if mod != nil && mod.Version != "" {
		info.Version = mod.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// String is one line: "faultdrill v1.2.0 (revision 1a2b3c4d5e6f, modified) go1.26.0 linux/amd64".
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "faultdrill %s", i.Version)
	if i.Revision != "" {
		rev := i.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		fmt.Fprintf(&b, " (revision %s", rev)
		if i.Modified {
			b.WriteString(", modified")
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, " %s %s", i.Go, i.Platform)
	return b.String()
}
