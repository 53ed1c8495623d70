// Command harness stands in for faultdrill in the sut tests: it starts one
// service (which leaves a child that ignores SIGTERM) through the process
// runtime, prints "ready PID", and waits to be killed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/faultdrill/faultdrill/sut"
)

func main() {
	work := flag.String("work", "", "work dir")
	svc := flag.String("svc", "", "path of the test service")
	flag.Parse()

	script := `(trap '' TERM; exec sleep 100) & echo $$! > ${data_dir}/child.pid; exec ` +
		*svc + ` --listen ${addr} --version ${version}`
	rt, err := sut.NewProcess(sut.ProcessOptions{
		WorkDir: *work,
		Services: map[string]sut.ServiceSpec{"api": {
			Health: "/healthz", DataDir: true,
			Versions: map[string]sut.VersionSpec{"v1": {Command: []string{"sh", "-c", script}}},
		}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	inst, err := rt.Start(ctx, "api", "v1", nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("ready %d\n", inst.PID)
	<-ctx.Done() // the test kills us long before
	_ = rt.Close(context.Background())
}
