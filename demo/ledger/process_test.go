package ledger_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

// binary is the ledger command, built once, statically, for the suite.
var binary string

var _ = BeforeSuite(func(ctx SpecContext) {
	dir, err := os.MkdirTemp("", "ledger-bin-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	binary = filepath.Join(dir, "ledger")
	build := exec.CommandContext(ctx, "go", "build", "-o", binary, "github.com/faultdrill/faultdrill/demo/cmd/ledger")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(out))
}, NodeTimeout(3*time.Minute))

// listenAddr matches the address a tier logs once it listens.
var listenAddr = regexp.MustCompile(`listening" addr=(\S+)`)

// startTier runs the ledger binary with args and returns the session and
// the base URL it listens on; the process is killed if the spec leaves it.
func startTier(args ...string) (*gexec.Session, string) {
	GinkgoHelper()
	s, err := gexec.Start(exec.Command(binary, args...), GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { s.Kill().Wait(5 * time.Second) })
	Eventually(s.Err).WithTimeout(10 * time.Second).Should(gbytes.Say(`listening`))
	m := listenAddr.FindSubmatch(s.Err.Contents())
	Expect(m).NotTo(BeNil(), string(s.Err.Contents()))
	return s, "http://" + string(m[1])
}

// stop sends SIGTERM and expects a clean exit.
func stop(s *gexec.Session) {
	GinkgoHelper()
	s.Signal(syscall.SIGTERM)
	Eventually(s).WithTimeout(10 * time.Second).Should(gexec.Exit(0))
	Expect(s.Err).To(gbytes.Say(`stopped`))
}

var _ = Describe("the ledger binary", func() {
	It("serves both tiers, stops on SIGTERM with exit 0, and keeps its data", func() {
		data := filepath.Join(GinkgoT().TempDir(), "data")
		store, storeURL := startTier("store", "--listen", "127.0.0.1:0", "--data", data)
		api, apiURL := startTier("api", "--listen", "127.0.0.1:0", "--store", storeURL, "--version", "v1")
		Eventually(func() int { return call(http.MethodGet, apiURL+"/readyz", "").code }).
			WithTimeout(5 * time.Second).Should(Equal(http.StatusOK))

		written := put(apiURL, "proc-1", "acct-5", 42)
		Expect(written.code).To(Equal(http.StatusCreated))
		Expect(call(http.MethodGet, apiURL+"/entries/proc-1", "").body).To(MatchJSON(written.body))

		stop(api)
		stop(store)
		Expect(filepath.Join(data, "ledger.db")).To(BeARegularFile())

		_, storeURL = startTier("store", "--listen", "127.0.0.1:0", "--data", data)
		read := call(http.MethodGet, storeURL+"/entries/proc-1", "")
		Expect(read.code).To(Equal(http.StatusOK))
		Expect(read.body).To(MatchJSON(written.body))
		Expect(account(storeURL, "acct-5").Balance).To(BeEquivalentTo(42))
	})

	It("exits 2 with one line on an unknown defect", func() {
		s, err := gexec.Start(exec.Command(binary, "api", "--listen", "127.0.0.1:0",
			"--store", "http://127.0.0.1:1", "--defect", "nope"), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(5 * time.Second).Should(gexec.Exit(2))
		stderr := string(s.Err.Contents())
		Expect(strings.Count(stderr, "\n")).To(Equal(1), stderr)
		Expect(stderr).To(ContainSubstring(`unknown defect "nope"`))
		Expect(s.Out.Contents()).To(BeEmpty())
	})

	It("runs migrations offline", func() {
		data := GinkgoT().TempDir()
		s, err := gexec.Start(exec.Command(binary, "migrate", "up", "--data", data), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(10 * time.Second).Should(gexec.Exit(0))
		Expect(string(s.Out.Contents())).To(HaveSuffix(fmt.Sprintf("schema version %d\n", 2)))
	})
})
