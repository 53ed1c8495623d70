package history_test

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/faultdrill/faultdrill/internal/testpg"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/history"
	"github.com/faultdrill/faultdrill/reports"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func dur(d time.Duration) *time.Duration { return &d }
func num(i int) *int                     { return &i }
func flag(b bool) *bool                  { return &b }

// aRun is a passed run of scenario on services, n hours after t0.
func aRun(id, scenario string, n int, services ...string) history.Run {
	return history.Run{
		ID: id, Scenario: scenario, Services: services, Started: t0.Add(time.Duration(n) * time.Hour),
		Status: reports.Passed, Class: reports.ClassPassed, Passed: true, Duration: 40 * time.Second,
		Detection: dur(2 * time.Second), Rollback: dur(1500 * time.Millisecond), RTO: dur(3 * time.Second),
		MTTR: dur(6 * time.Second), LostWrites: num(0), Inconsistent: flag(false), Score: num(97), Ops: 2500,
		Dir: "drills/" + id,
	}
}

// storeSpecs are the specs every kind of store must pass; target returns
// a new, empty store's target for each spec.
func storeSpecs(target func(ctx context.Context) string) {
	It("migrates up to the latest version and down to nothing, and up again", func(ctx SpecContext) {
		s, err := history.OpenUnmigrated(ctx, target(ctx))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		Expect(s.Version(ctx)).To(Equal(0))
		for v := 1; v <= history.Latest(); v++ {
			Expect(s.Migrate(ctx, v)).To(Succeed())
			Expect(s.Version(ctx)).To(Equal(v))
		}
		_, err = s.Record(ctx, aRun("a", "x", 0, "api"))
		Expect(err).NotTo(HaveOccurred())
		for v := history.Latest() - 1; v >= 0; v-- {
			Expect(s.Migrate(ctx, v)).To(Succeed())
			Expect(s.Version(ctx)).To(Equal(v))
		}
		_, err = s.List(ctx, history.Filter{})
		Expect(err).To(HaveOccurred(), "version 0 has no runs table")
		Expect(s.Migrate(ctx, history.Latest())).To(Succeed())
		Expect(s.List(ctx, history.Filter{})).To(BeEmpty())
		Expect(s.Migrate(ctx, history.Latest()+1)).To(MatchError(ContainSubstring("no schema version")))
	}, SpecTimeout(time.Minute))

	It("records a run once and lists it back with every figure", func(ctx SpecContext) {
		s, err := history.Open(ctx, target(ctx))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		r := aRun("ledger-1", "ledger", 0, "api", "store")
		r.Detection, r.Inconsistent, r.Status, r.Class, r.Passed = nil, nil, reports.Failed, reports.ClassRTO, false
		Expect(s.Record(ctx, r)).To(BeTrue())
		Expect(s.Record(ctx, r)).To(BeFalse(), "a run is recorded once")
		runs, err := s.List(ctx, history.Filter{})
		Expect(err).NotTo(HaveOccurred())
		Expect(runs).To(Equal([]history.Run{r}))
	}, SpecTimeout(time.Minute))

	It("filters by scenario, service, status and time, oldest first", func(ctx SpecContext) {
		s, err := history.Open(ctx, target(ctx))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		failed := aRun("b-2", "b", 2, "db")
		failed.Status, failed.Class, failed.Passed = reports.Failed, reports.ClassIntegrity, false
		for _, r := range []history.Run{aRun("a-1", "a", 1, "api"), failed, aRun("a-3", "a", 3, "api", "db"), aRun("b-4", "b", 4, "db")} {
			Expect(s.Record(ctx, r)).To(BeTrue())
		}
		ids := func(f history.Filter) []string {
			runs, err := s.List(ctx, f)
			Expect(err).NotTo(HaveOccurred())
			var out []string
			for _, r := range runs {
				out = append(out, r.ID)
			}
			return out
		}
		Expect(ids(history.Filter{})).To(Equal([]string{"a-1", "b-2", "a-3", "b-4"}))
		Expect(ids(history.Filter{Scenario: "a"})).To(Equal([]string{"a-1", "a-3"}))
		Expect(ids(history.Filter{Service: "db"})).To(Equal([]string{"b-2", "a-3", "b-4"}))
		Expect(ids(history.Filter{Status: reports.Failed})).To(Equal([]string{"b-2"}))
		Expect(ids(history.Filter{Since: t0.Add(2 * time.Hour), Until: t0.Add(4 * time.Hour)})).To(Equal([]string{"b-2", "a-3"}))
		Expect(ids(history.Filter{Limit: 2})).To(Equal([]string{"a-3", "b-4"}), "the newest two")
	}, SpecTimeout(time.Minute))

	It("keeps a review's action items, open until closed with a note", func(ctx SpecContext) {
		s, err := history.Open(ctx, target(ctx))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Close)
		items := []history.Item{
			{Review: "gd-1", ID: "D1-1", DrillID: "a-1", What: "rto missed", Owner: "storage", Opened: t0},
			{Review: "gd-1", ID: "D2-1", DrillID: "b-2", What: "stale reads", Owner: "cache", Opened: t0},
		}
		Expect(s.RecordItems(ctx, items)).To(Succeed())
		Expect(s.RecordItems(ctx, items)).To(Succeed(), "twice is once")
		Expect(s.CloseItem(ctx, "gd-1", "D2-1", "TTL fixed in v2.1", t0.Add(time.Hour))).To(Succeed())
		Expect(s.CloseItem(ctx, "gd-1", "D9-9", "", t0)).To(MatchError(history.ErrNoItem))
		open, err := s.Items(ctx, false)
		Expect(err).NotTo(HaveOccurred())
		Expect(open).To(Equal(items[:1]))
		all, err := s.Items(ctx, true)
		Expect(err).NotTo(HaveOccurred())
		Expect(all).To(HaveLen(2))
		Expect(all[0].Owner).To(Equal("cache"))
		Expect(all[0].Note).To(Equal("TTL fixed in v2.1"))
		Expect(all[0].Closed).To(Equal(t0.Add(time.Hour)))
	}, SpecTimeout(time.Minute))
}

var _ = Describe("the history on SQLite", func() {
	storeSpecs(func(context.Context) string { return filepath.Join(GinkgoT().TempDir(), "sub", "history.db") })
})

var _ = Describe("the history on PostgreSQL", Ordered, func() {
	var (
		pg *testpg.Server
		n  int
	)
	BeforeAll(func(ctx SpecContext) { pg = testpg.Start(ctx, "history") })
	// Each spec gets its own database on the one server.
	storeSpecs(func(ctx context.Context) string {
		GinkgoHelper()
		n++
		db, err := sql.Open("pgx", pg.DSN())
		Expect(err).NotTo(HaveOccurred())
		defer db.Close()
		name := fmt.Sprintf("history_%d", n)
		_, err = db.ExecContext(ctx, "CREATE DATABASE "+name)
		Expect(err).NotTo(HaveOccurred())
		return fmt.Sprintf("postgres://postgres:secret@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=5", pg.Port(), name)
	})
})
