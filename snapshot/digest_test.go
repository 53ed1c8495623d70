package snapshot_test

import (
	"context"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/snapshot"
)

var _ = Describe("StateDigest", func() {
	var dir, dbPath, base string

	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		dbPath = ledgerDB(dir)
		writeFile(dir, "settings.json", `{"a":1}`, 0o644)
		base = mustDigest(dir)
	})

	change := func(stmts ...string) string {
		GinkgoHelper()
		db := openDB(dbPath)
		exec(db, stmts...)
		Expect(db.Close()).To(Succeed())
		return mustDigest(dir)
	}

	It("is stable: the same directory gives the same digest", func() {
		Expect(base).To(HaveLen(64))
		Expect(mustDigest(dir)).To(Equal(base))
	})

	It("does not change after VACUUM rewrites every page", func() {
		before, err := os.ReadFile(dbPath)
		Expect(err).NotTo(HaveOccurred())
		db := openDB(dbPath)
		exec(db, `DELETE FROM accounts WHERE id = 'bob'`, `INSERT INTO accounts VALUES ('bob', 50, NULL)`) // bob moves pages
		exec(db, `VACUUM`)
		Expect(db.Close()).To(Succeed())
		after, err := os.ReadFile(dbPath)
		Expect(err).NotTo(HaveOccurred())
		Expect(after).NotTo(Equal(before), "the bytes on disk did change")
		Expect(mustDigest(dir)).To(Equal(base))
	})

	It("reads rows still in the WAL, and does not change when they are checkpointed", func() {
		db := openDB(dbPath)
		exec(db, `INSERT INTO accounts VALUES ('dave', 1, NULL)`)
		Expect(dbPath + "-wal").To(BeARegularFile())
		inWAL := mustDigest(dir)
		Expect(inWAL).NotTo(Equal(base), "the uncheckpointed insert is part of the state")
		exec(db, `PRAGMA wal_checkpoint(TRUNCATE)`)
		Expect(mustDigest(dir)).To(Equal(inWAL))
		Expect(db.Close()).To(Succeed())
		Expect(mustDigest(dir)).To(Equal(inWAL))
	})

	DescribeTable("changes with any change of data or schema",
		func(stmts ...string) {
			Expect(change(stmts...)).NotTo(Equal(base))
		},
		Entry("one value", `UPDATE accounts SET balance = 101 WHERE id = 'alice'`),
		Entry("a value's type only (text 'n' to the blob x'6e')", `UPDATE accounts SET note = x'6e' WHERE id = 'carol'`),
		Entry("a deleted row", `DELETE FROM accounts WHERE id = 'carol'`),
		Entry("a duplicate row in a table with no key", `INSERT INTO events VALUES (2, 'deposit')`),
		Entry("a new index", `CREATE INDEX events_at ON events (at)`),
		Entry("a dropped column", `ALTER TABLE accounts DROP COLUMN note`),
		Entry("the user_version", `PRAGMA user_version = 2`),
		Entry("a new empty table", `CREATE TABLE t (x)`),
	)

	It("ignores statistics that ANALYZE adds", func() {
		Expect(change(`ANALYZE`)).To(Equal(base))
	})

	It("changes with another file's content, and with its path", func() {
		writeFile(dir, "settings.json", `{"a":2}`, 0o644)
		changed := mustDigest(dir)
		Expect(changed).NotTo(Equal(base))
		writeFile(dir, "settings.json", `{"a":1}`, 0o644)
		Expect(mustDigest(dir)).To(Equal(base))
		Expect(os.Rename(filepath.Join(dir, "settings.json"), filepath.Join(dir, "settings2.json"))).To(Succeed())
		Expect(mustDigest(dir)).NotTo(Equal(base))
	})

	It("equals the digest of a copy made by Take, and is not changed by a verified snapshot", func() {
		snap := filepath.Join(GinkgoT().TempDir(), "s")
		_, err := snapshot.Take(context.Background(), dir, snap)
		Expect(err).NotTo(HaveOccurred())
		Expect(mustDigest(filepath.Join(snap, snapshot.DataDir))).To(Equal(base))
		Expect(snapshot.Verify(snap)).To(Succeed(), "digesting a snapshot does not add files to it")
	})

	It("fails on a directory that does not exist", func() {
		_, err := snapshot.StateDigest(filepath.Join(dir, "nope"))
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("Schema", func() {
	It("lists user_version and each object's SQL, sorted, without automatic indexes", func() {
		dir := GinkgoT().TempDir()
		path := ledgerDB(dir)
		s, err := snapshot.Schema(context.Background(), path)
		Expect(err).NotTo(HaveOccurred())
		Expect(s).To(Equal("user_version 3\n" +
			"index accounts_balance: CREATE INDEX accounts_balance ON accounts (balance)\n" +
			"table accounts: CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER NOT NULL, note BLOB)\n" +
			"table events: CREATE TABLE events (at INTEGER, what TEXT)\n"))
	})

	It("fails on a file that is not a database", func() {
		dir := GinkgoT().TempDir()
		writeFile(dir, "x.db", "not sqlite at all, but long enough to have a header", 0o644)
		_, err := snapshot.Schema(context.Background(), filepath.Join(dir, "x.db"))
		Expect(err).To(HaveOccurred())
	})
})
