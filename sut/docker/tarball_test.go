package docker

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/archive"
)

var _ = Describe("untar of a volume copied out of a container", func() {
	It("writes nothing outside the target for a symlink to /outside and a file through it", func() {
		parent := GinkgoT().TempDir()
		dest, outside := filepath.Join(parent, "dest"), filepath.Join(parent, "outside")
		Expect(os.Mkdir(dest, 0o700)).To(Succeed())
		Expect(os.Mkdir(outside, 0o700)).To(Succeed())

		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		Expect(tw.WriteHeader(&tar.Header{Name: "data/", Typeflag: tar.TypeDir, Mode: 0o755})).To(Succeed())
		Expect(tw.WriteHeader(&tar.Header{Name: "data/escape", Typeflag: tar.TypeSymlink, Linkname: outside})).To(Succeed())
		Expect(tw.WriteHeader(&tar.Header{Name: "data/escape/pwned.txt", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5})).To(Succeed())
		_, err := tw.Write([]byte("pwned"))
		Expect(err).NotTo(HaveOccurred())
		Expect(tw.Close()).To(Succeed())

		_, err = untar(&b, dest)
		Expect(err).To(MatchError(archive.ErrUnsafe))
		Expect(os.ReadDir(outside)).To(BeEmpty())
		Expect(os.ReadDir(dest)).To(BeEmpty())
	})
})
