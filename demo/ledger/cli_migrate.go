package ledger

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

const migrateUsage = `Usage: ledger migrate up|down|status --data DIR [--to N]

Runs the store's migrations offline and prints the schema version.
  up      apply migrations up to N (default: the latest this release knows)
  down    revert migrations down to N (default: one step)
  status  list migrations and whether each is applied

Flags:
  --data DIR   data directory holding ledger.db (required; up creates it)
  --to N       target schema version

Example:
  ledger migrate down --data ./data --to 1
`

func runMigrate(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("migrate")
	data := fs.String("data", "", "data `DIR` holding ledger.db (required)")
	to := -1
	fs.Func("to", "target schema `N`", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("want a schema version of 0 or more, not %q", v)
		}
		to = n
		return nil
	})
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(positional) != 1:
		return usagef("want exactly one of up, down or status")
	case *data == "":
		return usagef("--data is required, such as --data ./data")
	case to > len(Migrations()):
		return usagef("--to %d: this release knows schema versions 0 to %d", to, len(Migrations()))
	}
	switch positional[0] {
	case "up":
		if to < 0 {
			to = len(Migrations())
		}
		steps, err := MigrateUp(ctx, *data, to)
		return report(stdout, steps, to, err)
	case "down":
		if to < 0 {
			st, err := Status(ctx, *data)
			if err != nil {
				return err
			}
			to = max(st.Version-1, 0)
		}
		steps, err := MigrateDown(ctx, *data, to)
		return report(stdout, steps, to, err)
	case "status":
		st, err := Status(ctx, *data)
		if err != nil {
			return err
		}
		return printStatus(stdout, st)
	}
	return usagef("unknown action %q: want up, down or status", positional[0])
}

// report prints the steps that ran and, on success, the schema version.
func report(w io.Writer, steps []Step, version int, err error) error {
	for _, s := range steps {
		verb := "applied"
		if s.Down {
			verb = "reverted"
		}
		fmt.Fprintf(w, "%s %d %s\n", verb, s.Version, s.Name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "schema version %d\n", version)
	return nil
}

func printStatus(w io.Writer, st SchemaStatus) error {
	fmt.Fprintf(w, "schema version %d (this release knows up to %d)\n", st.Version, st.Latest)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, m := range st.Migrations {
		state := "pending"
		if m.Applied {
			state = "applied " + m.AppliedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", m.Version, m.Name, state)
	}
	if st.Version > st.Latest {
		fmt.Fprintf(tw, "  %d\t(unknown to this release)\tapplied\n", st.Version)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("ledger: status: %w", err)
	}
	return nil
}
