package ledger

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Exit codes of Main.
const (
	// ExitOK: the command did its work, or a tier stopped on a signal.
	ExitOK = 0
	// ExitFailure: the command ran and failed (port in use, database
	// error, schema too new).
	ExitFailure = 1
	// ExitUsage: the command line is wrong.
	ExitUsage = 2
)

const mainUsage = `ledger is the demo system under test of faultdrill: a two-tier ledger.

Usage:
  ledger store   --listen HOST:PORT --data DIR [--version v1] [--defect NAME[=VALUE]]...
  ledger api     --listen HOST:PORT --store URL [--store-timeout 2s] [--flag-refresh 1s] [--version v1] [--seed 1] [--defect NAME[=VALUE]]...
  ledger migrate up|down|status|digest --data DIR [--to N] [--defect NAME]...

Example:
  ledger store --listen 127.0.0.1:7001 --data ./data &
  ledger api --listen 127.0.0.1:7000 --store http://127.0.0.1:7001 --version v2 --defect lost-writes=0.1

Run "ledger COMMAND -h" for the flags of a command.
`

// command is one subcommand of the ledger CLI.
type command struct {
	usage string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"store":   {usage: storeUsage, run: runStore},
		"api":     {usage: apiUsage, run: runAPI},
		"migrate": {usage: migrateUsage, run: runMigrate},
	}
}

// Main runs the ledger command line with args (the program name left out)
// and returns the exit code. When ctx ends (cmd/ledger ends it on SIGTERM
// or SIGINT) a running tier shuts down gracefully and Main returns ExitOK.
// Every failure is reported as one line on stderr.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "ledger: a command is required: store, api or migrate (see ledger help)")
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, mainUsage)
		return ExitOK
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprintf(stderr, "ledger: unknown command %q: want store, api or migrate (see ledger help)\n", name)
		return ExitUsage
	}
	err := cmd.run(ctx, args[1:], stdout, stderr)
	var usage *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, cmd.usage)
		return ExitOK
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "ledger %s: %s (see ledger %s -h)\n", name, oneLine(err), name)
		return ExitUsage
	default:
		fmt.Fprintf(stderr, "ledger %s: %s\n", name, oneLine(err))
		return ExitFailure
	}
}

// usageError is a wrong command line; Main exits ExitUsage on it.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// oneLine renders err for the terminal: one line, without the package
// prefix that Main's own "ledger CMD:" already gives.
func oneLine(err error) string {
	s := strings.TrimPrefix(err.Error(), "ledger: ")
	return strings.Join(strings.Fields(s), " ")
}

// newFlagSet returns a flag set that reports errors to Main instead of
// printing them with the whole usage.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("ledger "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseArgs parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for range len(args) + 1 {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err: err}
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return positional, nil
}

// newLogger logs the tiers' events as text lines on w.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
