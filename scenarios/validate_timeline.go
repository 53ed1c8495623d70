package scenarios

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/faults"
)

// faultName matches the names a fault may have; they end up in toxiproxy
// URL paths.
var faultName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@:-]*$`)

// timeline checks every step: one action each, offsets in order and
// within the load, references to services, versions, links and faults. It
// returns the services the timeline deploys, in order of first deploy.
func (v *validator) timeline() []string {
	firstInject := map[string]int{}
	for i, st := range v.s.Timeline {
		if st.Inject != nil && st.Inject.Name != "" {
			if _, ok := firstInject[st.Inject.Name]; !ok {
				firstInject[st.Inject.Name] = i
			}
		}
	}
	var clock time.Duration
	var deployed, injected []string
	for i, st := range v.s.Timeline {
		p := pathOf("timeline").index(i)
		v.actions(p, st)
		clock = v.offset(p, st, clock)
		if st.Deploy != nil && v.deploy(p.key("deploy"), *st.Deploy) && !slices.Contains(deployed, st.Deploy.Service) {
			deployed = append(deployed, st.Deploy.Service)
		}
		if st.Inject != nil {
			v.fault(p.key("inject"), *st.Inject)
			injected = append(injected, st.Inject.Name)
		}
		if st.Heal != "" {
			v.heal(p.key("heal"), st.Heal, injected, firstInject)
		}
	}
	return deployed
}

// actions checks that a step does exactly one thing.
func (v *validator) actions(p fieldPath, st Step) {
	var set []string
	if st.Deploy != nil {
		set = append(set, "deploy")
	}
	if st.Inject != nil {
		set = append(set, "inject")
	}
	if st.Heal != "" {
		set = append(set, "heal")
	}
	if st.Wait != 0 {
		set = append(set, "wait")
	}
	switch len(set) {
	case 0:
		v.addf(p, "no action; give the step one of deploy, inject, heal or wait")
	case 1:
	default:
		v.addf(p, "has %s; give each step exactly one of deploy, inject, heal or wait", andList(set))
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
		at, end := *st.At, v.s.Load.Duration
		switch {
		case at < 0:
			v.negative(p.key("at"), at, `offsets count from the start of the drill, such as "10s"`)
		case at < clock:
			v.addf(p.key("at"), "%s is earlier than the time the steps before it reach (%s); keep the timeline in time order", at, clock)
		case end > 0 && at > end:
			v.addf(p.key("at"), "%s is after load ends (%s); move the step earlier or make load.duration longer", at, end)
		}
		clock = max(clock, at)
	}
	if st.Wait < 0 {
		v.negative(p.key("wait"), st.Wait, `use how long the timeline pauses, such as "5s"`)
	} else {
		clock += st.Wait
	}
	return clock
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

// fault checks an inject step's fault as faults.Spec requires it.
func (v *validator) fault(p fieldPath, f faults.Spec) {
	switch {
	case f.Kind == "":
		v.addf(p.key("kind"), "missing; use one of: %s", strings.Join(faultKinds(), ", "))
	case !slices.Contains(faultKinds(), string(f.Kind)):
		v.addf(p.key("kind"), "%s", unknownValue("fault kind", string(f.Kind), faultKinds()))
	}
	links := v.linkNames()
	switch {
	case f.Link == "":
		v.addf(p.key("link"), "missing; name the link to break%s", oneOf(links))
	case !slices.Contains(links, f.Link):
		v.addf(p.key("link"), "%s", undefined("link", f.Link, links, "system.links"))
	}
	switch {
	case !slices.Contains(directions(), string(f.Direction)):
		v.addf(p.key("direction"), "%s", unknownValue("direction", string(f.Direction), directions()))
	case f.Kind == faults.Down && f.Direction != faults.Both:
		v.addf(p.key("direction"), "a down link is down both ways; leave direction out or use both")
	}
	if f.Name != "" && !faultName.MatchString(f.Name) {
		v.addf(p.key("name"), `fault name %q may only use letters, digits, ".", "_", "@", ":" and "-", starting with a letter or digit`, f.Name)
	}
	switch {
	case f.Toxicity < 0 || f.Toxicity > 1:
		v.addf(p.key("toxicity"), "%g is out of range; use the fraction of connections to affect, from 0 to 1", f.Toxicity)
	case f.Kind == faults.Down && f.Toxicity != 1:
		v.addf(p.key("toxicity"), "a down link refuses every connection; leave toxicity out or use 1")
	}

	v.latency(p, f)
	if f.Duration < 0 {
		v.negative(p.key("duration"), f.Duration, `use how long the fault lasts, such as "10s", or leave it out to heal it in a later step`)
	}
}

// latency checks a fault's latency and jitter, which only the latency kind
// takes and which it needs.
func (v *validator) latency(p fieldPath, f faults.Spec) {
	if f.Kind != faults.Latency {
		if f.Latency != 0 {
			v.addf(p.key("latency"), "only latency faults take a latency; remove it or use kind: latency")
		}
		if f.Jitter != 0 {
			v.addf(p.key("jitter"), "only latency faults take a jitter; remove it or use kind: latency")
		}
		return
	}
	switch {
	case f.Latency == 0:
		v.addf(p.key("latency"), `missing; a latency fault needs a delay, such as "100ms"`)
	case f.Latency < 0:
		v.negative(p.key("latency"), f.Latency, `use the delay to add, such as "100ms"`)
	case f.Latency < time.Millisecond:
		v.addf(p.key("latency"), "%s is below 1ms, the smallest delay a link can add; use 1ms or more", f.Latency)
	}
	if f.Jitter < 0 {
		v.negative(p.key("jitter"), f.Jitter, `use how much the delay varies, such as "10ms"`)
	}
}

// heal checks that a heal step names a fault an earlier step injected.
func (v *validator) heal(p fieldPath, name string, injected []string, firstInject map[string]int) {
	if slices.Contains(injected, name) {
		return
	}
	if i, ok := firstInject[name]; ok {
		v.addf(p, "fault %q is injected later, by timeline[%d]; move the heal after that step", name, i)
		return
	}
	if s := suggest(name, injected); s != "" {
		v.addf(p, "no earlier step injects a fault named %q (did you mean %q?)", name, s)
		return
	}
	v.addf(p, "no earlier step injects a fault named %q; heal takes the name of a fault injected before it, KIND@LINK unless the inject step names it", name)
}

// linkNames lists the names of the system's links.
func (v *validator) linkNames() []string {
	var names []string
	for _, l := range v.s.System.Links {
		if l.Name != "" && !slices.Contains(names, l.Name) {
			names = append(names, l.Name)
		}
	}
	slices.Sort(names)
	return names
}
