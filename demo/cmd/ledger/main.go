// Command ledger runs the demo system under test of faultdrill: the store
// and api tiers of a two-tier ledger, and its offline migrations.
//
//	ledger store --listen 127.0.0.1:7001 --data ./data
//	ledger api --listen 127.0.0.1:7000 --store http://127.0.0.1:7001
//	ledger migrate status --data ./data
//
// All behaviour lives in package ledger; this file only wires it to the
// process: arguments, standard streams, signals and the exit code.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	go func() {
		// After the first signal, a second one kills at once.
		<-ctx.Done()
		stop()
	}()
	code := ledger.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
