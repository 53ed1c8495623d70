package cleanup_test

import (
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/cleanup"
)

var _ = Describe("The drill lock", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("is alive while held, names its holder, and is gone once released", func() {
		Expect(cleanup.LockAlive(dir)).To(BeFalse(), "no lock file")
		lock, err := cleanup.WriteLock(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(cleanup.LockAlive(dir)).To(BeTrue())
		info, err := cleanup.ReadLock(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.PID).To(Equal(os.Getpid()))
		Expect(info.Started).To(BeTemporally("~", time.Now(), 5*time.Second))
		Expect(info.BootID).NotTo(BeEmpty())

		_, err = cleanup.WriteLock(dir)
		Expect(err).To(MatchError(cleanup.ErrLocked))

		Expect(lock.Release()).To(Succeed())
		Expect(lock.Release()).To(Succeed())
		Expect(cleanup.LockAlive(dir)).To(BeFalse())
		Expect(filepath.Join(dir, cleanup.LockFileName)).NotTo(BeAnExistingFile())
	})

	It("is dead when the file is there but nobody holds it", func() {
		Expect(os.WriteFile(filepath.Join(dir, cleanup.LockFileName), []byte(`{"pid":1}`), 0o644)).To(Succeed())
		Expect(cleanup.LockAlive(dir)).To(BeFalse())
	})
})
