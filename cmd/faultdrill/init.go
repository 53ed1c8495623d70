package main

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/scenarios/examples"
)

// starter is the scenario `faultdrill init` writes: a drill of the user's
// own service, every placeholder marked EDIT.
//
//go:embed starter.yaml
var starter []byte

func initScenario(_ context.Context, args []string, e env) int {
	flags := newFlags("init", "[FILE]", "Write a commented starter scenario for your own service to FILE (default\n"+
		"faultdrill.yaml): every placeholder is marked EDIT. It never overwrites a file.",
		"faultdrill init my-drill.yaml && faultdrill plan my-drill.yaml", e.stderr)
	from := flags.String("from", "", "start from a bundled example instead, such as ledger-bad-release.yaml (the demo system)")
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
	src, next := starter, "edit the lines marked EDIT"
	if *from != "" {
		if src, err = bundledScenario(*from); err != nil {
			fmt.Fprintf(e.stderr, "faultdrill init: %v\n", err)
			return exitInvalid
		}
		next = "pass --var ledger=PATH/TO/bin/ledger to run it"
	}
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm.File)
	if errors.Is(err, fs.ErrExist) {
		fmt.Fprintf(e.stderr, "faultdrill init: %s already exists; give another file name, e.g. faultdrill init my-drill.yaml\n", dest)
		return exitInvalid
	}
	if err == nil {
		// The first line points editors (yaml-language-server) at the
		// scenario format's JSON Schema.
		_, err = fmt.Fprintf(f, "# yaml-language-server: $schema=%s\n%s", scenarios.SchemaID, src)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil && *from != "" {
		err = writeBundledRunbook(dest, src, e.stdout)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill init: %v\n", err)
		return exitError
	}
	fmt.Fprintf(e.stdout, "wrote %s; next: %s, faultdrill validate %s, faultdrill plan %s, then faultdrill run %s\n", dest, next, dest, dest, dest)
	return exitPassed
}

// bundledScenario returns a bundled example with its binary path made
// independent of the repository's layout.
func bundledScenario(name string) ([]byte, error) {
	b, err := fs.ReadFile(examples.FS(), name)
	if err != nil {
		names, _ := examples.Names()
		return nil, fmt.Errorf("no bundled scenario %q (bundled: %s)", name, strings.Join(names, ", "))
	}
	return []byte(strings.Replace(string(b), "  ledger: ../../bin/ledger",
		"  # The demo system's binary (make build leaves it in bin/ of the faultdrill repository).\n"+
			"  # Replace the services below with your own, or pass --var ledger=PATH.\n"+
			"  ledger: ./bin/ledger", 1)), nil
}
