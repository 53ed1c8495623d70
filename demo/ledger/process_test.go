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

	"github.com/faultdrill/faultdrill/demo/ledger"
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

// runOnce runs the ledger binary to completion, expects exit code want,
// and returns its stdout and stderr.
func runOnce(want int, args ...string) (string, string) {
	GinkgoHelper()
	s, err := gexec.Start(exec.Command(binary, args...), GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	Eventually(s).WithTimeout(10*time.Second).Should(gexec.Exit(want), "ledger %v", args)
	return string(s.Out.Contents()), string(s.Err.Contents())
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
		stdout, _ := runOnce(0, "migrate", "up", "--data", GinkgoT().TempDir())
		Expect(stdout).To(HaveSuffix(fmt.Sprintf("schema version %d\n", cleanSchema)))
	})

	It("serves the register, and keeps a flag across an api restart, where bad-flag then fails writes", func() {
		data := filepath.Join(GinkgoT().TempDir(), "data")
		_, storeURL := startTier("store", "--listen", "127.0.0.1:0", "--data", data, "--defect", "none")
		api, apiURL := startTier("api", "--listen", "127.0.0.1:0", "--store", storeURL, "--defect", "none")
		expectValue(putKV(apiURL, "k", "writes-000001-00c0ffee"), "writes-000001-00c0ffee")
		expectValue(getKV(apiURL, "k"), "writes-000001-00c0ffee")
		expectAbsent(getKV(apiURL, "other"))
		Expect(setFlag(apiURL, "fast-path", true).header.Get(ledger.HeaderFlags)).To(Equal("fast-path=true"))
		stop(api)

		_, apiURL = startTier("api", "--listen", "127.0.0.1:0", "--store", storeURL, "--version", "v2",
			"--defect", "bad-flag", "--defect", "latency=1ms", "--flag-refresh", "100ms")
		Eventually(func() string { return flagsHeader(apiURL) }).WithTimeout(5 * time.Second).Should(Equal("fast-path=true"))
		failed := 0
		for i := range 40 {
			if put(apiURL, fmt.Sprintf("bad-%d", i), "acct-1", 1).code == http.StatusInternalServerError {
				failed++
			}
		}
		Expect(failed).To(BeNumerically(">", 0))
		Expect(failed).To(BeNumerically("<", 40))

		Expect(setFlag(apiURL, "fast-path", false).code).To(Equal(http.StatusOK)) // the rollback
		for i := range 40 {
			Expect(put(apiURL, fmt.Sprintf("good-%d", i), "acct-1", 1).code).To(Equal(http.StatusCreated))
		}
		Expect(decode[ledger.Totals](call(http.MethodGet, apiURL+"/totals", "")).Entries).To(Equal(80 - failed))
	})

	It("rewrites data under migration-rewrite, which the clean store then refuses until migrated down", func() {
		data := filepath.Join(GinkgoT().TempDir(), "data")
		store, storeURL := startTier("store", "--listen", "127.0.0.1:0", "--data", data)
		Expect(put(storeURL, "old-1", "acct-1", 2).code).To(Equal(http.StatusCreated))
		Expect(put(storeURL, "old-2", "acct-1", 5).code).To(Equal(http.StatusCreated))
		stop(store)

		store, storeURL = startTier("store", "--listen", "127.0.0.1:0", "--data", data, "--version", "v2", "--defect", "migration-rewrite")
		Expect(decode[ledger.Health](call(http.MethodGet, storeURL+"/healthz", "")).Schema).To(Equal(rewriteVersion))
		Expect(call(http.MethodGet, storeURL+"/entries/old-1", "").code).To(Equal(http.StatusNotFound))
		Expect(call(http.MethodGet, storeURL+"/entries", "").body).To(BeEmpty())
		Expect(decode[ledger.Totals](call(http.MethodGet, storeURL+"/totals", ""))).To(Equal(ledger.Totals{Balance: 700, Entries: 2, Accounts: 1}))
		stop(store)

		_, stderr := runOnce(1, "store", "--listen", "127.0.0.1:0", "--data", data)
		Expect(strings.Count(stderr, "\n")).To(Equal(1), stderr)
		Expect(stderr).To(ContainSubstring("schema is newer than this release"))

		stdout, _ := runOnce(0, "migrate", "down", "--data", data, "--to", fmt.Sprint(cleanSchema))
		Expect(stdout).To(Equal("reverted 6 amounts_to_cents\nschema version 5\n"))
		_, storeURL = startTier("store", "--listen", "127.0.0.1:0", "--data", data)
		Expect(decode[ledger.Totals](call(http.MethodGet, storeURL+"/totals", "")).Balance).To(BeEquivalentTo(700))
		Expect(call(http.MethodGet, storeURL+"/entries/old-1", "").code).To(Equal(http.StatusNotFound))
	})

	It("gives a second down another digest under non-idempotent-down, and the same one without it", func() {
		root := GinkgoT().TempDir()
		digestAfter := func(runs int, defects ...string) (string, string) {
			data := filepath.Join(root, fmt.Sprintf("data-%d-%d", runs, len(defects)))
			runOnce(0, "migrate", "up", "--data", data)
			_, err := openDB(data).Exec(`INSERT INTO entries (request_id, account, amount, created_at) VALUES ('r', 'a', 4, 'now')`)
			Expect(err).NotTo(HaveOccurred())
			runOnce(0, "migrate", "up", "--data", data, "--defect", "migration-rewrite")
			var digests []string
			for range runs {
				runOnce(0, append([]string{"migrate", "down", "--data", data, "--to", "5"}, defects...)...)
				out, _ := runOnce(0, "migrate", "digest", "--data", data)
				digests = append(digests, out)
			}
			return digests[0], digests[len(digests)-1]
		}
		once, twice := digestAfter(2, "--defect", "non-idempotent-down")
		Expect(once).To(HavePrefix("schema=5 data=sha256:"))
		Expect(twice).To(HavePrefix("schema=5 data=sha256:"))
		Expect(twice).NotTo(Equal(once))

		once, twice = digestAfter(2)
		Expect(twice).To(Equal(once))
	})
})
