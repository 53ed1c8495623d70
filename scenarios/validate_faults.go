package scenarios

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/faults"
)

// inject checks an inject step's fault: its kind and target here (they
// refer to the scenario), everything else by faults.Spec.Validate.
func (v *validator) inject(p fieldPath, f faults.Spec) {
	skip := []string{"kind"}
	switch {
	case f.Kind == "":
		v.addf(p.key("kind"), "missing; use one of: %s", strings.Join(faultKinds(), ", "))
		skip = append(skip, "link", "service")
	case !slices.Contains(faultKinds(), string(f.Kind)):
		v.addf(p.key("kind"), "%s", unknownValue("fault kind", string(f.Kind), faultKinds()))
		skip = append(skip, "link", "service")
	case f.OnService():
		switch err := faults.Available(f.Kind, v.s.System.Runtime); {
		case errors.Is(err, faults.ErrUnavailable):
			v.addf(p.key("kind"), "%s faults act on processes, which the %q runtime does not run; use system.runtime: %s or %s",
				f.Kind, v.s.System.Runtime, faults.RuntimeProcess, faults.RuntimeDocker)
		case err != nil:
			v.addf(p.key("kind"), "%v", err)
		}
		if f.Service == "" {
			skip = append(skip, "service")
		}
		v.serviceRef(p.key("service"), f.Service, sortedKeys(v.s.System.Services), "the service to "+string(f.Kind))
	default:
		links := v.linkNames()
		switch {
		case f.Link == "":
			v.addf(p.key("link"), "missing; name the link to break%s", oneOf(links))
			skip = append(skip, "link")
		case !slices.Contains(links, f.Link):
			v.addf(p.key("link"), "%s", undefined("link", f.Link, links, "system.links"))
		}
	}
	v.specErrors(p, f.Validate(), skip)
}

// partition checks a partition step: the services it names exist, its
// cut crosses at least one link (faults.PartitionLinks), and the rest by
// faults.PartitionSpec.Validate.
func (v *validator) partition(p fieldPath, ps faults.PartitionSpec) {
	services := sortedKeys(v.s.System.Services)
	defined := true
	ref := func(at fieldPath, name string) {
		if name != "" && !slices.Contains(services, name) {
			v.addf(at, "%s", undefined("service", name, services, "system.services"))
			defined = false
		}
	}
	ref(p.key("isolate"), ps.Isolate)
	for i, half := range ps.Split {
		for j, name := range half {
			ref(p.key("split").index(i).index(j), name)
		}
	}
	for i, name := range ps.Between {
		ref(p.key("between").index(i), name)
	}
	var skip []string
	if ps.Mode != "" && !slices.Contains(partitionModes(), string(ps.Mode)) {
		v.addf(p.key("mode"), "%s", unknownValue("partition mode", string(ps.Mode), partitionModes()))
		skip = append(skip, "mode")
	}
	err := ps.Validate()
	v.specErrors(p, err, skip)
	if err != nil || !defined {
		return
	}
	if _, err := faults.PartitionLinks(ps, v.s.System.Links); errors.Is(err, faults.ErrNoCrossingLinks) {
		v.addf(p, "cuts no link: no link in system.links joins its two sides, so nothing would break; partition services that call each other through a link")
	}
}

// specErrors reports each *faults.SpecError in err, a joined error from a
// Validate of the faults package, at its field under p; fields in skip are
// reported by the scenario's own rules. Any other error is reported at p.
func (v *validator) specErrors(p fieldPath, err error, skip []string) {
	for _, e := range leaves(err) {
		var se *faults.SpecError
		switch {
		case !errors.As(e, &se):
			v.addf(p, "%v", e)
		case !slices.Contains(skip, se.Field):
			v.addf(p.key(se.Field), "%s", se.Reason)
		}
	}
}

// leaves splits a joined error into the errors it joins, recursively.
func leaves(err error) []error {
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range joined.Unwrap() {
		out = append(out, leaves(e)...)
	}
	return out
}

// faultLedger follows, step by step, the faults and partitions the
// timeline injects, so heal steps can be checked against it.
type faultLedger struct {
	// injected are the names injected so far.
	injected []string
	// first is the first step that injects each name.
	first map[string]int
	// instant are the names of faults that are over once injected.
	instant map[string]bool
	// active maps a name injected without a duration, and not healed since,
	// to the step that injected it.
	active map[string]int
}

// newFaultLedger returns a ledger for the timeline steps.
func newFaultLedger(steps []Step) *faultLedger {
	l := &faultLedger{first: map[string]int{}, instant: map[string]bool{}, active: map[string]int{}}
	for i, st := range steps {
		name := ""
		switch {
		case st.Inject != nil:
			name = st.Inject.Name
		case st.Partition != nil:
			name = st.Partition.Name
		}
		if _, seen := l.first[name]; name != "" && !seen {
			l.first[name] = i
		}
	}
	return l
}

// injected records the fault or partition that step injects, at p, and
// reports a name that is still active from an earlier step.
func (v *validator) injected(l *faultLedger, p fieldPath, step int, name string, d time.Duration, instant bool) {
	if name == "" {
		return
	}
	if earlier, ok := l.active[name]; ok {
		v.addf(p.key("name"), "%q is still active: timeline[%d] injected it with no duration and no step healed it since; heal it first or give this one its own name", name, earlier)
	}
	l.injected = append(l.injected, name)
	l.instant[name] = instant
	delete(l.active, name)
	if d == 0 && !instant {
		l.active[name] = step
	}
}

// heal checks that a heal step names a fault or partition an earlier step
// injected, and one that lasts.
func (v *validator) heal(p fieldPath, name string, l *faultLedger) {
	switch {
	case l.instant[name]:
		v.addf(p, "fault %q is over once injected (a restart, or a kill with restart), so there is nothing to heal; remove this step", name)
	case slices.Contains(l.injected, name):
		delete(l.active, name)
	default:
		if i, ok := l.first[name]; ok {
			v.addf(p, "fault %q is injected later, by timeline[%d]; move the heal after that step", name, i)
			return
		}
		if s := suggest(name, l.injected); s != "" {
			v.addf(p, "no earlier step injects a fault or partition named %q (did you mean %q?)", name, s)
			return
		}
		v.addf(p, "no earlier step injects a fault or partition named %q; heal takes the name of one injected before it: KIND@LINK, KIND@SERVICE, isolate@SERVICE, split@A.B:C.D or partition@A:B, unless the step names it", name)
	}
}

// linkNames lists the names of the system's links, a link of several
// ports as its proxies LINK.PORT.
func (v *validator) linkNames() []string {
	var names []string
	for _, l := range faults.ExpandLinks(v.s.System.Links) {
		if l.Name != "" && !slices.Contains(names, l.Name) {
			names = append(names, l.Name)
		}
	}
	slices.Sort(names)
	return names
}
