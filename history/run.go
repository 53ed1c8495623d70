package history

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/faultdrill/faultdrill/internal/boundedread"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/verify"
)

// Run is one drill as the history keeps it: who, when, how it ended, and
// the figures trends are made of. A nil figure was not measured. In JSON
// (history --json) durations are nanoseconds, like report.json.
type Run struct {
	ID       string         `json:"id"`
	Scenario string         `json:"scenario"`
	Services []string       `json:"services"`
	Started  time.Time      `json:"started"`
	Status   reports.Status `json:"status"`
	Class    reports.Class  `json:"class"`
	Passed   bool           `json:"passed"`
	Duration time.Duration  `json:"duration"`
	// Detection is fault onset to trigger fired.
	Detection *time.Duration `json:"detection,omitempty"`
	// Rollback is rollback start to rollback end.
	Rollback *time.Duration `json:"rollback,omitempty"`
	RTO      *time.Duration `json:"rto,omitempty"`
	// MTTR is fault onset to recovered.
	MTTR *time.Duration `json:"mttr,omitempty"`
	// LostWrites are acknowledged writes not read back; nil when not checked.
	LostWrites *int `json:"lostWrites,omitempty"`
	// Inconsistent is true when a data check found lost writes,
	// duplicates, a broken invariant, a non-linearizable history or stale
	// reads; nil when no data check decided.
	Inconsistent *bool `json:"inconsistent,omitempty"`
	Score        *int  `json:"score,omitempty"`
	Ops          int   `json:"ops"`
	// Dir is the drill folder.
	Dir string `json:"dir"`
}

// FromReport takes the figures of a drill's report; services are the
// services its scenario ran (those its deploys and actions name are
// added).
func FromReport(rep *reports.Report, services []string) Run {
	r := Run{
		ID: rep.Drill.ID, Scenario: rep.Drill.Scenario, Started: rep.Drill.Started,
		Status: rep.Status, Class: rep.Outcome.Class, Passed: rep.Outcome.Passed,
		Duration: rep.Drill.Duration, Detection: rep.Measures.DetectionTime,
		Rollback: rep.Measures.RollbackDuration, RTO: rep.Measures.RTO,
		LostWrites: rep.Measures.LostWrites, Ops: rep.Load.Ops, Dir: rep.Drill.Dir,
	}
	if p := rep.Phases; p.FaultOnset != nil && p.Recovered != nil && *p.Recovered >= *p.FaultOnset {
		d := *p.Recovered - *p.FaultOnset
		r.MTTR = &d
	}
	if !rep.Score.NoData {
		v := rep.Score.Value
		r.Score = &v
	}
	r.Inconsistent = inconsistent(rep)
	set := map[string]bool{}
	for _, s := range services {
		set[s] = true
	}
	for _, d := range rep.Deploys {
		set[d.Service] = true
	}
	for _, a := range append(slices.Clone(rep.Actions), rep.Setup...) {
		if a.Service != "" {
			set[a.Service] = true
		}
	}
	delete(set, "")
	for s := range set {
		r.Services = append(r.Services, s)
	}
	slices.Sort(r.Services)
	return r
}

// dataChecks are the verifiers whose failure means the data is not what
// the clients were told.
var dataChecks = map[string]bool{
	verify.NameDurability: true, verify.NameDuplicates: true,
	verify.NameLinearizability: true, verify.NameStaleReads: true,
}

// inconsistent reports whether a data check of rep failed; nil when none
// decided.
func inconsistent(rep *reports.Report) *bool {
	decided, failed := false, false
	for _, v := range rep.Verifiers {
		if !v.Integrity && !dataChecks[v.Name] || !v.Decided() {
			continue
		}
		decided = true
		failed = failed || v.Verdict == verify.Failure
	}
	if lw := rep.Measures.LostWrites; lw != nil {
		decided = true
		failed = failed || *lw > 0
	}
	if !decided {
		return nil
	}
	return &failed
}

// ReadDrill reads the drill folder dir: its report.json, and the services
// of its copy of the scenario (scenario.yaml) when there is one.
func ReadDrill(dir string) (Run, error) {
	rep, err := reports.Read(filepath.Join(dir, reports.FileName))
	if err != nil {
		return Run{}, err
	}
	var services []string
	if b, err := boundedread.File(filepath.Join(dir, "scenario.yaml"), 256<<10); err == nil && !tooDeep(b) {
		var sc struct {
			System struct {
				Services map[string]any `yaml:"services"`
			} `yaml:"system"`
		}
		if yaml.Unmarshal(b, &sc) == nil {
			for name := range sc.System.Services {
				services = append(services, name)
			}
		}
	}
	r := FromReport(rep, services)
	if r.Dir == "" {
		r.Dir = dir
	}
	return r, nil
}

// Record adds r to the history. It returns false, and no error, when the
// history already holds a run with r's id.
func (s *Store) Record(ctx context.Context, r Run) (bool, error) {
	if r.ID == "" {
		return false, fmt.Errorf("history: record: a run without an id")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("history: %s: record %s: %w", s.where, r.ID, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO runs
		(id, scenario, started, status, class, passed, duration_ns, detection_ns, rollback_ns, rto_ns, mttr_ns, lost_writes, inconsistent, score, ops, dir, recorded)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
		r.ID, r.Scenario, r.Started.UnixNano(), string(r.Status), string(r.Class), boolInt(r.Passed), int64(r.Duration),
		nullDur(r.Detection), nullDur(r.Rollback), nullDur(r.RTO), nullDur(r.MTTR), nullInt(r.LostWrites),
		nullBool(r.Inconsistent), nullInt(r.Score), r.Ops, r.Dir, time.Now().UnixNano())
	if err != nil {
		return false, fmt.Errorf("history: %s: record %s: %w", s.where, r.ID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return false, nil
	}
	for _, svc := range r.Services {
		if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO run_services (run_id, service) VALUES (?, ?)`), r.ID, svc); err != nil {
			return false, fmt.Errorf("history: %s: record %s: %w", s.where, r.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("history: %s: record %s: %w", s.where, r.ID, err)
	}
	return true, nil
}

// Filter selects runs; zero fields select everything.
type Filter struct {
	Scenario string
	Service  string
	Status   reports.Status
	// Since and Until bound the start time: Since <= started < Until.
	Since, Until time.Time
	// Before, when set, selects runs started before it (for a trailing
	// window that leaves the current run out).
	Before time.Time
	// Limit keeps the newest Limit runs; 0 keeps all.
	Limit int
}

// List returns the runs f selects, oldest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Run, error) {
	var where []string
	var args []any
	if f.Scenario != "" {
		where, args = append(where, "scenario = ?"), append(args, f.Scenario)
	}
	if f.Service != "" {
		where, args = append(where, "id IN (SELECT run_id FROM run_services WHERE service = ?)"), append(args, f.Service)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if !f.Since.IsZero() {
		where, args = append(where, "started >= ?"), append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		where, args = append(where, "started < ?"), append(args, f.Until.UnixNano())
	}
	if !f.Before.IsZero() {
		where, args = append(where, "started < ?"), append(args, f.Before.UnixNano())
	}
	q := `SELECT id, scenario, started, status, class, passed, duration_ns, detection_ns, rollback_ns, rto_ns, mttr_ns, lost_writes, inconsistent, score, ops, dir FROM runs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY started DESC, id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("history: %s: list: %w", s.where, err)
	}
	defer rows.Close()
	var runs []Run
	byID := map[string]int{}
	for rows.Next() {
		var (
			r                                 Run
			started, dur                      int64
			passed                            int
			det, rb, rto, mttr, lost, inc, sc sql.NullInt64
			status, class                     string
		)
		if err := rows.Scan(&r.ID, &r.Scenario, &started, &status, &class, &passed, &dur, &det, &rb, &rto, &mttr, &lost, &inc, &sc, &r.Ops, &r.Dir); err != nil {
			return nil, fmt.Errorf("history: %s: list: %w", s.where, err)
		}
		r.Started, r.Status, r.Class, r.Passed, r.Duration = time.Unix(0, started).UTC(), reports.Status(status), reports.Class(class), passed != 0, time.Duration(dur)
		r.Detection, r.Rollback, r.RTO, r.MTTR = durOf(det), durOf(rb), durOf(rto), durOf(mttr)
		r.LostWrites, r.Score = intOf(lost), intOf(sc)
		if inc.Valid {
			b := inc.Int64 != 0
			r.Inconsistent = &b
		}
		byID[r.ID] = len(runs)
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: %s: list: %w", s.where, err)
	}
	if err := s.services(ctx, runs, byID); err != nil {
		return nil, err
	}
	slices.Reverse(runs)
	return runs, nil
}

// services fills in the services of runs.
func (s *Store) services(ctx context.Context, runs []Run, byID map[string]int) error {
	if len(runs) == 0 {
		return nil
	}
	q, args := `SELECT run_id, service FROM run_services`, []any(nil)
	if len(runs) <= 500 {
		// A few runs (a trailing window): ask for theirs only.
		marks := make([]string, len(runs))
		for i, r := range runs {
			marks[i], args = "?", append(args, r.ID)
		}
		q += " WHERE run_id IN (" + strings.Join(marks, ", ") + ")"
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q+" ORDER BY run_id, service"), args...)
	if err != nil {
		return fmt.Errorf("history: %s: list services: %w", s.where, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, svc string
		if err := rows.Scan(&id, &svc); err != nil {
			return fmt.Errorf("history: %s: list services: %w", s.where, err)
		}
		if i, ok := byID[id]; ok {
			runs[i].Services = append(runs[i].Services, svc)
		}
	}
	return rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullDur(d *time.Duration) any {
	if d == nil {
		return nil
	}
	return int64(*d)
}

func nullInt(i *int) any {
	if i == nil {
		return nil
	}
	return int64(*i)
}

func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return boolInt(*b)
}

func durOf(n sql.NullInt64) *time.Duration {
	if !n.Valid {
		return nil
	}
	d := time.Duration(n.Int64)
	return &d
}

func intOf(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	i := int(n.Int64)
	return &i
}

// tooDeep reports whether src nests [ and { deeper than 64 levels: such a
// scenario copy is not decoded for its services.
func tooDeep(src []byte) bool {
	depth := 0
	for _, c := range src {
		switch c {
		case '[', '{':
			if depth++; depth > 64 {
				return true
			}
		case ']', '}':
			depth = max(0, depth-1)
		}
	}
	return false
}
