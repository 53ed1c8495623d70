// Command harness stands in for a faultdrill drill in the cleanup tests. In
// the drill folder given by --drill it takes the drill lock, starts two
// services through the process runtime (each leaves a child in its process
// group), puts a link to "api" behind a remote toxiproxy server with a
// latency fault on it, pauses "worker" through the fault controller, prints
// one JSON line describing what it made, and waits to be killed.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/faultdrill/faultdrill/cleanup"
	"github.com/faultdrill/faultdrill/faults"
	"github.com/faultdrill/faultdrill/sut"
)

// Ready is the line the harness prints once everything is in place.
type Ready struct {
	API    string `json:"api"`
	Worker string `json:"worker"`
	Link   string `json:"link"`
}

func main() {
	dir := flag.String("drill", "", "drill folder")
	svc := flag.String("svc", "", "path of the test service")
	remote := flag.String("toxiproxy", "", "host:port of a toxiproxy server")
	flag.Parse()
	if err := run(*dir, *svc, *remote); err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
}

func run(dir, svc, remote string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	lock, err := cleanup.WriteLock(dir)
	if err != nil {
		return err
	}
	defer lock.Release()

	// A child that ignores SIGTERM and SIGHUP stays in the group after the
	// service itself is gone: only the pid file can find it.
	script := `(trap '' TERM HUP; exec sleep 100) & exec ` + svc + ` --listen ${addr} --version ${version}`
	version := map[string]sut.VersionSpec{"v1": {Command: []string{"sh", "-c", script}}}
	rt, err := sut.NewProcess(sut.ProcessOptions{WorkDir: dir, Services: map[string]sut.ServiceSpec{
		"api":    {Health: "/healthz", Versions: version},
		"worker": {Health: "/healthz", Versions: version},
	}})
	if err != nil {
		return err
	}
	defer rt.Close(context.Background())
	api, err := rt.Start(ctx, "api", "v1", nil)
	if err != nil {
		return err
	}
	worker, err := rt.Start(ctx, "worker", "v1", nil)
	if err != nil {
		return err
	}

	ctl, err := faults.Start(ctx, faults.Options{
		Remote: remote, LedgerPath: filepath.Join(dir, cleanup.LedgerFileName), Processes: rt,
	})
	if err != nil {
		return err
	}
	defer ctl.Close(context.Background())
	link, err := ctl.AddLink(ctx, faults.LinkSpec{Name: "client-api", From: "client", To: "api"}, api.Addr)
	if err != nil {
		return err
	}
	if _, err := ctl.Inject(ctx, faults.Spec{Kind: faults.Latency, Link: "client-api", Latency: 300 * time.Millisecond}); err != nil {
		return err
	}
	if _, err := ctl.Inject(ctx, faults.Spec{Kind: faults.Pause, Service: "worker"}); err != nil {
		return err
	}

	line, err := json.Marshal(Ready{API: api.Addr, Worker: worker.Addr, Link: link})
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	<-ctx.Done() // the test kills us long before
	return nil
}
