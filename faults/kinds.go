package faults

import (
	"fmt"
	"slices"
	"strings"
)

// kind says how one fault kind is checked and realised. Each kind lives in
// its own file (kind_*.go) and is registered by its stable name in catalogue.
type kind struct {
	name Kind
	// onService: the kind acts on a service through a ProcessTarget;
	// otherwise on a link through toxiproxy.
	onService bool
	// oneWay: the kind may apply to one direction only.
	oneWay bool
	// partial: the kind may affect a fraction of the connections.
	partial bool
	// params are the kind's own parameters, by scenario key (see params).
	params []string
	// check reports problems of the kind's own parameters.
	check func(s Spec, bad reporter)
	// toxic returns the toxiproxy toxic type and attributes that realise
	// the fault on each chosen stream; nil for kinds that are not a toxic.
	toxic func(s Spec) (string, map[string]any)
}

// reporter records one problem of a Spec field.
type reporter func(field, format string, args ...any)

// catalogue returns every fault kind, in the order Kinds lists them.
func catalogue() []kind {
	return []kind{
		latencyKind(), bandwidthKind(), blackholeKind(), downKind(),
		resetKind(), slowCloseKind(), slicerKind(), limitDataKind(),
		pauseKind(), killKind(), restartKind(),
	}
}

// lookup returns the kind of that stable name.
func lookup(name Kind) (kind, bool) {
	for _, k := range catalogue() {
		if k.name == name {
			return k, true
		}
	}
	return kind{}, false
}

// Kinds returns the stable name of every fault kind: the network kinds,
// then the process kinds.
func Kinds() []Kind {
	cat := catalogue()
	out := make([]Kind, len(cat))
	for i, k := range cat {
		out[i] = k.name
	}
	return out
}

// param is a kind-specific parameter of Spec, by scenario key.
type param struct {
	key string
	set func(Spec) bool
}

// params returns every kind-specific parameter of Spec.
func params() []param {
	return []param{
		{"latency", func(s Spec) bool { return s.Latency != 0 }},
		{"jitter", func(s Spec) bool { return s.Jitter != 0 }},
		{"rate", func(s Spec) bool { return s.Rate != 0 }},
		{"timeout", func(s Spec) bool { return s.Timeout != 0 }},
		{"delay", func(s Spec) bool { return s.Delay != 0 }},
		{"averageSize", func(s Spec) bool { return s.AverageSize != 0 }},
		{"sizeVariation", func(s Spec) bool { return s.SizeVariation != 0 }},
		{"bytes", func(s Spec) bool { return s.Bytes != 0 }},
		{"restart", func(s Spec) bool { return s.Restart }},
		{"replicas", func(s Spec) bool { return s.Replicas != "" }},
	}
}

// kindsReading returns the kinds that read the parameter key, as text.
func kindsReading(key string) string {
	var names []string
	for _, k := range catalogue() {
		if slices.Contains(k.params, key) {
			names = append(names, string(k.name))
		}
	}
	return strings.Join(names, ", ")
}

// kindList returns every kind name for messages: "latency, bandwidth, …".
func kindList() string {
	var names []string
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

// Runtimes of the system under test, as Available knows them.
const (
	RuntimeProcess = "process"
	RuntimeDocker  = "docker"
)

// Available reports whether faults of kind k can be injected on a system
// run by the named runtime: network kinds work with any runtime (they act
// on links), process kinds (pause, kill, restart) need the process or the
// docker runtime. It returns nil, or an error matching ErrUnavailable (or
// ErrInvalidSpec for an unknown kind).
func Available(k Kind, runtime string) error {
	def, ok := lookup(k)
	switch {
	case !ok:
		return &SpecError{Field: "kind", Reason: fmt.Sprintf("%q is unknown: use one of %s", k, kindList())}
	case !def.onService:
		return nil
	case runtime == RuntimeProcess || runtime == RuntimeDocker:
		return nil
	}
	return fmt.Errorf("%w: kind %s needs the %s or %s runtime, not %q", ErrUnavailable, k, RuntimeProcess, RuntimeDocker, runtime)
}

// Shape says what a Spec of one kind takes, for schemas of the scenario
// format: the field that names its target, the kind-specific parameters it
// reads (Validate refuses the others), those it cannot do without, and
// whether it may act one way only and on a fraction of the connections.
type Shape struct {
	Target   string
	Params   []string
	Required []string
	OneWay   bool
	Partial  bool
	// Instant: a spec of the kind is over once injected and takes no
	// duration (a restart; a kill also when it restarts).
	Instant bool
}

// ShapeOf returns the shape of kind k, false for an unknown kind. A
// required parameter is one the kind's own check refuses at its zero value.
func ShapeOf(k Kind) (Shape, bool) {
	def, ok := lookup(k)
	if !ok {
		return Shape{}, false
	}
	sh := Shape{Target: "link", Params: slices.Clone(def.params), OneWay: def.oneWay, Partial: def.partial,
		Instant: Spec{Kind: k}.Instant()}
	if def.onService {
		sh.Target = "service"
	}
	def.check(Spec{Kind: k}, func(field, _ string, _ ...any) {
		if !slices.Contains(sh.Required, field) {
			sh.Required = append(sh.Required, field)
		}
	})
	return sh, true
}
