package sut_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
)

func TestSUT(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "sut")
}

// binDir holds the test service and harness binaries, built once for the suite.
var binDir string

var _ = BeforeSuite(func() {
	binDir = GinkgoT().TempDir()
	build := exec.Command("go", "build", "-o", binDir+"/", "./testdata/svc", "./testdata/harness")
	build.Stdout, build.Stderr = GinkgoWriter, GinkgoWriter
	Expect(build.Run()).To(Succeed())
})

// svcBin is the absolute path of the test service.
func svcBin() string { return filepath.Join(binDir, "svc") }

// svcVersion runs the test service with its address and version expanded.
func svcVersion(extra ...string) sut.VersionSpec {
	return sut.VersionSpec{Command: append([]string{svcBin(), "--listen", "${addr}", "--version", "${version}"}, extra...)}
}

// events records runtime events; it is safe for concurrent use.
type events struct {
	mu  sync.Mutex
	all []sut.Event
}

func (e *events) add(ev sut.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
}

func (e *events) list() []sut.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]sut.Event(nil), e.all...)
}

func (e *events) kinds(service string) []string {
	var out []string
	for _, ev := range e.list() {
		if ev.Service == service {
			out = append(out, ev.Version+" "+ev.Kind)
		}
	}
	return out
}

// newRuntime returns a process runtime over a fresh work dir, with events
// recorded, closed after the spec.
func newRuntime(services map[string]sut.ServiceSpec, vars map[string]string) (*sut.Process, *events, string) {
	work := GinkgoT().TempDir()
	ev := &events{}
	rt, err := sut.NewProcess(sut.ProcessOptions{
		Services: services, BaseDir: binDir, WorkDir: work, Vars: vars, OnEvent: ev.add,
	})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		Expect(rt.Close(ctx)).To(Succeed())
	})
	return rt, ev, work
}

// get returns the body of GET http://addr+path, bounded in time.
func get(addr, path string) (string, error) {
	c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return string(b), err
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}
