package archive_test

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/archive"
)

// entry is one archive entry to write: a folder (name ending in "/"), a
// file with body, or a link.
type entry struct {
	name string
	typ  byte
	body string
	link string
	mode int64
}

func tarOf(entries ...entry) *bytes.Reader {
	GinkgoHelper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		mode := e.mode
		if mode == 0 {
			mode = 0o777
		}
		h := &tar.Header{Name: e.name, Typeflag: typ, Linkname: e.link, Mode: mode, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			h.Size = 0
		}
		Expect(tw.WriteHeader(h)).To(Succeed())
		if typ == tar.TypeReg {
			_, err := tw.Write([]byte(e.body))
			Expect(err).NotTo(HaveOccurred())
		}
	}
	Expect(tw.Close()).To(Succeed())
	return bytes.NewReader(b.Bytes())
}

// sandbox returns a parent folder holding the target folder "dest" and an
// "outside" folder next to it, which no extraction may touch.
func sandbox() (dest, outside string) {
	GinkgoHelper()
	parent := GinkgoT().TempDir()
	dest, outside = filepath.Join(parent, "dest"), filepath.Join(parent, "outside")
	Expect(os.Mkdir(dest, 0o700)).To(Succeed())
	Expect(os.Mkdir(outside, 0o700)).To(Succeed())
	return dest, outside
}

func expectEmpty(dir string) {
	GinkgoHelper()
	Expect(os.ReadDir(dir)).To(BeEmpty(), "something was written in %s", dir)
}

var _ = Describe("Extract", func() {
	It("extracts folders, files and inside links with private modes, stripping the first component", func() {
		dest, _ := sandbox()
		st, err := archive.Extract(tarOf(
			entry{name: "data/", typ: tar.TypeDir},
			entry{name: "data/sub/", typ: tar.TypeDir},
			entry{name: "data/sub/a.txt", body: "hello"},
			entry{name: "data/b.txt", body: "hi"},
			entry{name: "data/sub/link", typ: tar.TypeSymlink, link: "../b.txt"},
			entry{name: "data/hard", typ: tar.TypeLink, link: "data/b.txt"},
		), dest, archive.Options{Strip: 1})
		Expect(err).NotTo(HaveOccurred())
		Expect(st).To(Equal(archive.Stats{Files: 2, Bytes: 7}))
		Expect(os.ReadFile(filepath.Join(dest, "sub", "link"))).To(Equal([]byte("hi")))
		Expect(os.ReadFile(filepath.Join(dest, "hard"))).To(Equal([]byte("hi")))
		fi, err := os.Stat(filepath.Join(dest, "sub", "a.txt"))
		Expect(err).NotTo(HaveOccurred())
		Expect(fi.Mode().Perm()).To(Equal(fs.FileMode(0o600)))
		fi, err = os.Stat(filepath.Join(dest, "sub"))
		Expect(err).NotTo(HaveOccurred())
		Expect(fi.Mode().Perm()).To(Equal(fs.FileMode(0o700)))
	})

	It("writes nothing outside for a symlink to /outside followed by a file through it", func() {
		dest, outside := sandbox()
		err := archive.Untar(tarOf(
			entry{name: "data/escape", typ: tar.TypeSymlink, link: outside},
			entry{name: "data/escape/pwned.txt", body: "pwned"},
		), dest)
		Expect(err).To(MatchError(archive.ErrUnsafe))
		expectEmpty(outside)
		Expect(filepath.Join(dest, "data", "escape")).NotTo(BeAnExistingFile())
	})

	DescribeTable("refuses an entry that leaves the folder, and writes nothing outside",
		func(entries ...entry) {
			dest, outside := sandbox()
			// Entries aim at ../outside from dest, and deeper variants.
			_, err := archive.Extract(tarOf(entries...), dest, archive.Options{Strip: 1})
			Expect(err).To(MatchError(archive.ErrUnsafe))
			expectEmpty(outside)
		},
		Entry("a relative symlink climbing out", entry{name: "data/escape", typ: tar.TypeSymlink, link: "../../outside"}, entry{name: "data/escape/pwned.txt", body: "x"}),
		Entry("an absolute path", entry{name: "/outside/pwned.txt", body: "x"}),
		Entry("a path with ..", entry{name: "data/../../outside/pwned.txt", body: "x"}),
		Entry("a hard link to a path with ..", entry{name: "data/h", typ: tar.TypeLink, link: "data/../../outside/x"}),
		Entry("a hard link to an absolute path", entry{name: "data/h", typ: tar.TypeLink, link: "/etc/passwd"}),
		Entry("a character device", entry{name: "data/null", typ: tar.TypeChar}),
		Entry("a block device", entry{name: "data/disk", typ: tar.TypeBlock}),
		Entry("a named pipe", entry{name: "data/fifo", typ: tar.TypeFifo}),
	)

	It("cannot be led out by a symlink already in the folder: os.Root holds", func() {
		dest, outside := sandbox()
		Expect(os.Symlink(outside, filepath.Join(dest, "escape"))).To(Succeed())
		err := archive.Untar(tarOf(entry{name: "escape/pwned.txt", body: "pwned"}), dest)
		Expect(err).To(HaveOccurred())
		expectEmpty(outside)
	})

	It("replaces a symlink by a later file of the same name instead of writing through it", func() {
		dest, outside := sandbox()
		target := filepath.Join(outside, "keep.txt")
		Expect(os.WriteFile(target, []byte("keep"), 0o600)).To(Succeed())
		Expect(os.Symlink(target, filepath.Join(dest, "f"))).To(Succeed())
		Expect(archive.Untar(tarOf(entry{name: "f", body: "new"}), dest)).To(Succeed())
		Expect(os.ReadFile(target)).To(Equal([]byte("keep")))
		Expect(os.ReadFile(filepath.Join(dest, "f"))).To(Equal([]byte("new")))
	})

	It("stops at MaxBytes before writing the file that would pass it", func() {
		dest, _ := sandbox()
		st, err := archive.Extract(tarOf(entry{name: "a", body: "12345"}, entry{name: "b", body: "123456"}), dest, archive.Options{MaxBytes: 10})
		Expect(err).To(MatchError(archive.ErrTooLarge))
		Expect(st.Files).To(Equal(1))
		Expect(filepath.Join(dest, "b")).NotTo(BeAnExistingFile())
	})
})
