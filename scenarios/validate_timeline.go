package scenarios

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// stepKinds are the things a timeline step can do, as the keys that say so.
const stepKinds = "deploy, inject, partition, snapshot, action, heal or wait"

// timelineFacts is what the timeline sets up that later checks refer to.
type timelineFacts struct {
	// deployed lists the services deploy steps switch, in order of their
	// first deploy.
	deployed []string
	// snapshots are the snapshots snapshot steps take, by name.
	snapshots map[string]snapshotFact
}

// snapshotFact is a snapshot a timeline step takes.
type snapshotFact struct {
	service string
	step    int
}

// timeline checks every step: one action each, offsets in order and
// within the load, references to services, versions, links, faults and
// snapshots. It returns what the timeline sets up.
func (v *validator) timeline() timelineFacts {
	facts := timelineFacts{snapshots: map[string]snapshotFact{}}
	ledger := newFaultLedger(v.s.Timeline)
	var clock time.Duration
	for i, st := range v.s.Timeline {
		p := pathOf("timeline").index(i)
		v.oneKind(p, st)
		clock = v.offset(p, st, clock)
		if st.Deploy != nil && v.deploy(p.key("deploy"), *st.Deploy) && !slices.Contains(facts.deployed, st.Deploy.Service) {
			facts.deployed = append(facts.deployed, st.Deploy.Service)
		}
		if st.Inject != nil {
			v.inject(p.key("inject"), *st.Inject)
			v.injected(ledger, p.key("inject"), i, st.Inject.Name, st.Inject.Duration, st.Inject.Instant())
		}
		if st.Partition != nil {
			v.partition(p.key("partition"), *st.Partition)
			v.injected(ledger, p.key("partition"), i, st.Partition.Name, st.Partition.Duration, false)
		}
		if st.Snapshot != nil {
			v.snapshot(p.key("snapshot"), i, *st.Snapshot, facts.snapshots)
		}
		if st.Action != nil {
			v.action(p.key("action"), *st.Action, actionScope{
				deployed: slices.Clone(facts.deployed), snapshots: maps.Clone(facts.snapshots), inTimeline: true,
			})
		}
		if st.Heal != "" {
			v.heal(p.key("heal"), st.Heal, ledger)
		}
	}
	return facts
}

// oneKind checks that a step does exactly one thing.
func (v *validator) oneKind(p fieldPath, st Step) {
	var set []string
	for _, k := range []struct {
		key string
		set bool
	}{
		{"deploy", st.Deploy != nil}, {"inject", st.Inject != nil}, {"partition", st.Partition != nil},
		{"snapshot", st.Snapshot != nil}, {"action", st.Action != nil}, {"heal", st.Heal != ""}, {"wait", st.Wait != 0},
	} {
		if k.set {
			set = append(set, k.key)
		}
	}
	switch len(set) {
	case 0:
		v.addf(p, "no action; give the step one of %s", stepKinds)
	case 1:
	default:
		v.addf(p, "has %s; give each step exactly one of %s", andList(set), stepKinds)
	}
}

// andList joins words as "a and b" or "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// offset checks a step's at and wait against the timeline clock (when the
// step before it ran) and returns the clock after the step.
func (v *validator) offset(p fieldPath, st Step, clock time.Duration) time.Duration {
	if st.At != nil {
		at := *st.At
		switch {
		case at < 0:
			v.negative(p.key("at"), at, `offsets count from the start of the load, such as "10s"`)
		case at < clock:
			v.addf(p.key("at"), "%s is earlier than the time the steps before it reach (%s); keep the timeline in time order", at, clock)
		default:
			v.withinLoad(p.key("at"), at)
		}
		clock = max(clock, at)
	}
	if st.Timeout < 0 {
		v.negative(p.key("timeout"), st.Timeout, `use how long the step may take, such as "30s", or leave it out for its default`)
	}
	if st.Wait < 0 {
		v.negative(p.key("wait"), st.Wait, `use how long the timeline pauses, such as "5s"`)
	} else {
		clock += st.Wait
	}
	return clock
}

// withinLoad checks that an offset is no later than the end of the load.
func (v *validator) withinLoad(p fieldPath, at time.Duration) {
	if end := v.s.Load.Duration; end > 0 && at > end {
		v.addf(p, "%s is after load ends (%s); move it earlier or make load.duration longer", at, end)
	}
}

// deploy checks a deploy step; it reports whether the service exists.
func (v *validator) deploy(p fieldPath, d Deploy) bool {
	services := sortedKeys(v.s.System.Services)
	if !v.serviceRef(p.key("service"), d.Service, services, "the service to deploy") {
		return false
	}
	versions := sortedKeys(v.s.System.Services[d.Service].Versions)
	switch {
	case d.Version == "":
		v.addf(p.key("version"), "missing; name the version to deploy%s", oneOf(versions))
	case !slices.Contains(versions, d.Version):
		where := pathOf("system", "services", d.Service, "versions").String()
		v.addf(p.key("version"), "%s", undefined("version", d.Version, versions, where))
	}
	return true
}

// snapshot checks a snapshot step: a service with a data directory, and
// a name no earlier snapshot has; it records the snapshot in taken.
func (v *validator) snapshot(p fieldPath, step int, sn Snapshot, taken map[string]snapshotFact) {
	services := sortedKeys(v.s.System.Services)
	if v.serviceRef(p.key("service"), sn.Service, services, "the service whose data to copy") && !v.s.System.Services[sn.Service].DataDir {
		v.addf(p.key("service"), "service %q has no data directory to copy; add dataDir: true to it%s", sn.Service, oneOf(v.dataDirServices()))
	}
	switch {
	case sn.Name == "":
		return
	case !safeName.MatchString(sn.Name):
		v.addf(p.key("name"), "snapshot name %q %s", sn.Name, nameRule)
	default:
		if earlier, ok := taken[sn.Name]; ok {
			v.addf(p.key("name"), "snapshot %q is already taken by timeline[%d]; give each snapshot its own name", sn.Name, earlier.step)
			return
		}
		taken[sn.Name] = snapshotFact{service: sn.Service, step: step}
	}
}

// dataDirServices lists the services that have a data directory.
func (v *validator) dataDirServices() []string {
	var out []string
	for _, name := range sortedKeys(v.s.System.Services) {
		if v.s.System.Services[name].DataDir {
			out = append(out, name)
		}
	}
	return out
}
