package ledger_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/demo/ledger"
)

// run calls Main in-process and returns its exit code, stdout and stderr.
func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := ledger.Main(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

var _ = Describe("the ledger command line", func() {
	DescribeTable("rejects a bad command line with exit 2 and one sentence on stderr",
		func(want string, args ...string) {
			code, stdout, stderr := run(args...)
			Expect(code).To(Equal(ledger.ExitUsage))
			Expect(stdout).To(BeEmpty())
			Expect(strings.Count(stderr, "\n")).To(Equal(1), stderr)
			Expect(stderr).To(HavePrefix("ledger"))
			Expect(stderr).To(ContainSubstring(want))
			Expect(stderr).NotTo(ContainSubstring("goroutine"))
		},
		Entry("no command", "a command is required"),
		Entry("an unknown command", `unknown command "frobnicate"`, "frobnicate"),
		Entry("an unknown defect", `unknown defect "nope"`, "store", "--listen", "127.0.0.1:0", "--data", "d", "--defect", "nope"),
		Entry("a defect of the other tier", "double-apply belongs to the store tier", "api", "--listen", "127.0.0.1:0", "--store", "http://127.0.0.1:1", "--defect", "double-apply"),
		Entry("a value on a switch", "takes no value", "store", "--listen", "127.0.0.1:0", "--data", "d", "--defect", "double-apply=2"),
		Entry("a fraction above 1", "not a fraction", "api", "--listen", "127.0.0.1:0", "--store", "http://127.0.0.1:1", "--defect", "error-spike=1.5"),
		Entry("a bad latency", "not a duration", "api", "--listen", "127.0.0.1:0", "--store", "http://127.0.0.1:1", "--defect", "latency=soon"),
		Entry("a bad flag name", "bad-flag", "api", "--listen", "127.0.0.1:0", "--store", "http://127.0.0.1:1", "--defect", "bad-flag=a/b"),
		Entry("none with a value", "none takes no value", "api", "--listen", "127.0.0.1:0", "--store", "http://127.0.0.1:1", "--defect", "none=1"),
		Entry("a migrate defect on the store", "non-idempotent-down belongs to the migrate tier", "store", "--listen", "127.0.0.1:0", "--data", "d", "--defect", "non-idempotent-down"),
		Entry("a store defect on migrate", "double-apply belongs to the store tier", "migrate", "down", "--data", "d", "--defect", "double-apply"),
		Entry("a zero flag refresh", "--flag-refresh must be positive", "api", "--listen", "127.0.0.1:0", "--store", "http://127.0.0.1:1", "--flag-refresh", "0s"),
		Entry("the rewrite's target without the defect", "comes with --defect migration-rewrite", "migrate", "up", "--data", "d", "--to", "6"),
		Entry("an unknown flag", "-bogus", "store", "--bogus"),
		Entry("no listen address", "--listen is required", "store", "--data", "d"),
		Entry("no data dir", "--data is required", "store", "--listen", "127.0.0.1:0"),
		Entry("no store URL", "--store is required", "api", "--listen", "127.0.0.1:0"),
		Entry("a store URL without scheme", "want http://HOST:PORT", "api", "--listen", "127.0.0.1:0", "--store", "127.0.0.1:1"),
		Entry("a zero store timeout", "--store-timeout must be positive", "api", "--listen", "127.0.0.1:0", "--store", "http://127.0.0.1:1", "--store-timeout", "0s"),
		Entry("a version label with a space", "--version", "store", "--listen", "127.0.0.1:0", "--data", "d", "--version", "v 2"),
		Entry("a stray argument", `unexpected argument "extra"`, "store", "--listen", "127.0.0.1:0", "--data", "d", "extra"),
		Entry("no migrate action", "want exactly one of up, down, status or digest", "migrate", "--data", "d"),
		Entry("an unknown migrate action", `unknown action "sideways"`, "migrate", "sideways", "--data", "d"),
		Entry("a migrate target past the latest", "--to 9", "migrate", "up", "--data", "d", "--to", "9"),
		Entry("a migrate down target past every known one", "--to 7", "migrate", "down", "--data", "d", "--to", "7"),
		Entry("a negative migrate target", "-to", "migrate", "up", "--data", "d", "--to", "-1"),
	)

	It("prints help with an example on stdout and exits 0", func() {
		for _, args := range [][]string{{"help"}, {"store", "-h"}, {"api", "--help"}, {"migrate", "-h"}} {
			code, stdout, stderr := run(args...)
			Expect(code).To(Equal(ledger.ExitOK), "%v", args)
			Expect(stdout).To(ContainSubstring("Example:"), "%v", args)
			Expect(stderr).To(BeEmpty())
		}
	})

	It("fails with exit 1 and one sentence when the port is taken", func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ln.Close)
		code, _, stderr := run("store", "--listen", ln.Addr().String(), "--data", GinkgoT().TempDir())
		Expect(code).To(Equal(ledger.ExitFailure))
		Expect(strings.Count(stderr, "\n")).To(Equal(1), stderr)
		Expect(stderr).To(ContainSubstring("address already in use"))
	})
})

var _ = Describe("ledger migrate", func() {
	var dir string

	BeforeEach(func() {
		dir = filepath.Join(GinkgoT().TempDir(), "data") // up creates it
	})

	// schemaObjects lists the tables and indexes of the ledger's schema.
	schemaObjects := func() []string {
		GinkgoHelper()
		rows, err := openDB(dir).Query(`SELECT name FROM sqlite_master
			WHERE name IN ('entries', 'applied', 'entries_by_account', 'entries_by_request_id', 'kv', 'flags') ORDER BY name`)
		Expect(err).NotTo(HaveOccurred())
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n string
			Expect(rows.Scan(&n)).To(Succeed())
			names = append(names, n)
		}
		Expect(rows.Err()).NotTo(HaveOccurred())
		return names
	}

	It("moves the schema up and down, one transaction a step, keeping the data", func() {
		expectMigrate(dir, "applied 1 create_entries\nschema version 1\n", "up", "--data", dir, "--to", "1")
		Expect(schemaObjects()).To(Equal([]string{"applied", "entries"}))
		_, err := openDB(dir).Exec(`INSERT INTO entries (request_id, account, amount, created_at) VALUES ('r', 'a', 1, 'now')`)
		Expect(err).NotTo(HaveOccurred())

		code, stdout, _ := run("migrate", "status", "--data", dir)
		Expect(code).To(Equal(ledger.ExitOK))
		Expect(stdout).To(HavePrefix("schema version 1 (this release knows up to 5)\n"))
		Expect(stdout).To(MatchRegexp(`1\s+create_entries\s+applied 20\d\d-`))
		Expect(stdout).To(MatchRegexp(`2\s+index_entries_by_account\s+pending`))
		Expect(stdout).To(MatchRegexp(`5\s+create_flags\s+pending`))
		Expect(stdout).NotTo(ContainSubstring("amounts_to_cents"), "the rewrite is not part of the clean release")

		expectMigrate(dir, steps(false, 2, 3, 4, 5)+"schema version 5\n", "--data", dir, "up")
		Expect(schemaObjects()).To(Equal([]string{"applied", "entries", "entries_by_account", "entries_by_request_id", "flags", "kv"}))
		expectMigrate(dir, "schema version 5\n", "up", "--data", dir)

		expectMigrate(dir, "reverted 5 create_flags\nschema version 4\n", "down", "--data", dir)
		Expect(schemaObjects()).To(Equal([]string{"applied", "entries", "entries_by_account", "entries_by_request_id", "kv"}))
		Expect(count(openDB(dir), `SELECT COUNT(*) FROM entries`)).To(Equal(1))

		expectMigrate(dir, steps(false, 5)+"schema version 5\n", "up", "--data", dir)
		expectMigrate(dir, steps(true, 5, 4, 3, 2, 1)+"schema version 0\n", "down", "--data", dir, "--to", "0")
		Expect(schemaObjects()).To(BeEmpty())
		Expect(count(openDB(dir), `SELECT COUNT(*) FROM schema_migrations`)).To(BeZero())
	})

	It("lets a store start on a database migrated down, and migrates it up", func() {
		expectMigrate(dir, "applied 1 create_entries\nschema version 1\n", "up", "--data", dir, "--to", "1")
		st, err := ledger.OpenStore(context.Background(), ledger.StoreConfig{DataDir: dir})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(st.Close)
		Expect(st.SchemaVersion(context.Background())).To(Equal(cleanSchema))
	})

	It("refuses a target in the wrong direction", func() {
		expectMigrate(dir, steps(false, 1, 2, 3, 4, 5)+"schema version 5\n", "up", "--data", dir)
		code, _, stderr := run("migrate", "up", "--data", dir, "--to", "1")
		Expect(code).To(Equal(ledger.ExitFailure))
		Expect(stderr).To(ContainSubstring("needs migrate down"))
	})

	It("refuses to migrate a schema a newer release made, and says so in status", func() {
		expectMigrate(dir, steps(false, 1, 2, 3, 4, 5)+"schema version 5\n", "up", "--data", dir)
		_, err := openDB(dir).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9, 'future', '')`)
		Expect(err).NotTo(HaveOccurred())
		code, _, stderr := run("migrate", "down", "--data", dir)
		Expect(code).To(Equal(ledger.ExitFailure))
		Expect(stderr).To(ContainSubstring("newer than this release"))
		_, stdout, _ := run("migrate", "status", "--data", dir)
		Expect(stdout).To(ContainSubstring("unknown to this release"))
	})

	It("applies and reverts the rewrite offline, and prints a digest", func() {
		expectMigrate(dir, steps(false, 1, 2, 3, 4, 5)+"schema version 5\n", "up", "--data", dir, "--defect", "none")
		_, err := openDB(dir).Exec(`INSERT INTO entries (request_id, account, amount, created_at) VALUES ('r', 'a', 3, 'now')`)
		Expect(err).NotTo(HaveOccurred())
		expectMigrate(dir, steps(false, 6)+"schema version 6\n", "up", "--data", dir, "--defect", "migration-rewrite")

		_, stdout, _ := run("migrate", "status", "--data", dir)
		Expect(stdout).To(HavePrefix("schema version 6 (this release knows up to 5)\n"))
		Expect(stdout).To(MatchRegexp(`6\s+amounts_to_cents \(defect migration-rewrite\)\s+applied 20\d\d-`))
		Expect(stdout).NotTo(ContainSubstring("unknown to this release"))

		code, digest, _ := run("migrate", "digest", "--data", dir)
		Expect(code).To(Equal(ledger.ExitOK))
		Expect(digest).To(MatchRegexp(`^schema=6 data=sha256:[0-9a-f]{64}\n$`))

		expectMigrate(dir, steps(true, 6)+"schema version 5\n", "down", "--data", dir, "--to", "5")
		Expect(count(openDB(dir), `SELECT amount FROM entries`)).To(Equal(300), "the down keeps the data rewritten")
		expectMigrate(dir, "schema version 5\n", "down", "--data", dir, "--to", "5")
		expectMigrate(dir, steps(true, 6)+"schema version 5\n", "down", "--data", dir, "--to", "5", "--defect", "non-idempotent-down")
		Expect(count(openDB(dir), `SELECT amount FROM entries`)).To(Equal(3), "the defective down divides even at the target")
	})

	It("fails on a data dir without a database, and does not create one", func() {
		for _, action := range []string{"status", "digest", "down"} {
			code, _, stderr := run("migrate", action, "--data", dir)
			Expect(code).To(Equal(ledger.ExitFailure), action)
			Expect(stderr).To(ContainSubstring("no ledger database"), action)
		}
		_, err := os.Stat(dir)
		Expect(os.IsNotExist(err)).To(BeTrue())
	})
})

// expectMigrate runs `ledger migrate ARGS` in-process and expects exit 0
// and exactly wantStdout.
func expectMigrate(dir, wantStdout string, args ...string) {
	GinkgoHelper()
	code, stdout, stderr := run(append([]string{"migrate"}, args...)...)
	Expect(code).To(Equal(ledger.ExitOK), stderr)
	Expect(stdout).To(Equal(wantStdout))
}

// steps renders the lines `ledger migrate` prints for the given
// migrations, applied or reverted, in the order given.
func steps(down bool, versions ...int) string {
	var b strings.Builder
	all := append(ledger.Migrations(), ledger.Migration{Version: 6, Name: "amounts_to_cents"})
	for _, v := range versions {
		verb := "applied"
		if down {
			verb = "reverted"
		}
		fmt.Fprintf(&b, "%s %d %s\n", verb, v, all[v-1].Name)
	}
	return b.String()
}
