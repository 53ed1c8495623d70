// Package testbrowser opens pages the project renders (the drill report,
// the trends page, the game day's report) in a real headless Chromium, for
// the specs that check them.
package testbrowser

import (
	"bytes"
	"context"
	"os/exec"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Chromium returns a headless-capable Chromium on PATH (Debian's package
// is "chromium"), or skips the spec saying how to install one.
func Chromium() string {
	GinkgoHelper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	Skip("no chromium on PATH: install Debian's chromium package (apt-get install -y chromium) to run this spec")
	return ""
}

// DumpDOM opens url in a headless Chromium and returns the DOM after the
// page's scripts ran, and Chromium's log (console messages included). The
// browser's whole process group is killed when ctx ends.
func DumpDOM(ctx context.Context, bin, url string) (dom, log string) {
	GinkgoHelper()
	cmd := exec.CommandContext(ctx, bin, "--headless=new", "--disable-gpu", "--no-sandbox",
		"--enable-logging=stderr", "--v=0", "--user-data-dir="+GinkgoT().TempDir(), "--dump-dom", url)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	Expect(cmd.Run()).To(Succeed(), stderr.String())
	return stdout.String(), stderr.String()
}
