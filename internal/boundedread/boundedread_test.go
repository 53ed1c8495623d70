package boundedread_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/boundedread"
)

var _ = Describe("All", func() {
	It("returns an input of exactly the limit", func() {
		Expect(boundedread.All(strings.NewReader("abcd"), 4)).To(Equal([]byte("abcd")))
	})
	It("refuses an input one byte over the limit", func() {
		_, err := boundedread.All(strings.NewReader("abcde"), 4)
		Expect(err).To(MatchError(boundedread.ErrTooLarge))
	})
	It("stops reading an endless pipe at limit+1 bytes", func() {
		pr, pw := io.Pipe()
		go func() {
			buf := make([]byte, 4096)
			for {
				if _, err := pw.Write(buf); err != nil {
					return
				}
			}
		}()
		_, err := boundedread.All(pr, 1<<20)
		pr.Close()
		Expect(err).To(MatchError(boundedread.ErrTooLarge))
	})
})

var _ = Describe("File", func() {
	It("refuses /dev/zero after limit+1 bytes with one clear line", func() {
		if _, err := os.Stat("/dev/zero"); err != nil {
			Skip("no /dev/zero")
		}
		_, err := boundedread.File("/dev/zero", 256<<10)
		Expect(err).To(MatchError(boundedread.ErrTooLarge))
		Expect(err).To(MatchError("larger than the limit of 256 KiB"))
	})
	It("refuses a regular file over the limit from its size, and reads one at it", func() {
		p := filepath.Join(GinkgoT().TempDir(), "f")
		Expect(os.WriteFile(p, make([]byte, 10), 0o600)).To(Succeed())
		_, err := boundedread.File(p, 9)
		Expect(err).To(MatchError(boundedread.ErrTooLarge))
		Expect(boundedread.File(p, 10)).To(HaveLen(10))
	})
	It("refuses a folder", func() {
		_, err := boundedread.File(GinkgoT().TempDir(), 10)
		Expect(err).To(MatchError(ContainSubstring("is a folder")))
	})
})
