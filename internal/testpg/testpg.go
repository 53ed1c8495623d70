// Package testpg starts a throwaway PostgreSQL server for specs that need a
// real one (the invariant verifier's SQL queries, the history store), with
// the system's initdb and pg_ctl.
package testpg

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Server is a throwaway PostgreSQL server on 127.0.0.1, started with
// the system's initdb and pg_ctl.
type Server struct {
	bin  string // folder of initdb, pg_ctl and postgres
	dir  string // owns the data folder, the socket and the log
	port int
	// asUser runs the server as this user when the tests run as root,
	// which PostgreSQL refuses.
	asUser *user.User
}

// Port returns the loopback port the server listens on.
func (p *Server) Port() int { return p.port }

// DSN returns the URL of the server's postgres database.
func (p *Server) DSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", p.port)
}

// Start starts a server for the current spec tree and stops it with
// DeferCleanup. It skips, saying why, when there are no server binaries or
// no user to run them as. prefix names its temporary folder.
func Start(ctx context.Context, prefix string) *Server {
	GinkgoHelper()
	p := &Server{bin: postgresBin()}
	if p.bin == "" {
		Skip("no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on PATH: install Debian's postgresql package")
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			Skip("running as root and there is no postgres user to run the PostgreSQL server as: " + err.Error())
		}
		if _, err := exec.LookPath("runuser"); err != nil {
			Skip("running as root and runuser is missing, so the PostgreSQL server cannot run as the postgres user")
		}
		p.asUser = u
	}

	var err error
	p.dir, err = os.MkdirTemp("", prefix+"-pg-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, p.dir)
	if p.asUser != nil {
		uid, _ := strconv.Atoi(p.asUser.Uid)
		gid, _ := strconv.Atoi(p.asUser.Gid)
		Expect(os.Chown(p.dir, uid, gid)).To(Succeed())
	}
	p.port = freePort()
	data := filepath.Join(p.dir, "data")

	p.run(ctx, "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	p.run(ctx, "pg_ctl", "-D", data, "-l", filepath.Join(p.dir, "log"), "-w", "-t", "30",
		"-o", fmt.Sprintf("-k %s -h 127.0.0.1 -p %d -c fsync=off -c full_page_writes=off", p.dir, p.port), "start")
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		p.run(ctx, "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
	})
	return p
}

// run runs one of the server's programs, as the server's user, and fails
// the spec with its output when it fails.
func (p *Server) run(ctx context.Context, program string, args ...string) {
	GinkgoHelper()
	path := filepath.Join(p.bin, program)
	cmd := exec.CommandContext(ctx, path, args...)
	if p.asUser != nil {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", p.asUser.Username, "--", path}, args...)...)
	}
	cmd.Dir = p.dir
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "%s: %s", cmd, out)
}

// postgresBin returns the folder of the newest initdb and pg_ctl found,
// or "".
func postgresBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) })
	if initdb, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(initdb))
	}
	for _, d := range dirs {
		if isExecutable(filepath.Join(d, "initdb")) && isExecutable(filepath.Join(d, "pg_ctl")) {
			return d
		}
	}
	return ""
}

// versionOf reads 15 from /usr/lib/postgresql/15/bin.
func versionOf(bin string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return v
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// freePort returns a loopback port nothing listens on right now.
func freePort() int {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
