package sut_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
)

var _ = Describe("Process start failures", func() {
	var ctx context.Context
	BeforeEach(func() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
		DeferCleanup(cancel)
	})

	It("fails at once with the exit status and log tail of a process that exits before healthy", func() {
		rt, ev, work := newRuntime(map[string]sut.ServiceSpec{
			// A long timeout: the start must not wait for it.
			"api": {Health: "/healthz", StartTimeout: 20 * time.Second, Versions: map[string]sut.VersionSpec{
				"v2": svcVersion("--unhealthy", "--exit-after", "100ms"),
			}},
		}, nil)

		began := time.Now()
		_, err := rt.Start(ctx, "api", "v2", nil)
		Expect(time.Since(began)).To(BeNumerically("<", 10*time.Second))
		Expect(err).To(MatchError(sut.ErrExitedEarly))
		var se *sut.StartError
		Expect(errors.As(err, &se)).To(BeTrue())
		Expect(se.ExitStatus).To(Equal("exit status 3"))
		// The last check may have met the process while it was exiting.
		Expect(se.LastCheck).To(Or(Equal("503 Service Unavailable"), ContainSubstring("connection reset"),
			ContainSubstring("connection refused"), ContainSubstring("EOF")), "the last health check is recorded")
		Expect(se.LogPath).To(Equal(filepath.Join(work, "logs", "api-v2.log")))
		Expect(se.LogTail).To(ContainSubstring("svc v2: simulated crash"))
		Expect(se.LogTail).NotTo(ContainSubstring("--- faultdrill"), "only this start's output")
		Expect(err.Error()).To(ContainSubstring("sut: start api v2: exited before it was healthy (exit status 3)"))
		Expect(err.Error()).To(ContainSubstring("simulated crash"))

		_, ok := rt.Running("api")
		Expect(ok).To(BeFalse())
		Expect(ev.kinds("api")).To(Equal([]string{"v2 started", "v2 exited-unexpectedly"}))
	})

	It("gives up after the start timeout and kills the process", func() {
		const timeout = 400 * time.Millisecond
		rt, ev, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", StartTimeout: timeout, Versions: map[string]sut.VersionSpec{"v1": svcVersion("--unhealthy")}},
		}, nil)

		began := time.Now()
		_, err := rt.Start(ctx, "api", "v1", nil)
		Expect(time.Since(began)).To(BeNumerically(">=", timeout))
		Expect(err).To(MatchError(sut.ErrStartTimeout))
		var se *sut.StartError
		Expect(errors.As(err, &se)).To(BeTrue())
		// The last check may have met the process while it was exiting.
		Expect(se.LastCheck).To(Or(Equal("503 Service Unavailable"), ContainSubstring("connection reset"),
			ContainSubstring("connection refused"), ContainSubstring("EOF")), "the last health check is recorded")
		Expect(se.LogTail).To(ContainSubstring("svc v1: listening on"))
		_, ok := rt.Running("api")
		Expect(ok).To(BeFalse())
		Expect(ev.kinds("api")).To(Equal([]string{"v1 started", "v1 stopped"}))
		Expect(sut.ProcAlive(ev.list()[0].PID)).To(BeFalse())

		// Nothing is left on the port: the next start gets it.
		_, err = rt.Start(ctx, "api", "v1", nil)
		Expect(err).To(MatchError(sut.ErrStartTimeout))
	})

	It("stops waiting when the caller's context ends", func() {
		rt, ev, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", Versions: map[string]sut.VersionSpec{"v1": svcVersion("--unhealthy")}},
		}, nil)
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		_, err := rt.Start(short, "api", "v1", nil)
		Expect(err).To(MatchError(context.DeadlineExceeded))
		started := ev.list()[0]
		Expect(started.Kind).To(Equal(sut.EventStarted))
		Expect(sut.ProcAlive(started.PID)).To(BeFalse())
	})

	It("names the service, version and path of a missing binary", func() {
		rt, ev, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Versions: map[string]sut.VersionSpec{
				"v1": {Command: []string{"./bin/api-v1"}},
				"v2": {Command: []string{"faultdrill-no-such-binary"}},
			}},
		}, nil)
		_, err := rt.Start(ctx, "api", "v1", nil)
		Expect(err).To(MatchError(sut.ErrMissingBinary))
		Expect(err.Error()).To(Equal(`sut: api v1: binary not found: "./bin/api-v1" (tried ` +
			filepath.Join(binDir, "bin", "api-v1") + ")"))

		_, err = rt.Start(ctx, "api", "v2", nil)
		Expect(err).To(MatchError(sut.ErrMissingBinary))
		Expect(err.Error()).To(ContainSubstring(`sut: api v2: binary not found: "faultdrill-no-such-binary" is not in $PATH`))
		Expect(ev.list()).To(BeEmpty())
	})

	It("rejects ${data_dir} in a service without a data dir", func() {
		rt, _, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Versions: map[string]sut.VersionSpec{"v1": svcVersion("--data", "${data_dir}")}},
		}, nil)
		_, err := rt.Start(ctx, "api", "v1", nil)
		Expect(err).To(MatchError(sut.ErrNoDataDir))
		Expect(err.Error()).To(ContainSubstring("${data_dir}"))
	})

	It("rejects start vars that shadow the runtime's own", func() {
		rt, _, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Versions: map[string]sut.VersionSpec{"v1": svcVersion()}},
		}, nil)
		_, err := rt.Start(ctx, "api", "v1", map[string]string{"port": "1"})
		Expect(err).To(MatchError(sut.ErrBadSpec))
	})

	It("fails with ErrPortInUse when another process holds the service's port", func() {
		rt, _, _ := newRuntime(map[string]sut.ServiceSpec{
			"api": {Health: "/healthz", Versions: map[string]sut.VersionSpec{"v1": svcVersion()}},
		}, nil)
		addr, err := rt.Addr("api")
		Expect(err).NotTo(HaveOccurred())
		squatter, err := net.Listen("tcp", addr)
		if err != nil {
			Skip("the port was taken before the test could hold it: " + err.Error())
		}
		_, err = rt.Start(ctx, "api", "v1", nil)
		Expect(err).To(MatchError(sut.ErrPortInUse))
		Expect(err.Error()).To(ContainSubstring(addr))

		Expect(squatter.Close()).To(Succeed())
		_, err = rt.Start(ctx, "api", "v1", nil)
		Expect(err).NotTo(HaveOccurred())
	})
})
