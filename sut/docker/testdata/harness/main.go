// Command harness starts part of a drill on containers and then waits to
// be killed, so that tests can check what Cleanup finds afterwards. With
// --check D it only checks, within D, that an engine answers, and prints
// the error.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/faultdrill/faultdrill/sut"
	"github.com/faultdrill/faultdrill/sut/docker"
)

func main() {
	drill := flag.String("drill", "", "drill id")
	work := flag.String("work", "", "work dir")
	check := flag.Duration("check", 0, "only check, within this time, that an engine answers")
	flag.Parse()
	if *check > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), *check)
		defer cancel()
		if err := docker.Available(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, *drill, *work); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ready")
	// Killed here: no Close, no cleanup.
	time.Sleep(time.Hour)
}

func run(ctx context.Context, drill, work string) error {
	rt, err := docker.New(ctx, docker.Options{
		DrillID: drill,
		WorkDir: work,
		Services: map[string]sut.ServiceSpec{"store": {
			DataDir: true, Health: "/healthz", Initial: "v1",
			Versions: map[string]sut.VersionSpec{"v1": {
				Image:   docker.LedgerImage,
				Command: []string{"store", "--listen", "${addr}", "--data", "${data_dir}"},
			}},
		}},
	})
	if err != nil {
		return err
	}
	if _, err := rt.StartToxiproxy(ctx); err != nil {
		return err
	}
	_, err = rt.Start(ctx, "store", "v1", nil)
	return err
}
