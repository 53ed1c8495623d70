package ledger

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

const migrateUsage = `Usage: ledger migrate up|down|status|digest --data DIR [--to N] [--defect NAME]...

Runs the store's migrations offline and prints the schema version.
  up      apply migrations up to N (default: the latest this release knows)
  down    revert migrations down to N (default: one step); down can revert
          every migration this program knows, the rewrite's (6) included
  status  list migrations and whether each is applied
  digest  print the schema version and a SHA-256 of the data, one line:
          schema=N data=sha256:HEX (for idempotency checks)

Flags:
  --data DIR     data directory holding ledger.db (required; up creates it)
  --to N         target schema version
  --defect NAME  plant a migration defect (repeatable; "none" plants nothing):
                   migration-rewrite     up also applies migration 6, which rewrites data
                   non-idempotent-down   the rewrite's down divides every amount by 100
                                         on every run, even when the schema is already there

Example:
  ledger migrate down --data ./data --to 5
`

func runMigrate(ctx context.Context, args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("migrate")
	data := fs.String("data", "", "data `DIR` holding ledger.db (required)")
	var defects defectFlags
	fs.Var(&defects, "defect", "plant a migration defect, `NAME`, repeatable")
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
		return usagef("want exactly one of up, down, status or digest")
	case *data == "":
		return usagef("--data is required, such as --data ./data")
	}
	d, err := defects.plant(TierMigrate)
	if err != nil {
		return err
	}
	m := Migrator{DataDir: *data, Defects: d}
	switch positional[0] {
	case "up":
		return migrateUp(ctx, stdout, m, to)
	case "down":
		return migrateDown(ctx, stdout, m, to)
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		return printStatus(stdout, st)
	case "digest":
		dg, err := Digest(ctx, *data)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, dg)
		return nil
	}
	return usagef("unknown action %q: want up, down, status or digest", positional[0])
}

func migrateUp(ctx context.Context, w io.Writer, m Migrator, to int) error {
	switch {
	case to < 0:
		to = m.Latest()
	case to > m.Latest() && to <= m.Known():
		return usagef("--to %d: this release knows schema versions 0 to %d; %d comes with --defect migration-rewrite", to, m.Latest(), to)
	case to > m.Latest():
		return usagef("--to %d: this release knows schema versions 0 to %d", to, m.Latest())
	}
	steps, err := m.Up(ctx, to)
	return report(w, steps, to, err)
}

func migrateDown(ctx context.Context, w io.Writer, m Migrator, to int) error {
	switch {
	case to > m.Known():
		return usagef("--to %d: this program knows schema versions 0 to %d", to, m.Known())
	case to < 0:
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		to = max(st.Version-1, 0)
	}
	steps, err := m.Down(ctx, to)
	return report(w, steps, to, err)
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
	known := 0
	for _, m := range st.Migrations {
		state := "pending"
		if m.Applied {
			state = "applied " + m.AppliedAt.Format(time.RFC3339)
		}
		name := m.Name
		if m.Defect != "" {
			name += " (defect " + m.Defect + ")"
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\n", m.Version, name, state)
		known = max(known, m.Version)
	}
	if st.Version > known {
		fmt.Fprintf(tw, "  %d\t(unknown to this release)\tapplied\n", st.Version)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("ledger: status: %w", err)
	}
	return nil
}
