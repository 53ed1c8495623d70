package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/scenarios/examples"
)

// starter is the bundled scenario `faultdrill init` copies.
const starter = "ledger-bad-release.yaml"

func initScenario(_ context.Context, args []string, e env) int {
	flags := newFlags("init", "[FILE]", "Write a commented starter scenario (the bundled ledger drill) to FILE\n"+
		"(default faultdrill.yaml), to edit into a drill of your own system. It never overwrites a file.",
		"faultdrill init my-drill.yaml && faultdrill plan my-drill.yaml", e.stderr)
	from := flags.String("from", starter, "bundled scenario to start from")
	files, err := parse(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(files) > 1 {
		fmt.Fprintln(e.stderr, "faultdrill init: give at most one file name, e.g. faultdrill init my-drill.yaml")
		return exitInvalid
	}
	dest := "faultdrill.yaml"
	if len(files) == 1 {
		dest = files[0]
	}
	src, err := starterScenario(*from)
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill init: %v\n", err)
		return exitInvalid
	}
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(e.stderr, "faultdrill init: %s already exists; give another file name, e.g. faultdrill init my-drill.yaml\n", dest)
		return exitInvalid
	}
	if err == nil {
		_, err = f.Write(src)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill init: %v\n", err)
		return exitError
	}
	fmt.Fprintf(e.stdout, "wrote %s; next: faultdrill plan %s, then faultdrill run %s --var ledger=PATH/TO/bin/ledger\n", dest, dest, dest)
	return exitPassed
}

// starterScenario returns a bundled scenario with its binary path made
// independent of the repository's layout, under a first line that points
// editors (yaml-language-server) at the scenario format's JSON Schema.
func starterScenario(name string) ([]byte, error) {
	b, err := fs.ReadFile(examples.FS(), name)
	if err != nil {
		names, _ := examples.Names()
		return nil, fmt.Errorf("no bundled scenario %q (bundled: %s)", name, strings.Join(names, ", "))
	}
	return []byte("# yaml-language-server: $schema=" + scenarios.SchemaID + "\n" + strings.Replace(string(b), "  ledger: ../../bin/ledger",
		"  # The demo system's binary (make build leaves it in bin/ of the faultdrill repository).\n"+
			"  # Replace the services below with your own, or pass --var ledger=PATH.\n"+
			"  ledger: ./bin/ledger", 1)), nil
}
