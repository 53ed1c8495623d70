package rollback_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/snapshot"
)

var _ = Describe("ExecuteTwice", func() {
	var (
		env     *fakeReleases
		dataDir string
		digests int
	)

	BeforeEach(func() {
		env = newEnv("")
		dataDir = GinkgoT().TempDir()
		newDB(filepath.Join(dataDir, "store.db"))
		Expect(os.WriteFile(filepath.Join(dataDir, "log"), []byte("start\n"), 0o644)).To(Succeed())
		digests = 0
	})

	// digest is the engine's view of the state: the data directory's
	// StateDigest.
	digest := func(context.Context) (string, error) {
		digests++
		return snapshot.StateDigest(dataDir)
	}

	twice := func(plan ...rollback.ActionSpec) (rollback.Twice, error) {
		start := time.Now()
		return rollback.ExecuteTwice(context.Background(), plan, env, func() time.Duration { return time.Since(start) }, digest)
	}

	sh := func(script string) rollback.ActionSpec {
		return rollback.ActionSpec{Action: rollback.Command, Command: []string{"sh", "-c", script}, Env: map[string]string{"D": dataDir}}
	}

	It("catches a command that appends to a file: the digests differ", func() {
		t, err := twice(sh(`echo rolled-back >> "$D/log"`))
		Expect(err).NotTo(HaveOccurred())
		Expect(t.First).To(HaveLen(1))
		Expect(t.Second).To(HaveLen(1))
		Expect(t.Second[0].Skipped).To(BeEmpty(), "declared idempotent by default, so it ran again")
		Expect(t.FirstDigest).NotTo(BeEmpty())
		Expect(t.SecondDigest).NotTo(Equal(t.FirstDigest))
		Expect(t.Same).To(BeFalse())
		Expect(os.ReadFile(filepath.Join(dataDir, "log"))).To(Equal([]byte("start\nrolled-back\nrolled-back\n")))
	})

	It("passes a command that writes the same content each time", func() {
		t, err := twice(sh(`echo rolled-back > "$D/log"`))
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Same).To(BeTrue())
		Expect(t.FirstDigest).To(Equal(t.SecondDigest))
		Expect(digests).To(Equal(2))
	})

	It("catches a down migration that is not idempotent", func() {
		argv, vars := sqlCommand(filepath.Join(dataDir, "store.db"), `UPDATE accounts SET balance = balance - 10;`)
		t, err := twice(rollback.ActionSpec{Action: rollback.MigrateDown, Database: filepath.Join(dataDir, "store.db"),
			Command: argv, Env: vars, Timeout: 20 * time.Second})
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Same).To(BeFalse())
		Expect(t.First[0].SchemaAfter).To(Equal(t.Second[0].SchemaAfter), "the schema is the same; the data is not")
	})

	It("does not run again an action declared not idempotent", func() {
		no := false
		a := sh(`echo rolled-back >> "$D/log"`)
		a.Idempotent = &no
		t, err := twice(a)
		Expect(err).NotTo(HaveOccurred())
		Expect(t.First[0].Idempotent).To(BeFalse())
		Expect(t.Second[0].Skipped).To(ContainSubstring("not idempotent"))
		Expect(t.Second[0].Attempts).To(BeEmpty())
		Expect(t.Same).To(BeTrue())
		Expect(os.ReadFile(filepath.Join(dataDir, "log"))).To(Equal([]byte("start\nrolled-back\n")))
	})

	It("redeploys the version the first run chose, and only once", func() {
		t, err := twice(redeploy("api"))
		Expect(err).NotTo(HaveOccurred())
		Expect(env.calls).To(HaveLen(1), "the second run finds api at v1 already")
		Expect(t.First[0].To).To(Equal("v1"))
		Expect(t.Second[0].From).To(Equal("v1"))
		Expect(t.Second[0].To).To(Equal("v1"), "not one further back")
		Expect(t.Second[0].Skipped).To(Equal("already at v1"))
		Expect(t.Same).To(BeTrue())
	})

	It("redeploys again in the second run when something moved the service off that version", func() {
		plan := []rollback.ActionSpec{redeploy("api"), sh(`true`)}
		env.previous["api"] = "v1"
		start := time.Now()
		clock := func() time.Duration { return time.Since(start) }
		moved := func(ctx context.Context) (string, error) {
			env.current["api"] = "v9" // a stray deploy between the runs
			return digest(ctx)
		}
		t, err := rollback.ExecuteTwice(context.Background(), plan, env, clock, moved)
		Expect(err).NotTo(HaveOccurred())
		Expect(env.calls).To(HaveLen(2))
		Expect(env.calls[1].version).To(Equal("v1"))
		Expect(t.Second[0].From).To(Equal("v9"))
	})

	It("stops after a failed first run without a second one", func() {
		t, err := twice(sh(`exit 1`), sh(`echo x >> "$D/log"`))
		Expect(err).To(MatchError(rollback.ErrCommandFailed))
		Expect(t.First).To(HaveLen(2))
		Expect(t.First[1].Status).To(Equal(rollback.StepSkipped))
		Expect(t.Second).To(BeEmpty())
		Expect(digests).To(BeZero())
		Expect(t.Same).To(BeFalse())
	})

	It("returns a digest's error", func() {
		boom := errors.New("disk gone")
		_, err := rollback.ExecuteTwice(context.Background(), []rollback.ActionSpec{sh(`true`)}, env, stepClock(),
			func(context.Context) (string, error) { return "", boom })
		Expect(err).To(MatchError(boom))
	})
})
