package drill

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/deploy"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/rollback"
	"github.com/faultdrill/faultdrill/snapshot"
	"github.com/faultdrill/faultdrill/sut"
)

// releases is the rollback package's view of the system: the versions
// each service ran and the hooks its actions need.
type releases struct{ r *run }

var (
	_ rollback.Env      = releases{}
	_ rollback.Observer = releases{}
)

// Previous returns the version the service ran before its current one,
// once the deploy in flight, if any, is done: a trigger that fires while a
// slow deploy is under way (containers take seconds) rolls back the release
// being shipped, not the one before it.
func (rel releases) Previous(service string) (string, bool) {
	rel.r.deployMu.Lock()
	defer rel.r.deployMu.Unlock()
	rel.r.mu.Lock()
	defer rel.r.mu.Unlock()
	v := rel.r.versions[service]
	if len(v) < 2 {
		return "", false
	}
	return v[len(v)-2], true
}

func (rel releases) Current(service string) string {
	rel.r.mu.Lock()
	defer rel.r.mu.Unlock()
	v := rel.r.versions[service]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

func (rel releases) Deploy(ctx context.Context, service, version string) error {
	return rel.r.switchVersion(ctx, service, version, "rollback")
}

// ActionStarted journals an action of a plan, a setup or a timeline
// step as it begins, so that live progress shows it.
func (rel releases) ActionStarted(a rollback.ActionSpec, at time.Duration) {
	rel.r.journal.Add("action.start", actionLabel(a.Action, a.Name, a.Service),
		map[string]any{"action": a.Action, "name": a.Name, "service": a.Service, "start": at})
}

// ActionEnded journals an action as soon as it ends.
func (rel releases) ActionEnded(a rollback.ActionResult) {
	msg := fmt.Sprintf("%s %s in %s%s", actionLabel(a.Action, a.Name, a.Service), a.Status,
		(a.End - a.Start).Round(time.Millisecond), errSuffix(a.Error))
	if a.Skipped != "" {
		msg = fmt.Sprintf("%s %s: %s", actionLabel(a.Action, a.Name, a.Service), a.Status, a.Skipped)
	}
	rel.r.journal.Add("action.end", msg, map[string]any{"action": a.Action, "name": a.Name, "service": a.Service,
		"status": a.Status, "start": a.Start, "end": a.End})
}

// actionLabel names an action for people: "migrate-down store", or
// "undo (http) api" when it has a name.
func actionLabel(kind rollback.ActionKind, name, service string) string {
	s := string(kind)
	if name != "" {
		s = name + " (" + s + ")"
	}
	if service != "" {
		s += " " + service
	}
	return s
}

func (rel releases) BaseURL(service string) (string, error) { return rel.r.baseURL(service) }

// SchemaOf reads the schema of the SQLite databases in the service's data
// directory (on containers, in a copy of its volume).
func (rel releases) SchemaOf(ctx context.Context, service string) (string, error) {
	if !rel.r.sc.System.Services[service].DataDir {
		return "", rollback.ErrUnsupported
	}
	dir, release, err := rel.r.runtime.ReadData(ctx, service)
	if err != nil {
		return "", rollback.ErrUnsupported
	}
	defer release()
	dbs, err := sqliteFiles(dir)
	if err != nil || len(dbs) == 0 {
		return "", rollback.ErrUnsupported
	}
	var b strings.Builder
	for _, db := range dbs {
		s, err := snapshot.Schema(ctx, db)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "-- %s\n%s\n", filepath.Base(db), s)
	}
	return b.String(), nil
}

// RestoreSnapshot stops the service, restores the named snapshot into its
// data directory (refused, untouched, when the snapshot is corrupt) and
// starts it once, at version (its current one when empty). A restore
// into another version is a deploy, in the report and the version stack.
func (rel releases) RestoreSnapshot(ctx context.Context, service, name, version string) error {
	r := rel.r
	snap, ok := r.snapshot(name)
	if !ok || snap.Service != service {
		return fmt.Errorf("no snapshot %q of %s was taken", name, service)
	}
	r.deployMu.Lock()
	defer r.deployMu.Unlock()
	from := rel.Current(service)
	version = cmp.Or(version, from)
	start := r.journal.Now()
	if err := r.runtime.Stop(ctx, service); err != nil {
		return err
	}
	restoreErr := r.runtime.RestoreData(ctx, service, snap.Dir)
	_, err := r.runtime.Start(ctx, service, version, r.linkVars())
	if version != from {
		r.recordSwitch(reports.Deploy{Service: service, From: from, To: version, By: "restore", Start: start, End: r.journal.Now()}, err)
	}
	if err != nil {
		return fmt.Errorf("start %s %s after the restore: %w", service, version, err)
	}
	if restoreErr != nil {
		r.journal.Add("snapshot.refused", fmt.Sprintf("%s: %v", name, restoreErr), map[string]any{"snapshot": name})
		return restoreErr
	}
	r.mu.Lock()
	r.restored = ptr(snap.At)
	r.mu.Unlock()
	r.journal.Add("snapshot.restored", fmt.Sprintf("%s into %s (taken at %s from the load start)", name, service, stamp(snap.At-r.loadAt)),
		map[string]any{"snapshot": name, "service": service})
	return nil
}

// snapshotRecord is a snapshot the timeline took.
type snapshotRecord struct {
	Service string
	Dir     string
	At      time.Duration
}

func (r *run) snapshot(name string) (snapshotRecord, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.snapshots[name]
	return s, ok
}

// takeSnapshot copies the service's data (on containers, its volume) at
// rest, with a SHA-256 manifest.
func (r *run) takeSnapshot(ctx context.Context, service, name string) error {
	if !r.sc.System.Services[service].DataDir {
		return fmt.Errorf("drill: snapshot %s: %s: %w", name, service, sut.ErrNoDataDir)
	}
	dest := filepath.Join(r.dir, "snapshots", name)
	r.deployMu.Lock()
	defer r.deployMu.Unlock()
	at, manifest, err := r.snapshotData(ctx, service, dest)
	if err != nil {
		return fmt.Errorf("drill: snapshot %s: %w", name, err)
	}
	r.mu.Lock()
	r.snapshots[name] = snapshotRecord{Service: service, Dir: dest, At: at}
	r.mu.Unlock()
	r.journal.Add("snapshot.taken", fmt.Sprintf("%s of %s: %d file(s) in %s", name, service, len(manifest.Files), dest),
		map[string]any{"snapshot": name, "service": service, "dir": dest})
	return nil
}

// snapshotData copies the service's data into dest while it is at rest and
// returns when the copy was taken. A runtime that reads a live service
// consistently (docker pauses the container for the copy) copies it as it
// runs; otherwise the service is stopped for the copy and started again at
// its current version. r.deployMu must be held.
func (r *run) snapshotData(ctx context.Context, service, dest string) (time.Duration, snapshot.Manifest, error) {
	if r.runtime.ReadsLive() {
		at := r.journal.Now()
		manifest, err := r.copyData(ctx, service, dest)
		return at, manifest, err
	}
	if err := r.runtime.Stop(ctx, service); err != nil {
		return 0, snapshot.Manifest{}, err
	}
	at := r.journal.Now()
	manifest, takeErr := r.copyData(ctx, service, dest)
	version := releases{r}.Current(service)
	if _, err := r.runtime.Start(ctx, service, version, r.linkVars()); err != nil {
		return at, manifest, fmt.Errorf("restart %s after its snapshot: %w", service, err)
	}
	return at, manifest, takeErr
}

// stateDigest digests the data of every service with a data directory:
// schema and rows of SQLite databases, bytes of other files.
func (r *run) stateDigest(ctx context.Context) (string, error) {
	var names []string
	for name, spec := range r.sc.System.Services {
		if spec.DataDir {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		d, err := r.digestData(ctx, name)
		if err != nil {
			return "", fmt.Errorf("state digest of %s: %w", name, err)
		}
		fmt.Fprintf(&b, "%s=%s ", name, d)
	}
	return strings.TrimSpace(b.String()), nil
}

// copyData takes a snapshot of the service's data into dest.
func (r *run) copyData(ctx context.Context, service, dest string) (snapshot.Manifest, error) {
	src, release, err := r.runtime.ReadData(ctx, service)
	if err != nil {
		return snapshot.Manifest{}, err
	}
	defer release()
	return snapshot.Take(ctx, src, dest)
}

// digestData digests the service's data.
func (r *run) digestData(ctx context.Context, service string) (string, error) {
	dir, release, err := r.runtime.ReadData(ctx, service)
	if err != nil {
		return "", err
	}
	defer release()
	return snapshot.StateDigest(dir)
}

func sqliteFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var dbs []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if !e.Type().IsRegular() {
			continue
		}
		if ok, err := snapshot.IsSQLite(p); err == nil && ok {
			dbs = append(dbs, p)
		}
	}
	return dbs, nil
}

// switchVersion stops a service and starts it at another version on the
// same address and data directory (recreate). A timeline deploy pushes the
// version on the service's release stack; a rollback to the previous
// version pops it.
func (r *run) switchVersion(ctx context.Context, service, version, by string) error {
	return r.switchWith(ctx, service, version, by, deploy.Spec{})
}

// DeployWith switches the service back by a strategy (a redeploy-previous
// that names one).
func (rel releases) DeployWith(ctx context.Context, service, version string, strategy deploy.Strategy) error {
	return rel.r.switchWith(ctx, service, version, "rollback", deploy.Spec{Strategy: strategy})
}

// switchWith switches a service to version by the strategy of spec. A
// service behind a front that is in the middle of a canary is switched
// back to its stable version by shifting the traffic back, whatever the
// strategy.
func (r *run) switchWith(ctx context.Context, service, version, by string, spec deploy.Spec) error {
	fl, ok := r.runtime.(*fleet)
	if !ok || fl.fronted[service] == nil {
		return r.recreate(ctx, service, version, by)
	}
	if _, stable, ok := fl.Canary(service); ok && stable == version {
		return r.abortCanary(ctx, fl, service, version, by)
	}
	switch spec.Strategy.OrRecreate() {
	case deploy.Canary:
		return r.canaryDeploy(ctx, fl, service, version, by, spec.Steps)
	case deploy.BlueGreen, deploy.Rolling:
		return r.sideBySide(ctx, fl, service, version, by, spec)
	}
	return r.recreate(ctx, service, version, by)
}

// recreate stops the service and starts it at version.
func (r *run) recreate(ctx context.Context, service, version, by string) error {
	r.deployMu.Lock()
	defer r.deployMu.Unlock()
	from := releases{r}.Current(service)
	d := reports.Deploy{Service: service, From: from, To: version, By: by, Start: r.journal.Now(), Strategy: string(deploy.Recreate)}
	r.journal.Add("deploy.start", fmt.Sprintf("%s %s → %s (%s)", service, from, version, by),
		map[string]any{"service": service, "from": from, "to": version, "by": by})

	err := r.runtime.Stop(ctx, service)
	if err == nil {
		_, err = r.runtime.Start(ctx, service, version, r.linkVars())
	}
	d.End = r.journal.Now()
	r.recordSwitch(d, err)
	r.blastRadius(service, from, by, err)
	if err != nil {
		r.journal.Add("deploy.failed", fmt.Sprintf("%s %s: %v", service, version, err), startFailure(err))
		return fmt.Errorf("deploy %s %s: %w", service, version, err)
	}
	r.journal.Add("deploy.end", fmt.Sprintf("%s %s healthy after %s", service, version, (d.End-d.Start).Round(time.Millisecond)), nil)
	return nil
}

// recordSwitch records a switch of version that ended with err, in the
// report and on the service's release stack. A timeline deploy pushes its
// version; any other switch back to the previous release pops, once the
// service is really back, so that a retried rollback still knows where to
// go.
func (r *run) recordSwitch(d reports.Deploy, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	stack := r.versions[d.Service]
	switch {
	case d.By != "timeline" && len(stack) >= 2 && stack[len(stack)-2] == d.To:
		if err == nil {
			r.versions[d.Service] = stack[:len(stack)-1]
		}
	default:
		r.versions[d.Service] = append(stack, d.To)
	}
	if d.By == "timeline" {
		r.deployed = append(r.deployed, d.Service)
	}
	if err != nil {
		d.Error = err.Error()
	}
	r.report.Deploys = append(r.report.Deploys, d)
}

// StopService stops the service; it stays down until something starts it.
func (rel releases) StopService(ctx context.Context, service string) error {
	r := rel.r
	r.deployMu.Lock()
	defer r.deployMu.Unlock()
	if err := r.runtime.Stop(ctx, service); err != nil {
		return fmt.Errorf("stop %s: %w", service, err)
	}
	r.journal.Add("service.stopped", fmt.Sprintf("%s (%s) stopped", service, rel.Current(service)), map[string]any{"service": service})
	return nil
}

// StartService starts the service at version and waits until it is
// healthy. Another version than the one it ran last is a deploy (see
// switchVersion); the same version running already is left as it is.
func (rel releases) StartService(ctx context.Context, service, version string) error {
	r := rel.r
	if version != rel.Current(service) {
		return r.switchVersion(ctx, service, version, "start")
	}
	r.deployMu.Lock()
	defer r.deployMu.Unlock()
	if inst, ok := r.runtime.Running(service); ok && inst.Version == version {
		r.journal.Add("service.started", fmt.Sprintf("%s %s already running", service, version), map[string]any{"service": service, "version": version})
		return nil
	}
	start := r.journal.Now()
	if _, err := r.runtime.Start(ctx, service, version, r.linkVars()); err != nil {
		r.journal.Add("service.failed", fmt.Sprintf("%s %s: %v", service, version, err), startFailure(err))
		return fmt.Errorf("start %s %s: %w", service, version, err)
	}
	r.journal.Add("service.started", fmt.Sprintf("%s %s healthy after %s", service, version, (r.journal.Now()-start).Round(time.Millisecond)),
		map[string]any{"service": service, "version": version})
	return nil
}
