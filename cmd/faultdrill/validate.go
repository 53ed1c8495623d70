package main

import (
	"context"
	"fmt"

	"github.com/faultdrill/faultdrill/internal/term"
	"github.com/faultdrill/faultdrill/scenarios"
)

func validate(_ context.Context, args []string, e env) int {
	fs := newFlags("validate", "FILE...", "Check scenario files: every problem of every file is reported, one line each,\nas file:line:col: what is wrong.",
		"faultdrill validate scenarios/examples/*.yaml", e.stderr)
	files, err := parse(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "faultdrill validate: give at least one scenario file, e.g. faultdrill validate scenarios/examples/ledger-bad-release.yaml")
		return exitInvalid
	}
	code := exitPassed
	for _, f := range files {
		if _, err := scenarios.Load(f); err != nil {
			fmt.Fprintln(e.stderr, term.EscapeText(err.Error()))
			code = exitInvalid
			continue
		}
		fmt.Fprintf(e.stdout, "%s: ok\n", term.Escape(f))
	}
	return code
}

func schema(_ context.Context, args []string, e env) int {
	fs := newFlags("schema", "", "Print the JSON Schema of the scenario format (draft 2020-12), for editors.",
		"faultdrill schema > faultdrill.schema.json", e.stderr)
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	b, err := scenarios.Schema()
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill schema: %v\n", err)
		return exitError
	}
	fmt.Fprintln(e.stdout, string(b))
	return exitPassed
}
