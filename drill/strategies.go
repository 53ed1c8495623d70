package drill

import (
	"context"
	"fmt"
	"time"

	"github.com/faultdrill/faultdrill/deploy"
	"github.com/faultdrill/faultdrill/reports"
	"github.com/faultdrill/faultdrill/sut"
)

// sideBySide switches a fronted service by blue-green or rolling: the new
// instances start beside the old ones and the front moves the traffic.
func (r *run) sideBySide(ctx context.Context, fl *fleet, service, version, by string, spec deploy.Spec) error {
	r.deployMu.Lock()
	defer r.deployMu.Unlock()
	from := releases{r}.Current(service)
	d := reports.Deploy{Service: service, From: from, To: version, By: by, Start: r.journal.Now(), Strategy: string(spec.Strategy)}
	r.journal.Add("deploy.start", fmt.Sprintf("%s %s → %s (%s, %s)", service, from, version, by, spec.Strategy),
		map[string]any{"service": service, "from": from, "to": version, "by": by, "strategy": spec.Strategy})
	var ph Phases
	var err error
	if spec.Strategy == deploy.BlueGreen {
		ph, err = fl.BlueGreen(ctx, service, version, r.linkVars())
	} else {
		ph, err = fl.Rolling(ctx, service, version, spec, r.linkVars())
	}
	return r.endSwitch(d, ph, from, err)
}

// endSwitch records a switch behind a front, with its phases, and
// journals how it ended. r.deployMu must be held.
func (r *run) endSwitch(d reports.Deploy, ph Phases, from string, err error) error {
	d.End = r.journal.Now()
	d.Phases = &reports.SwitchPhases{StartNew: ph.StartNew, Switch: ph.Switch, StopOld: ph.StopOld}
	r.recordSwitch(d, err)
	r.blastRadius(d.Service, from, d.By, err)
	if err != nil {
		r.journal.Add("deploy.failed", fmt.Sprintf("%s %s (%s): %v", d.Service, d.To, d.Strategy, err), startFailure(err))
		return fmt.Errorf("deploy %s %s: %w", d.Service, d.To, err)
	}
	r.journal.Add("deploy.end", fmt.Sprintf("%s %s by %s in %s (start new %s, switch %s, stop old %s)", d.Service, d.To, d.Strategy,
		(d.End-d.Start).Round(time.Millisecond), ph.StartNew.Round(time.Millisecond), ph.Switch.Round(time.Microsecond), ph.StopOld.Round(time.Millisecond)),
		map[string]any{"service": d.Service, "strategy": d.Strategy, "phases": d.Phases})
	return nil
}

// canaryDeploy starts the new version beside the stable one, then gives
// it each step's weight for the step's pause, and finally all the
// traffic. The deploy lock is let go during the pauses, so that a
// rollback can shift the weight back at once; the canary then ends there.
func (r *run) canaryDeploy(ctx context.Context, fl *fleet, service, version, by string, steps []deploy.CanaryStep) error {
	r.deployMu.Lock()
	from := releases{r}.Current(service)
	d := reports.Deploy{Service: service, From: from, To: version, By: by, Start: r.journal.Now(), Strategy: string(deploy.Canary)}
	r.journal.Add("deploy.start", fmt.Sprintf("%s %s → %s (%s, canary in %d step(s))", service, from, version, by, len(steps)),
		map[string]any{"service": service, "from": from, "to": version, "by": by, "strategy": deploy.Canary})
	startNew, err := fl.StartCanary(ctx, service, version, r.linkVars())
	if err == nil {
		r.mu.Lock()
		r.canary = version
		r.mu.Unlock()
	}
	err = r.endSwitch(d, Phases{StartNew: startNew}, from, err)
	r.deployMu.Unlock()
	if err != nil {
		return err
	}
	live := func() bool {
		c, _, ok := fl.Canary(service)
		return ok && c == version
	}
	for i, st := range steps {
		r.deployMu.Lock()
		if !live() {
			r.deployMu.Unlock()
			r.journal.Add("canary.ended", fmt.Sprintf("%s %s: the canary was rolled back before step %d", service, version, i+1), map[string]any{"service": service})
			return nil
		}
		fl.SetCanaryWeight(service, st.Weight.Percent)
		r.journal.Add("canary.weight", fmt.Sprintf("%s %s takes %s of the traffic for %s", service, version, st.Weight, st.Pause),
			map[string]any{"service": service, "version": version, "weight": st.Weight.Percent, "step": i + 1})
		r.deployMu.Unlock()
		if err := sut.Sleep(ctx, st.Pause); err != nil {
			return err
		}
	}
	r.deployMu.Lock()
	defer r.deployMu.Unlock()
	if !live() {
		r.journal.Add("canary.ended", fmt.Sprintf("%s %s: the canary was rolled back before its promotion", service, version), map[string]any{"service": service})
		return nil
	}
	ph, err := fl.PromoteCanary(ctx, service)
	if err != nil {
		return fmt.Errorf("deploy %s %s: promote the canary: %w", service, version, err)
	}
	r.journal.Add("canary.promoted", fmt.Sprintf("%s %s takes all the traffic; %s stopped in %s", service, version, from, ph.StopOld.Round(time.Millisecond)),
		map[string]any{"service": service, "version": version})
	return nil
}

// abortCanary rolls a canary back: the stable version takes all the
// traffic again, at once, and the canary's instances stop. Nothing
// restarts.
func (r *run) abortCanary(ctx context.Context, fl *fleet, service, version, by string) error {
	r.deployMu.Lock()
	defer r.deployMu.Unlock()
	from := releases{r}.Current(service)
	d := reports.Deploy{Service: service, From: from, To: version, By: by, Start: r.journal.Now(), Strategy: "canary-abort"}
	r.journal.Add("deploy.start", fmt.Sprintf("%s %s → %s (%s: the canary's traffic shifts back)", service, from, version, by),
		map[string]any{"service": service, "from": from, "to": version, "by": by, "strategy": d.Strategy})
	ph, err := fl.AbortCanary(ctx, service)
	return r.endSwitch(d, ph, from, err)
}

// canaryVersion is the version of the latest canary ("" before any).
func (r *run) canaryVersion() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.canary
}

// blastRadius records, when a fronted service has just been switched
// back by a rollback, what the version it left served.
func (r *run) blastRadius(service, from, by string, err error) {
	fl, ok := r.runtime.(*fleet)
	if !ok || by == "timeline" || err != nil || from == "" {
		return
	}
	counts, ok := fl.Counts(service)
	if !ok {
		return
	}
	b := reports.BlastRadius{Service: service, Version: from, Source: "front"}
	for v, c := range counts {
		b.TotalRequests += c.Requests
		b.TotalWrites += c.Writes
		if v == from {
			b.Requests, b.Writes, b.Errors = c.Requests, c.Writes, c.Errors
		}
	}
	if b.TotalRequests > 0 {
		b.RequestShare = float64(b.Requests) / float64(b.TotalRequests)
	}
	if b.TotalWrites > 0 {
		b.WriteShare = float64(b.Writes) / float64(b.TotalWrites)
	}
	r.mu.Lock()
	r.report.BlastRadius = append(r.report.BlastRadius, b)
	r.mu.Unlock()
	r.journal.Add("blast.radius", fmt.Sprintf("%s %s served %d request(s) (%.1f%%) and %d write(s) (%.1f%%) before it was rolled back",
		service, from, b.Requests, b.RequestShare*100, b.Writes, b.WriteShare*100), map[string]any{"blastRadius": b})
}

// historyBlastRadius measures the blast radius of a rollback of the load's
// target when no front counted it: the load's operations whose answer
// named the version rolled back from, up to the end of that rollback,
// among all those that ended by then.
func (r *run) historyBlastRadius() {
	target := r.sc.Load.Target
	if fl, ok := r.runtime.(*fleet); ok && fl.fronted[target] != nil {
		return // the front counted it
	}
	for _, d := range r.report.Deploys {
		if d.Service != target || d.By == "timeline" || d.Error != "" || d.From == "" || d.From == d.To {
			continue
		}
		b := reports.BlastRadius{Service: target, Version: d.From, Source: "history"}
		for _, op := range r.history.Ops {
			if op.End > d.End {
				continue
			}
			b.TotalRequests++
			if op.Write {
				b.TotalWrites++
			}
			if op.Version != d.From {
				continue
			}
			b.Requests++
			if op.Write {
				b.Writes++
			}
			if op.Code >= 500 {
				b.Errors++
			}
		}
		if b.TotalRequests > 0 {
			b.RequestShare = float64(b.Requests) / float64(b.TotalRequests)
		}
		if b.TotalWrites > 0 {
			b.WriteShare = float64(b.Writes) / float64(b.TotalWrites)
		}
		r.report.BlastRadius = append(r.report.BlastRadius, b)
		return // the first rollback of the target: the bad release
	}
}
