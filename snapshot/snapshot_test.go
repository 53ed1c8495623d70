package snapshot_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/perm"
	"github.com/faultdrill/faultdrill/snapshot"
)

// corruptions returns the *CorruptError values joined in err.
func corruptions(err error) []*snapshot.CorruptError {
	var out []*snapshot.CorruptError
	var walk func(error)
	walk = func(e error) {
		if ce, ok := e.(*snapshot.CorruptError); ok {
			out = append(out, ce)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

var _ = Describe("Take", func() {
	var src, snap string
	ctx := context.Background()

	BeforeEach(func() {
		src = filepath.Join(GinkgoT().TempDir(), "data")
		snap = filepath.Join(GinkgoT().TempDir(), "snaps", "before-v2")
		Expect(os.Mkdir(src, 0o755)).To(Succeed())
		ledgerDB(src)
		writeFile(src, "config/app.yaml", "mode: v1\n", 0o600)
		writeFile(src, "VERSION", "1\n", 0o644)
	})

	It("copies every file and lists each with size, mode and SHA-256, sorted, with a digest of the list", func() {
		m, err := snapshot.Take(ctx, src, snap)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Format).To(Equal(snapshot.Format))
		var paths []string
		for _, f := range m.Files {
			paths = append(paths, f.Path)
		}
		Expect(paths).To(Equal([]string{"VERSION", "app.db", "config/app.yaml"}))
		sum := sha256.Sum256([]byte("mode: v1\n"))
		Expect(m.Files[2]).To(Equal(snapshot.File{Path: "config/app.yaml", Size: 9, Mode: 0o600, SHA256: hex.EncodeToString(sum[:])}))
		Expect(m.Digest).To(Equal(m.ListDigest()))
		Expect(m.Digest).To(HaveLen(64))

		Expect(contents(filepath.Join(snap, snapshot.DataDir))).To(Equal(contents(src)))
		Expect(modes(filepath.Join(snap, snapshot.DataDir))).To(Equal(map[string]fs.FileMode{
			"VERSION": perm.File, "app.db": perm.File, "config": perm.Dir, "config/app.yaml": perm.File,
		}), "the copies are private; the manifest keeps the source's modes")
		var onDisk snapshot.Manifest
		b, err := os.ReadFile(filepath.Join(snap, snapshot.ManifestName))
		Expect(err).NotTo(HaveOccurred())
		Expect(json.Unmarshal(b, &onDisk)).To(Succeed())
		Expect(onDisk).To(Equal(m))
		Expect(string(b)).To(ContainSubstring(`"mode": "0600"`), "modes are written as octal text")
		Expect(snapshot.Verify(snap)).To(Succeed())
	})

	It("copies a database's -wal and -shm files, so uncheckpointed commits are in the snapshot", func() {
		db := openDB(filepath.Join(src, "live.db"))
		exec(db, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`, `INSERT INTO t (v) VALUES ('only in the wal')`)
		Expect(filepath.Join(src, "live.db-wal")).To(BeARegularFile(), "the open connection keeps the WAL")

		m, err := snapshot.Take(ctx, src, snap)
		Expect(err).NotTo(HaveOccurred())
		var paths []string
		for _, f := range m.Files {
			paths = append(paths, f.Path)
		}
		Expect(paths).To(ContainElements("live.db", "live.db-wal", "live.db-shm"))
		want, err := snapshot.StateDigest(src)
		Expect(err).NotTo(HaveOccurred())
		Expect(snapshot.StateDigest(filepath.Join(snap, snapshot.DataDir))).To(Equal(want))
		Expect(snapshot.Verify(snap)).To(Succeed(), "reading the copy through SQLite did not change it")
	})

	It("refuses a destination that is not empty, and leaves it alone", func() {
		writeFile(snap, "keep.txt", "mine", 0o644)
		_, err := snapshot.Take(ctx, src, snap)
		Expect(err).To(MatchError(snapshot.ErrDestinationExists))
		Expect(tree(snap)).To(Equal(map[string]string{"keep.txt": "-rw-r--r-- mine"}))
	})

	It("accepts an empty destination directory", func() {
		Expect(os.MkdirAll(snap, 0o755)).To(Succeed())
		_, err := snapshot.Take(ctx, src, snap)
		Expect(err).NotTo(HaveOccurred())
	})

	It("refuses a symbolic link and removes what it had copied", func() {
		Expect(os.Symlink("/etc/hostname", filepath.Join(src, "zz-link"))).To(Succeed())
		_, err := snapshot.Take(ctx, src, snap)
		Expect(err).To(MatchError(snapshot.ErrNotRegular))
		Expect(err.Error()).To(ContainSubstring("zz-link"))
		entries, err := os.ReadDir(snap)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(BeEmpty())
	})

	It("fails on a missing source", func() {
		_, err := snapshot.Take(ctx, filepath.Join(src, "nope"), snap)
		Expect(err).To(MatchError(fs.ErrNotExist))
	})

	It("stops when its context is cancelled", func() {
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := snapshot.Take(cancelled, src, snap)
		Expect(err).To(MatchError(context.Canceled))
		Expect(filepath.Join(snap, snapshot.ManifestName)).NotTo(BeAnExistingFile())
	})
})

var _ = Describe("Verify", func() {
	var snap, data string

	BeforeEach(func() {
		src := GinkgoT().TempDir()
		ledgerDB(src)
		writeFile(src, "notes/a.txt", "hello", 0o644)
		snap = filepath.Join(GinkgoT().TempDir(), "snap")
		_, err := snapshot.Take(context.Background(), src, snap)
		Expect(err).NotTo(HaveOccurred())
		data = filepath.Join(snap, snapshot.DataDir)
	})

	expectProblem := func(err error, path string, problem snapshot.Problem) {
		GinkgoHelper()
		Expect(errors.Is(err, snapshot.ErrCorrupt)).To(BeTrue(), "got %v", err)
		var ce *snapshot.CorruptError
		Expect(errors.As(err, &ce)).To(BeTrue())
		Expect(ce.Path).To(Equal(path))
		Expect(ce.Problem).To(Equal(problem))
		Expect(err.Error()).To(ContainSubstring(path))
	}

	It("finds a flipped byte inside a file of the same size", func() {
		flipByte(filepath.Join(data, "app.db"), 200)
		err := snapshot.Verify(snap)
		expectProblem(err, "app.db", snapshot.Changed)
		Expect(err.Error()).To(ContainSubstring("sha256"))
	})

	It("finds a file that grew", func() {
		writeFile(data, "notes/a.txt", "hello!", 0o644)
		expectProblem(snapshot.Verify(snap), "notes/a.txt", snapshot.Changed)
	})

	It("finds a changed mode", func() {
		Expect(os.Chmod(filepath.Join(data, "notes/a.txt"), 0o644)).To(Succeed())
		expectProblem(snapshot.Verify(snap), "notes/a.txt", snapshot.Changed)
	})

	It("finds a missing file", func() {
		Expect(os.Remove(filepath.Join(data, "notes/a.txt"))).To(Succeed())
		expectProblem(snapshot.Verify(snap), "notes/a.txt", snapshot.Missing)
	})

	It("finds an extra file", func() {
		writeFile(data, "notes/b.txt", "sneaky", 0o644)
		expectProblem(snapshot.Verify(snap), "notes/b.txt", snapshot.Extra)
	})

	It("reports every problem at once", func() {
		flipByte(filepath.Join(data, "app.db"), 200)
		Expect(os.Remove(filepath.Join(data, "notes/a.txt"))).To(Succeed())
		writeFile(data, "z.txt", "x", 0o644)
		got := map[string]snapshot.Problem{}
		for _, ce := range corruptions(snapshot.Verify(snap)) {
			got[ce.Path] = ce.Problem
		}
		Expect(got).To(Equal(map[string]snapshot.Problem{
			"app.db": snapshot.Changed, "notes/a.txt": snapshot.Missing, "z.txt": snapshot.Extra,
		}))
	})

	It("finds a manifest edited to match a changed file", func() {
		writeFile(data, "notes/a.txt", "HELLO", 0o644)
		m := readManifest(snap)
		sum := sha256.Sum256([]byte("HELLO"))
		for i := range m.Files {
			if m.Files[i].Path == "notes/a.txt" {
				m.Files[i].SHA256 = hex.EncodeToString(sum[:])
			}
		}
		writeManifest(snap, m)
		expectProblem(snapshot.Verify(snap), snapshot.ManifestName, snapshot.BadManifest)
	})

	It("refuses a manifest whose path escapes the snapshot, even with a matching digest", func() {
		m := readManifest(snap)
		m.Files[0].Path = "../../etc/passwd"
		m.Digest = m.ListDigest()
		writeManifest(snap, m)
		expectProblem(snapshot.Verify(snap), snapshot.ManifestName, snapshot.BadManifest)
	})

	It("treats a missing or unreadable manifest as corrupt", func() {
		Expect(os.WriteFile(filepath.Join(snap, snapshot.ManifestName), []byte("{"), 0o644)).To(Succeed())
		expectProblem(snapshot.Verify(snap), snapshot.ManifestName, snapshot.BadManifest)
		Expect(os.Remove(filepath.Join(snap, snapshot.ManifestName))).To(Succeed())
		expectProblem(snapshot.Verify(snap), snapshot.ManifestName, snapshot.Missing)
	})

	It("says a snapshot that does not exist is not found, not corrupt", func() {
		err := snapshot.Verify(filepath.Join(snap, "nope"))
		Expect(err).To(MatchError(fs.ErrNotExist))
		Expect(errors.Is(err, snapshot.ErrCorrupt)).To(BeFalse())
	})
})

var _ = Describe("Restore", func() {
	var snap, dataDir string
	var snapped map[string]string
	ctx := context.Background()

	BeforeEach(func() {
		dataDir = filepath.Join(GinkgoT().TempDir(), "data")
		Expect(os.Mkdir(dataDir, 0o750)).To(Succeed())
		ledgerDB(dataDir)
		writeFile(dataDir, "notes/a.txt", "before", 0o640)
		snapped = tree(dataDir)
		snap = filepath.Join(GinkgoT().TempDir(), "snap")
		_, err := snapshot.Take(ctx, dataDir, snap)
		Expect(err).NotTo(HaveOccurred())

		// the bad release: a data change, a new file, a removed one
		db := openDB(filepath.Join(dataDir, "app.db"))
		exec(db, `UPDATE accounts SET balance = 0`, `ALTER TABLE accounts ADD COLUMN v2 TEXT`)
		Expect(db.Close()).To(Succeed())
		writeFile(dataDir, "v2-cache.bin", "junk", 0o644)
		Expect(os.Remove(filepath.Join(dataDir, "notes/a.txt"))).To(Succeed())
	})

	It("puts back exactly the snapshot's files, modes and state, and drops files added since", func() {
		Expect(snapshot.Restore(ctx, snap, dataDir)).To(Succeed())
		Expect(tree(dataDir)).To(Equal(snapped))
		info, err := os.Stat(dataDir)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mode().Perm()).To(Equal(fs.FileMode(0o750)), "the data dir keeps its own mode")
		Expect(snapshot.StateDigest(dataDir)).To(Equal(mustDigest(filepath.Join(snap, snapshot.DataDir))))
		Expect(siblings(dataDir)).To(ConsistOf("data"), "no temporary directory is left behind")
	})

	It("can restore the same snapshot twice", func() {
		Expect(snapshot.Restore(ctx, snap, dataDir)).To(Succeed())
		Expect(snapshot.Restore(ctx, snap, dataDir)).To(Succeed())
		Expect(tree(dataDir)).To(Equal(snapped))
	})

	It("creates the data dir when it is gone", func() {
		Expect(os.RemoveAll(dataDir)).To(Succeed())
		Expect(snapshot.Restore(ctx, snap, dataDir)).To(Succeed())
		Expect(tree(dataDir)).To(Equal(snapped))
	})

	It("refuses a snapshot with a flipped byte and leaves the data dir untouched", func() {
		before := tree(dataDir)
		flipByte(filepath.Join(snap, snapshot.DataDir, "app.db"), 100)
		err := snapshot.Restore(ctx, snap, dataDir)
		Expect(err).To(MatchError(snapshot.ErrCorrupt))
		var ce *snapshot.CorruptError
		Expect(errors.As(err, &ce)).To(BeTrue())
		Expect(ce.Path).To(Equal("app.db"))
		Expect(tree(dataDir)).To(Equal(before))
		Expect(siblings(dataDir)).To(ConsistOf("data"))
	})

	It("refuses a snapshot with a missing file and leaves the data dir untouched", func() {
		before := tree(dataDir)
		Expect(os.Remove(filepath.Join(snap, snapshot.DataDir, "notes/a.txt"))).To(Succeed())
		Expect(snapshot.Restore(ctx, snap, dataDir)).To(MatchError(snapshot.ErrCorrupt))
		Expect(tree(dataDir)).To(Equal(before))
	})

	It("leaves the data dir alone when the snapshot does not exist", func() {
		before := tree(dataDir)
		Expect(snapshot.Restore(ctx, filepath.Join(snap, "nope"), dataDir)).To(MatchError(fs.ErrNotExist))
		Expect(tree(dataDir)).To(Equal(before))
	})

	It("stops when its context is cancelled, leaving the data dir as it was", func() {
		before := tree(dataDir)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		Expect(snapshot.Restore(cancelled, snap, dataDir)).To(MatchError(context.Canceled))
		Expect(tree(dataDir)).To(Equal(before))
		Expect(siblings(dataDir)).To(ConsistOf("data"))
	})
})

// readManifest decodes a snapshot's manifest.
func readManifest(snap string) snapshot.Manifest {
	GinkgoHelper()
	var m snapshot.Manifest
	b, err := os.ReadFile(filepath.Join(snap, snapshot.ManifestName))
	Expect(err).NotTo(HaveOccurred())
	Expect(json.Unmarshal(b, &m)).To(Succeed())
	return m
}

// writeManifest encodes a snapshot's manifest.
func writeManifest(snap string, m snapshot.Manifest) {
	GinkgoHelper()
	b, err := json.Marshal(m)
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(snap, snapshot.ManifestName), b, 0o644)).To(Succeed())
}

// siblings lists the names in dir's parent.
func siblings(dir string) []string {
	GinkgoHelper()
	entries, err := os.ReadDir(filepath.Dir(dir))
	Expect(err).NotTo(HaveOccurred())
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// mustDigest returns StateDigest(dir) or fails the spec.
func mustDigest(dir string) string {
	GinkgoHelper()
	d, err := snapshot.StateDigest(dir)
	Expect(err).NotTo(HaveOccurred())
	return d
}
