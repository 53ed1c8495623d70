package rollback_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/snapshot"
)

// recordingServer is a real HTTP server on loopback that records every
// request and answers with the statuses given, in turn (the last one
// repeats); a status of 0 hangs until the client gives up.
type recordingServer struct {
	*httptest.Server
	mu       sync.Mutex
	seen     []seenRequest
	statuses []int
}

type seenRequest struct {
	method, path, body, header string
}

func newRecordingServer(statuses ...int) *recordingServer {
	GinkgoHelper()
	s := &recordingServer{statuses: statuses}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.seen = append(s.seen, seenRequest{r.Method, r.URL.Path, string(body), r.Header.Get("X-Token")})
		status := s.statuses[min(len(s.seen), len(s.statuses))-1]
		s.mu.Unlock()
		if status == 0 {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, "flag "+r.URL.Path+" set")
	}))
	DeferCleanup(s.Close)
	return s
}

func (s *recordingServer) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

// newEnv returns a fake Env whose service "api" runs at base.
func newEnv(base string) *fakeReleases {
	return &fakeReleases{
		current: map[string]string{"api": "v2"}, previous: map[string]string{"api": "v1"},
		fail: map[string]error{}, urls: map[string]string{"api": base},
		databases: map[string]string{}, dataDirs: map[string]string{}, snapshots: map[string]string{},
	}
}

// execOne runs a one-action plan on a real clock.
func execOne(env rollback.Env, a rollback.ActionSpec) (rollback.ActionResult, error) {
	GinkgoHelper()
	start := time.Now()
	results, err := rollback.Execute(context.Background(), []rollback.ActionSpec{a}, env, func() time.Duration { return time.Since(start) })
	Expect(results).To(HaveLen(1))
	return results[0], err
}

// newDB creates a SQLite database with an accounts table at user_version 3.
func newDB(path string) {
	GinkgoHelper()
	db, err := sql.Open("sqlite", path)
	Expect(err).NotTo(HaveOccurred())
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER NOT NULL, note TEXT);
		INSERT INTO accounts VALUES ('alice', 100, 'v3'), ('bob', 50, NULL);
		PRAGMA user_version = 3;`)
	Expect(err).NotTo(HaveOccurred())
}

var _ = Describe("flag and http actions", func() {
	It("flips a flag with a POST to a path on the service, by default, and records the answer", func() {
		srv := newRecordingServer(200)
		res, err := execOne(newEnv(srv.URL), rollback.ActionSpec{
			Action: rollback.Flag, Service: "api", URL: "/flags/fast-path", Body: `{"on":false}`,
			Headers: map[string]string{"X-Token": "t0k"},
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(srv.requests()).To(Equal([]seenRequest{{"POST", "/flags/fast-path", `{"on":false}`, "t0k"}}))
		Expect(res.HTTPStatus).To(Equal(200))
		Expect(res.Status).To(Equal(rollback.StepDone))
		Expect(res.Output).To(Equal("flag /flags/fast-path set"))
		Expect(res.Attempts).To(HaveLen(1))
		Expect(res.Attempts[0].Status).To(Equal(200))
		Expect(res.Idempotent).To(BeTrue())
	})

	It("makes a GET by default for an http action, to an absolute loopback URL", func() {
		srv := newRecordingServer(204)
		_, err := execOne(newEnv(""), rollback.ActionSpec{Action: rollback.HTTP, URL: srv.URL + "/cache/purge", Status: 204})
		Expect(err).NotTo(HaveOccurred())
		Expect(srv.requests()[0].method).To(Equal("GET"))
	})

	It("fails on another status than the expected one", func() {
		srv := newRecordingServer(200)
		res, err := execOne(newEnv(srv.URL), rollback.ActionSpec{Action: rollback.HTTP, Service: "api", Method: "PUT", URL: "/x", Status: 201})
		Expect(err).To(MatchError(rollback.ErrUnexpectedStatus))
		Expect(err.Error()).To(ContainSubstring("answered 200, want 201"))
		Expect(res.Error).NotTo(BeEmpty())
	})

	It("retries a failed call, pausing between attempts, and records each attempt", func() {
		srv := newRecordingServer(503, 502, 200)
		res, err := execOne(newEnv(srv.URL), rollback.ActionSpec{Action: rollback.Flag, Service: "api", URL: "/f",
			Retries: 3, RetryDelay: 50 * time.Millisecond})
		Expect(err).NotTo(HaveOccurred())
		Expect(srv.requests()).To(HaveLen(3), "it stops at the first success")
		Expect(res.Attempts).To(HaveLen(3))
		Expect(res.Attempts[0].Status).To(Equal(503))
		Expect(res.Attempts[0].Error).To(ContainSubstring("answered 503"))
		Expect(res.Attempts[1].Status).To(Equal(502))
		Expect(res.Attempts[2].Error).To(BeEmpty())
		Expect(res.Attempts[1].Start - res.Attempts[0].End).To(BeNumerically(">=", 50*time.Millisecond))
		Expect(res.Attempts[2].Start - res.Attempts[1].End).To(BeNumerically(">=", 50*time.Millisecond))
	})

	It("gives up after its retries, saying how many attempts failed", func() {
		srv := newRecordingServer(500)
		res, err := execOne(newEnv(srv.URL), rollback.ActionSpec{Action: rollback.HTTP, Service: "api", URL: "/f", Retries: 2})
		Expect(err).To(MatchError(rollback.ErrUnexpectedStatus))
		Expect(err.Error()).To(ContainSubstring("all 3 attempts failed"))
		Expect(res.Attempts).To(HaveLen(3))
		Expect(srv.requests()).To(HaveLen(3))
	})

	It("bounds each attempt by the timeout", func() {
		srv := newRecordingServer(0)
		start := time.Now()
		res, err := execOne(newEnv(srv.URL), rollback.ActionSpec{Action: rollback.HTTP, Service: "api", URL: "/slow",
			Timeout: 100 * time.Millisecond, Retries: 1})
		Expect(time.Since(start)).To(BeNumerically("<", 1500*time.Millisecond), "two 100ms attempts, not the server's 2s")
		Expect(err).To(MatchError(rollback.ErrTimedOut))
		Expect(res.Attempts).To(HaveLen(2))
		for _, at := range res.Attempts {
			Expect(at.TimedOut).To(BeTrue())
			Expect(at.End - at.Start).To(BeNumerically(">=", 100*time.Millisecond))
		}
	})

	DescribeTable("refuses a call it must not make, without retrying",
		func(env *fakeReleases, a rollback.ActionSpec, want error) {
			a.Retries = 3
			res, err := execOne(env, a)
			Expect(err).To(MatchError(want))
			Expect(res.Attempts).To(BeEmpty())
		},
		Entry("an absolute URL off this machine", newEnv(""), rollback.ActionSpec{Action: rollback.HTTP, URL: "http://example.com/x"}, rollback.ErrNotLoopback),
		Entry("a path with no service", newEnv(""), rollback.ActionSpec{Action: rollback.Flag, URL: "/flags/x"}, rollback.ErrBadSpec),
		Entry("no URL", newEnv(""), rollback.ActionSpec{Action: rollback.HTTP, Service: "api"}, rollback.ErrBadSpec),
		Entry("a service without an address", newEnv(""), rollback.ActionSpec{Action: rollback.HTTP, Service: "db", URL: "/x"}, rollback.ErrUnsupported),
	)
})

var _ = Describe("command action", func() {
	It("runs the argv with its env and dir and captures stdout and stderr", func() {
		dir := GinkgoT().TempDir()
		res, err := execOne(newEnv(""), rollback.ActionSpec{Action: rollback.Command,
			Command: []string{"sh", "-c", `echo "out $GREETING $(pwd)"; echo err >&2`},
			Env:     map[string]string{"GREETING": "hello"}, Dir: dir})
		Expect(err).NotTo(HaveOccurred())
		real, _ := filepath.EvalSymlinks(dir)
		Expect(res.Output).To(Equal("out hello " + real + "\nerr\n"))
		Expect(res.Attempts).To(HaveLen(1))
		Expect(*res.Attempts[0].ExitCode).To(Equal(0))
	})

	It("fails on a non-zero exit with the code and output", func() {
		res, err := execOne(newEnv(""), rollback.ActionSpec{Action: rollback.Command, Command: []string{"sh", "-c", "echo nope; exit 3"}})
		Expect(err).To(MatchError(rollback.ErrCommandFailed))
		Expect(err.Error()).To(ContainSubstring("status 3"))
		Expect(*res.Attempts[0].ExitCode).To(Equal(3))
		Expect(res.Output).To(Equal("nope\n"))
	})

	It("retries until the command succeeds", func() {
		count := filepath.Join(GinkgoT().TempDir(), "count")
		res, err := execOne(newEnv(""), rollback.ActionSpec{Action: rollback.Command, Retries: 5,
			Command: []string{"sh", "-c", `echo x >> "$F"; test "$(wc -l < "$F")" -ge 3`}, Env: map[string]string{"F": count}})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Attempts).To(HaveLen(3))
		Expect(*res.Attempts[0].ExitCode).To(Equal(1))
		Expect(*res.Attempts[2].ExitCode).To(Equal(0))
	})

	It("kills the whole process group when the timeout ends an attempt", func() {
		pidFile := filepath.Join(GinkgoT().TempDir(), "pid")
		start := time.Now()
		res, err := execOne(newEnv(""), rollback.ActionSpec{Action: rollback.Command, Timeout: 200 * time.Millisecond,
			Command: []string{"sh", "-c", `sleep 30 & echo $! > "$P"; wait`}, Env: map[string]string{"P": pidFile}})
		Expect(time.Since(start)).To(BeNumerically("<", 5*time.Second))
		Expect(err).To(MatchError(rollback.ErrTimedOut))
		Expect(res.Attempts[0].TimedOut).To(BeTrue())
		Expect(res.Attempts[0].ExitCode).To(BeNil(), "killed, it did not exit by itself")
		b, rerr := os.ReadFile(pidFile)
		Expect(rerr).NotTo(HaveOccurred())
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		Eventually(func() error { return syscall.Kill(pid, 0) }).WithTimeout(3*time.Second).
			Should(MatchError(syscall.ESRCH), "the shell's child died with it")
	})

	It("does not retry a command that does not exist", func() {
		res, err := execOne(newEnv(""), rollback.ActionSpec{Action: rollback.Command, Retries: 3, Command: []string{"no-such-command-faultdrill"}})
		Expect(err).To(MatchError(exec.ErrNotFound))
		Expect(res.Attempts).To(HaveLen(1))
	})

	It("keeps only the end of a long output", func() {
		res, err := execOne(newEnv(""), rollback.ActionSpec{Action: rollback.Command,
			Command: []string{"sh", "-c", `i=0; while [ $i -lt 3000 ]; do echo "line $i"; i=$((i+1)); done`}})
		Expect(err).NotTo(HaveOccurred())
		Expect(len(res.Output)).To(BeNumerically("<=", 16<<10+len("[…]")))
		Expect(res.Output).To(HavePrefix("[…]"))
		Expect(res.Output).To(HaveSuffix("line 2999\n"))
	})

	It("refuses an empty command", func() {
		_, err := execOne(newEnv(""), rollback.ActionSpec{Action: rollback.Command})
		Expect(err).To(MatchError(rollback.ErrBadSpec))
	})
})

var _ = Describe("migrate-down action", func() {
	var db string

	BeforeEach(func() {
		db = filepath.Join(GinkgoT().TempDir(), "store.db")
		newDB(db)
	})

	down := func(stmts string) rollback.ActionSpec {
		argv, env := sqlCommand(db, stmts)
		return rollback.ActionSpec{Action: rollback.MigrateDown, Service: "store", Database: db, Command: argv, Env: env, Timeout: 20 * time.Second}
	}

	It("runs the down migration and records the schema before and after", func() {
		res, err := execOne(newEnv(""), down(`ALTER TABLE accounts DROP COLUMN note; PRAGMA user_version = 2;`))
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Output).To(ContainSubstring("migrated"))
		Expect(res.SchemaBefore).To(ContainSubstring("user_version 3"))
		Expect(res.SchemaBefore).To(ContainSubstring("note TEXT"))
		Expect(res.SchemaAfter).To(ContainSubstring("user_version 2"))
		Expect(res.SchemaAfter).NotTo(ContainSubstring("note"))
		Expect(res.Notes).To(BeEmpty())
	})

	It("reads the schema through the Env when it names no database file", func() {
		env := newEnv("")
		env.databases["store"] = db
		a := down(`CREATE TABLE audit (at INTEGER);`)
		a.Database = ""
		res, err := execOne(env, a)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.SchemaBefore).NotTo(ContainSubstring("audit"))
		Expect(res.SchemaAfter).To(ContainSubstring("table audit: CREATE TABLE audit (at INTEGER)"))
	})

	It("records both schemas of a failed migration, and its error", func() {
		res, err := execOne(newEnv(""), down(`ALTER TABLE accounts DROP COLUMN nope;`))
		Expect(err).To(MatchError(rollback.ErrCommandFailed))
		Expect(res.Output).To(ContainSubstring("migration failed"))
		Expect(res.SchemaBefore).To(Equal(res.SchemaAfter))
		Expect(res.SchemaAfter).To(ContainSubstring("note TEXT"))
	})

	It("notes a schema it cannot read without failing the migration", func() {
		env := newEnv("")
		a := down(`SELECT 1;`)
		a.Database = ""
		res, err := execOne(env, a)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.SchemaBefore).To(BeEmpty())
		Expect(res.Notes).To(ContainElement(ContainSubstring("schema before")))
	})
})

var _ = Describe("restore-snapshot action", func() {
	var env *fakeReleases
	var dataDir, dbPath string
	var snapped string

	BeforeEach(func() {
		env = newEnv("")
		dataDir = filepath.Join(GinkgoT().TempDir(), "store")
		Expect(os.Mkdir(dataDir, 0o755)).To(Succeed())
		dbPath = filepath.Join(dataDir, "store.db")
		newDB(dbPath)
		snap := filepath.Join(GinkgoT().TempDir(), "before-v2")
		_, err := snapshot.Take(context.Background(), dataDir, snap)
		Expect(err).NotTo(HaveOccurred())
		snapped, err = snapshot.StateDigest(dataDir)
		Expect(err).NotTo(HaveOccurred())
		env.dataDirs["store"] = dataDir
		env.snapshots["before-v2"] = snap

		argv, vars := sqlCommand(dbPath, `UPDATE accounts SET balance = 0;`) // the bad v2 migration
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), sqlHelperDB+"="+vars[sqlHelperDB], sqlHelperSQL+"="+vars[sqlHelperSQL])
		Expect(cmd.Run()).To(Succeed())
		Expect(snapshot.StateDigest(dataDir)).NotTo(Equal(snapped))
	})

	It("restores the snapshot through the Env and records which", func() {
		res, err := execOne(env, rollback.ActionSpec{Action: rollback.RestoreSnapshot, Service: "store", Snapshot: "before-v2"})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Snapshot).To(Equal("before-v2"))
		Expect(snapshot.StateDigest(dataDir)).To(Equal(snapped))
	})

	It("refuses a corrupted snapshot, never retries it, and leaves the data as it was", func() {
		before, err := snapshot.StateDigest(dataDir)
		Expect(err).NotTo(HaveOccurred())
		f, err := os.OpenFile(filepath.Join(env.snapshots["before-v2"], snapshot.DataDir, "store.db"), os.O_RDWR, 0)
		Expect(err).NotTo(HaveOccurred())
		_, err = f.WriteAt([]byte{0xff}, 300)
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Close()).To(Succeed())

		res, err := execOne(env, rollback.ActionSpec{Action: rollback.RestoreSnapshot, Service: "store", Snapshot: "before-v2", Retries: 2})
		Expect(err).To(MatchError(snapshot.ErrCorrupt))
		Expect(res.Attempts).To(HaveLen(1))
		Expect(env.restores).To(Equal(1))
		Expect(snapshot.StateDigest(dataDir)).To(Equal(before))
	})

	It("needs a service and a snapshot name", func() {
		_, err := execOne(env, rollback.ActionSpec{Action: rollback.RestoreSnapshot, Service: "store"})
		Expect(err).To(MatchError(rollback.ErrBadSpec))
	})
})

var _ = Describe("stop and start actions", func() {
	var env *fakeReleases
	BeforeEach(func() { env = newEnv("") })

	It("stops a service and starts it again at the version it ran last, by default", func() {
		results, err := rollback.Execute(context.Background(), []rollback.ActionSpec{
			{Action: rollback.Stop, Service: "api"},
			{Action: rollback.Start, Service: "api"},
		}, env, stepClock())
		Expect(err).NotTo(HaveOccurred())
		Expect(env.ops).To(Equal([]string{"stop api", "start api v2"}))
		Expect(results[0].From).To(Equal("v2"))
		Expect(results[0].To).To(BeEmpty())
		Expect(results[1].From).To(Equal("v2"))
		Expect(results[1].To).To(Equal("v2"))
	})

	It("starts the version it names", func() {
		res, err := execOne(env, rollback.ActionSpec{Action: rollback.Start, Service: "api", Version: "v1"})
		Expect(err).NotTo(HaveOccurred())
		Expect(env.ops).To(Equal([]string{"start api v1"}))
		Expect(res.From).To(Equal("v2"))
		Expect(res.To).To(Equal("v1"))
		Expect(env.current["api"]).To(Equal("v1"))
	})

	It("needs a service, and a version when none ran", func() {
		_, err := execOne(env, rollback.ActionSpec{Action: rollback.Stop})
		Expect(err).To(MatchError(rollback.ErrBadSpec))
		_, err = execOne(env, rollback.ActionSpec{Action: rollback.Start, Service: "web"})
		Expect(err).To(MatchError(rollback.ErrBadSpec))
		Expect(env.ops).To(BeEmpty())
	})

	It("retries a start that fails", func() {
		env.fail["api"] = errors.New("port in use")
		res, err := execOne(env, rollback.ActionSpec{Action: rollback.Start, Service: "api", Retries: 1})
		Expect(err).To(MatchError(ContainSubstring("all 2 attempts failed, the last: port in use")))
		Expect(res.Attempts).To(HaveLen(2))
	})

	It("passes a restore's version to the Env, and records the switch", func() {
		env.dataDirs["store"] = GinkgoT().TempDir()
		env.current["store"] = "v2"
		res, _ := execOne(env, rollback.ActionSpec{Action: rollback.RestoreSnapshot, Service: "store", Snapshot: "s", Version: "v1"})
		Expect(env.ops).To(Equal([]string{"restore store s at v1"}))
		Expect(res.From).To(Equal("v2"))
		Expect(res.To).To(Equal("v1"))
	})
})

// observingEnv records what an Observer is told.
type observingEnv struct {
	*fakeReleases
	seen []string
}

func (o *observingEnv) ActionStarted(a rollback.ActionSpec, at time.Duration) {
	o.seen = append(o.seen, "start "+string(a.Action)+" "+a.Service+" at "+at.String())
}

func (o *observingEnv) ActionEnded(res rollback.ActionResult) {
	o.seen = append(o.seen, "end "+string(res.Action)+" "+string(res.Status)+" at "+res.End.String())
}

var _ = Describe("an observing Env", func() {
	It("is told of each action as it starts and ends, and of one skipped after a failure", func() {
		env := &observingEnv{fakeReleases: newEnv("")}
		env.fail["api"] = errors.New("no")
		_, err := rollback.Execute(context.Background(), []rollback.ActionSpec{
			{Action: rollback.Stop, Service: "web"},
			{Action: rollback.Start, Service: "api", Version: "v1"},
			{Action: rollback.Stop, Service: "web"},
		}, env, stepClock())
		Expect(err).To(HaveOccurred())
		Expect(env.seen).To(Equal([]string{
			"start stop web at 0s", "end stop done at 3s",
			"start start api at 4s", "end start failed at 7s",
			"end stop skipped at 8s",
		}))
	})
})
