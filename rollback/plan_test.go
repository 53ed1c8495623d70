package rollback_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/snapshot"
)

// deployCall is one call to fakeReleases.Deploy.
type deployCall struct {
	service, version string
	deadline         time.Time
	hasDeadline      bool
}

// fakeReleases is an in-memory Env: every service has a current version
// and maybe a previous one; Deploy fails for the services in fail. Its
// other hooks work on real parts: base URLs of real servers, schemas of
// real SQLite files, restores of real snapshots into real directories.
type fakeReleases struct {
	current  map[string]string
	previous map[string]string
	fail     map[string]error
	calls    []deployCall
	// urls, databases, dataDirs and snapshots are per service (snapshots
	// by name); a service missing from one gets ErrUnsupported.
	urls      map[string]string
	databases map[string]string
	dataDirs  map[string]string
	snapshots map[string]string
	restores  int
	// ops lists the stops, starts and restores asked, in order.
	ops []string
}

func (f *fakeReleases) BaseURL(service string) (string, error) {
	if u, ok := f.urls[service]; ok {
		return u, nil
	}
	return "", rollback.ErrUnsupported
}

func (f *fakeReleases) SchemaOf(ctx context.Context, service string) (string, error) {
	if p, ok := f.databases[service]; ok {
		return snapshot.Schema(ctx, p)
	}
	return "", rollback.ErrUnsupported
}

func (f *fakeReleases) RestoreSnapshot(ctx context.Context, service, name, version string) error {
	f.restores++
	f.ops = append(f.ops, "restore "+service+" "+name+" at "+version)
	dir, ok := f.dataDirs[service]
	snap, found := f.snapshots[name]
	if !ok || !found {
		return rollback.ErrUnsupported
	}
	return snapshot.Restore(ctx, snap, dir)
}

func (f *fakeReleases) StopService(ctx context.Context, service string) error {
	f.ops = append(f.ops, "stop "+service)
	return f.fail[service]
}

func (f *fakeReleases) StartService(ctx context.Context, service, version string) error {
	f.ops = append(f.ops, "start "+service+" "+version)
	if err := f.fail[service]; err != nil {
		return err
	}
	if version != f.current[service] {
		f.previous[service], f.current[service] = f.current[service], version
	}
	return nil
}

func (f *fakeReleases) Previous(service string) (string, bool) {
	v, ok := f.previous[service]
	return v, ok
}

func (f *fakeReleases) Current(service string) string { return f.current[service] }

func (f *fakeReleases) Deploy(ctx context.Context, service, version string) error {
	d, ok := ctx.Deadline()
	f.calls = append(f.calls, deployCall{service: service, version: version, deadline: d, hasDeadline: ok})
	if err := f.fail[service]; err != nil {
		return err
	}
	f.previous[service], f.current[service] = f.current[service], version
	return nil
}

// stepClock returns a clock that reads 0, 1s, 2s, ... on successive calls.
func stepClock() func() time.Duration {
	var n time.Duration
	return func() time.Duration {
		t := n
		n += time.Second
		return t
	}
}

func redeploy(svc string) rollback.ActionSpec {
	return rollback.ActionSpec{Action: rollback.RedeployPrevious, Service: svc}
}

var _ = Describe("DefaultPlan", func() {
	It("redeploys every deployed service, the last deployed first, once each", func() {
		Expect(rollback.DefaultPlan([]string{"db", "api", "web", "api"})).To(Equal([]rollback.ActionSpec{
			redeploy("api"), redeploy("web"), redeploy("db"),
		}))
	})

	It("is empty when nothing was deployed", func() {
		Expect(rollback.DefaultPlan(nil)).To(BeEmpty())
	})

	It("does not change its input", func() {
		in := []string{"a", "b", "a"}
		rollback.DefaultPlan(in)
		Expect(in).To(Equal([]string{"a", "b", "a"}))
	})
})

var _ = Describe("Execute", func() {
	var rel *fakeReleases

	BeforeEach(func() {
		rel = &fakeReleases{
			current:  map[string]string{"api": "v2", "web": "w2", "db": "d5"},
			previous: map[string]string{"api": "v1", "web": "w1", "db": "d4"},
			fail:     map[string]error{},
		}
	})

	It("runs the actions in order and records what each switched, on the given clock", func() {
		results, err := rollback.Execute(context.Background(), []rollback.ActionSpec{redeploy("web"), redeploy("api")}, rel, stepClock())
		Expect(err).NotTo(HaveOccurred())
		s := time.Second
		Expect(results).To(Equal([]rollback.ActionResult{
			{Action: rollback.RedeployPrevious, Status: rollback.StepDone, Service: "web", From: "w2", To: "w1", Start: 0, End: 3 * s,
				Idempotent: true, Attempts: []rollback.Attempt{{Start: 1 * s, End: 2 * s}}},
			{Action: rollback.RedeployPrevious, Status: rollback.StepDone, Service: "api", From: "v2", To: "v1", Start: 4 * s, End: 7 * s,
				Idempotent: true, Attempts: []rollback.Attempt{{Start: 5 * s, End: 6 * s}}},
		}))
		Expect(rel.calls).To(HaveLen(2))
		Expect(rel.calls[0].service).To(Equal("web"))
		Expect(rel.calls[0].version).To(Equal("w1"))
		Expect(rel.calls[1].service).To(Equal("api"))
		Expect(rel.calls[1].version).To(Equal("v1"))
	})

	It("stops at the first failure, the later actions skipped, and returns the wrapped cause", func() {
		boom := errors.New("health check failed")
		rel.fail["api"] = boom
		plan := []rollback.ActionSpec{redeploy("web"), redeploy("api"), redeploy("db")}
		results, err := rollback.Execute(context.Background(), plan, rel, stepClock())
		Expect(err).To(MatchError(boom))
		Expect(results).To(HaveLen(3))
		Expect(results[0].Error).To(BeEmpty())
		Expect(results[0].Status).To(Equal(rollback.StepDone))
		Expect(results[1].Status).To(Equal(rollback.StepFailed))
		Expect(results[2].Status).To(Equal(rollback.StepSkipped))
		Expect(results[2].Skipped).To(ContainSubstring("an earlier action of the plan failed"))
		Expect(results[1].Service).To(Equal("api"))
		Expect(results[1].From).To(Equal("v2"))
		Expect(results[1].To).To(Equal("v1"))
		Expect(results[1].Error).To(Equal(boom.Error()))
		Expect(results[1].Attempts).To(HaveLen(1), "no retries by default")
		Expect(results[1].Attempts[0].Error).To(Equal(boom.Error()))
		Expect(results[1].Start).To(Equal(4 * time.Second))
		Expect(results[1].End).To(Equal(7 * time.Second))
		Expect(rel.calls).To(HaveLen(2), "db is never deployed")
		Expect(rel.current["db"]).To(Equal("d5"))
	})

	It("fails with ErrNoPrevious when the service has no earlier version, without deploying", func() {
		delete(rel.previous, "api")
		results, err := rollback.Execute(context.Background(), []rollback.ActionSpec{redeploy("api"), redeploy("web")}, rel, stepClock())
		Expect(errors.Is(err, rollback.ErrNoPrevious)).To(BeTrue(), "got %v", err)
		Expect(results).To(HaveLen(2))
		Expect(results[1].Status).To(Equal(rollback.StepSkipped))
		Expect(results[0].From).To(BeEmpty())
		Expect(results[0].To).To(BeEmpty())
		Expect(results[0].Error).NotTo(BeEmpty())
		Expect(rel.calls).To(BeEmpty())
	})

	It("goes on past a failed optional action, which is reported failed", func() {
		rel.fail["web"] = errors.New("web would not start")
		web := redeploy("web")
		web.Optional = true
		results, err := rollback.Execute(context.Background(), []rollback.ActionSpec{web, redeploy("api")}, rel, stepClock())
		Expect(err).NotTo(HaveOccurred())
		Expect(results).To(HaveLen(2))
		Expect(results[0].Status).To(Equal(rollback.StepFailed))
		Expect(results[0].Optional).To(BeTrue())
		Expect(results[1].Status).To(Equal(rollback.StepDone))
		Expect(rel.current["api"]).To(Equal("v1"))
	})

	It("reports an action cut by its timeout as timed out", func() {
		a := rollback.ActionSpec{Action: rollback.Command, Command: []string{"sleep", "5"}, Timeout: 50 * time.Millisecond}
		results, err := rollback.Execute(context.Background(), []rollback.ActionSpec{a}, rel, stepClock())
		Expect(err).To(MatchError(rollback.ErrTimedOut))
		Expect(results[0].Status).To(Equal(rollback.StepTimedOut))
	})

	It("bounds Deploy by the action's timeout", func() {
		a := redeploy("api")
		a.Timeout = 30 * time.Second
		before := time.Now()
		_, err := rollback.Execute(context.Background(), []rollback.ActionSpec{a, redeploy("web")}, rel, stepClock())
		Expect(err).NotTo(HaveOccurred())
		Expect(rel.calls).To(HaveLen(2))
		Expect(rel.calls[0].hasDeadline).To(BeTrue())
		Expect(rel.calls[0].deadline).To(BeTemporally(">=", before.Add(a.Timeout)))
		Expect(rel.calls[0].deadline).To(BeTemporally("<=", time.Now().Add(a.Timeout)))
		Expect(rel.calls[1].hasDeadline).To(BeFalse(), "no timeout means the caller's context as it is")
	})

	It("keeps the caller's deadline when it is the earlier one", func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		want, _ := ctx.Deadline()
		a := redeploy("api")
		a.Timeout = time.Hour
		_, err := rollback.Execute(ctx, []rollback.ActionSpec{a}, rel, stepClock())
		Expect(err).NotTo(HaveOccurred())
		Expect(rel.calls[0].deadline).To(Equal(want))
	})

	It("rejects an unknown action without deploying", func() {
		results, err := rollback.Execute(context.Background(), []rollback.ActionSpec{{Action: "reboot", Service: "db"}}, rel, stepClock())
		Expect(err).To(MatchError(rollback.ErrBadSpec))
		Expect(results).To(HaveLen(1))
		Expect(results[0].Error).NotTo(BeEmpty())
		Expect(rel.calls).To(BeEmpty())
	})

	It("does nothing for an empty plan", func() {
		results, err := rollback.Execute(context.Background(), nil, rel, stepClock())
		Expect(err).NotTo(HaveOccurred())
		Expect(results).To(BeEmpty())
	})
})
