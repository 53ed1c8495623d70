package cleanup_test

import (
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestCleanup(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "cleanup")
}

// binDir holds the harness, the test service and a toxiproxy server, built
// once for the suite.
var binDir string

var _ = BeforeSuite(func() {
	binDir = GinkgoT().TempDir()
	for _, args := range [][]string{
		{"build", "-o", binDir + "/", "./testdata/harness", "../sut/testdata/svc"},
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
	// Below the kernel's ephemeral range (32768 and up by default), so
	// that no outgoing connection takes the port before the server binds.
	var addr string
	for addr == "" || !portFree(addr) {
		addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(20000+rand.IntN(12000)))
	}
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

// portFree reports whether addr can be listened on.
func portFree(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// stat returns the state letter and start ticks of pid from /proc.
func stat(pid int) (byte, uint64) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0
	}
	f := strings.Fields(string(raw)[strings.LastIndexByte(string(raw), ')')+2:])
	ticks, _ := strconv.ParseUint(f[19], 10, 64)
	return f[0][0], ticks
}

func state(pid int) byte { s, _ := stat(pid); return s }
