package faults_test

import (
	"context"
	"math/rand/v2"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFaults(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "faults")
}

// binDir holds the test service (sut/testdata/svc) and a toxiproxy server
// built from the pinned module, built once for the suite.
var binDir string

var _ = BeforeSuite(func() {
	binDir = GinkgoT().TempDir()
	for _, args := range [][]string{
		{"build", "-o", filepath.Join(binDir, "svc"), "../sut/testdata/svc"},
		{"build", "-o", filepath.Join(binDir, "toxiproxy"), "github.com/Shopify/toxiproxy/v2/cmd/server"},
	} {
		build := exec.Command("go", args...)
		build.Stdout, build.Stderr = GinkgoWriter, GinkgoWriter
		Expect(build.Run()).To(Succeed(), "go %v", args)
	}
})

// startToxiproxy runs a real toxiproxy server process on a free loopback
// port, killed after the spec, and returns its host:port once it answers.
func startToxiproxy() string {
	GinkgoHelper()
	addr := freeAddr()
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(filepath.Join(binDir, "toxiproxy"), "-host", host, "-port", port)
	cmd.Stdout, cmd.Stderr = GinkgoWriter, GinkgoWriter
	Expect(cmd.Start()).To(Succeed())
	DeferCleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	cl := tpclient.NewClient(addr)
	Eventually(func() error { _, err := cl.Version(); return err }).
		WithTimeout(10 * time.Second).WithPolling(20 * time.Millisecond).Should(Succeed())
	return addr
}

// freeAddr returns a loopback address whose port was free a moment ago,
// below the kernel's ephemeral range (32768 and up by default) so that no
// outgoing connection takes it before the server binds it.
func freeAddr() string {
	GinkgoHelper()
	for range 100 {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(20000+rand.IntN(12000)))
		if portFree(addr) {
			return addr
		}
	}
	Fail("no free port between 20000 and 32000")
	return ""
}

// portFree reports whether addr can be listened on.
func portFree(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// ctxFor returns a context bounded by d, cancelled after the spec.
func ctxFor(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	DeferCleanup(cancel)
	return ctx
}
