package sut_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/faultdrill/faultdrill/sut"
)

// BenchmarkDemoUpDown brings the demo system (the ledger's store and api,
// built once) up healthy on the process runtime and tears it down again:
// one iteration is one full up and down, reported as ms/up-down.
func BenchmarkDemoUpDown(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "ledger")
	build := exec.Command("go", "build", "-o", bin, "../demo/cmd/ledger")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build the demo ledger: %v\n%s", err, out)
	}
	services := map[string]sut.ServiceSpec{
		"store": {Health: "/healthz", DataDir: true, Versions: map[string]sut.VersionSpec{
			"v1": {Command: []string{bin, "store", "--listen", "${addr}", "--data", "${data_dir}", "--version", "${version}"}},
		}},
		"api": {Health: "/healthz", Versions: map[string]sut.VersionSpec{
			"v1": {Command: []string{bin, "api", "--listen", "${addr}", "--store", "http://${store}", "--version", "${version}"}},
		}},
	}
	var total time.Duration
	for b.Loop() {
		began := time.Now()
		upDown(b, services)
		total += time.Since(began)
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(time.Millisecond), "ms/up-down")
}

// upDown starts store then api, each healthy, and closes the runtime.
func upDown(b *testing.B, services map[string]sut.ServiceSpec) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rt, err := sut.NewProcess(sut.ProcessOptions{Services: services, WorkDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := rt.Close(ctx); err != nil {
			b.Fatal(err)
		}
	}()
	store, err := rt.Start(ctx, "store", "v1", nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := rt.Start(ctx, "api", "v1", map[string]string{"store": store.Addr}); err != nil {
		b.Fatal(err)
	}
}
