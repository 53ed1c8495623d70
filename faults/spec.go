// Package faults injects and heals faults on the system under test: network
// faults on the links between services through toxiproxy (embedded or
// remote), partitions over several links, and process faults on services
// through a ProcessTarget. It keeps a ledger of every fault so that each one
// is reverted on every exit path, even after a crash.
package faults

import "time"

// Kind is the stable name of a fault kind, used in scenarios, the journal
// and reports. Kinds lists them all.
type Kind string

// Network fault kinds: they act on a link, through its toxiproxy proxy.
const (
	// Latency delays data on the link by Latency ± Jitter.
	Latency Kind = "latency"
	// Bandwidth limits the link to Rate KB/s (1 KB = 1000 bytes).
	Bandwidth Kind = "bandwidth"
	// Blackhole holds connections open and drops all data: requests hang
	// until the caller times out (toxiproxy's timeout toxic with timeout 0).
	Blackhole Kind = "blackhole"
	// Down refuses new connections and closes existing ones.
	Down Kind = "down"
	// Reset resets connections (TCP RST, ECONNRESET for the peer) once data
	// flows, after Timeout (toxiproxy's reset_peer toxic).
	Reset Kind = "reset"
	// SlowClose delays the close of a connection by Delay.
	SlowClose Kind = "slow_close"
	// Slicer cuts data into slices of AverageSize ± SizeVariation bytes,
	// Delay apart: fragmented writes, the data itself intact.
	Slicer Kind = "slicer"
	// LimitData closes a connection once Bytes bytes went through it.
	LimitData Kind = "limit_data"
)

// Process fault kinds: they act on a service, through a ProcessTarget.
const (
	// Pause stops every process of the service (SIGSTOP on the process
	// runtime) until the fault is healed (SIGCONT).
	Pause Kind = "pause"
	// Kill kills the service at once (SIGKILL). With Restart it is started
	// again at the same version right away; without, it stays down until
	// the fault is healed.
	Kill Kind = "kill"
	// Restart stops the service gracefully and starts the same version again.
	Restart Kind = "restart"
)

// Direction says which way along a link a fault applies.
type Direction string

// Directions. Upstream is caller→service, downstream is service→caller.
const (
	Both       Direction = "both"
	Upstream   Direction = "upstream"
	Downstream Direction = "downstream"
)

// Spec is one fault to inject: what to break, where, and for how long. It
// is flat: each kind reads the parameters listed in its doc, and Validate
// refuses a parameter that the kind does not read.
type Spec struct {
	// Name identifies this fault in the journal and in heal steps; it
	// defaults to "KIND@LINK" (or "KIND@SERVICE" for process faults).
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Kind is what to break: a network kind on a link (latency,
	// bandwidth, blackhole, down, reset, slow_close, slicer, limit_data) or
	// a process kind on a service (pause, kill, restart).
	Kind Kind `yaml:"kind" json:"kind"`
	// Link is the name of the link a network fault applies to.
	Link string `yaml:"link,omitempty" json:"link,omitempty"`
	// Service is the service a process fault (pause, kill, restart)
	// applies to.
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// Direction applies to network faults (default both); down is always
	// both ways.
	Direction Direction `yaml:"direction,omitempty" json:"direction,omitempty"`
	// Toxicity is the fraction of connections a network fault affects, in
	// (0, 1]; 0 means 1. Down is always 1.
	Toxicity float64 `yaml:"toxicity,omitempty" json:"toxicity,omitempty"`

	// Latency and Jitter (latency): the delay added to each chunk of data.
	Latency time.Duration `yaml:"latency,omitempty" json:"latency,omitempty"`
	Jitter  time.Duration `yaml:"jitter,omitempty" json:"jitter,omitempty"`
	// Rate (bandwidth) in KB/s, 1 KB = 1000 bytes.
	Rate int64 `yaml:"rate,omitempty" json:"rate,omitempty"`
	// Timeout (reset): how long after data arrives the connection is
	// reset; 0 resets it at once.
	Timeout time.Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	// Delay is the delay before a close (slow_close, milliseconds) or
	// between two slices (slicer, microseconds).
	Delay time.Duration `yaml:"delay,omitempty" json:"delay,omitempty"`
	// AverageSize and SizeVariation (slicer): slice sizes in bytes;
	// SizeVariation must be smaller than AverageSize.
	AverageSize   int `yaml:"averageSize,omitempty" json:"averageSize,omitempty"`
	SizeVariation int `yaml:"sizeVariation,omitempty" json:"sizeVariation,omitempty"`
	// Bytes (limit_data) is how many bytes a connection carries before it
	// is closed.
	Bytes int64 `yaml:"bytes,omitempty" json:"bytes,omitempty"`
	// Restart (kill) starts the killed service again at once.
	Restart bool `yaml:"restart,omitempty" json:"restart,omitempty"`
	// Replicas narrows a process fault on a service with several
	// instances to some of them: a count ("1") or a share ("50%", rounded
	// up) of those running; empty: all of them.
	Replicas string `yaml:"replicas,omitempty" json:"replicas,omitempty"`

	// Duration heals the fault automatically after it; 0 waits for a heal
	// step or the end of the drill. Instant faults (see Instant) take none.
	Duration time.Duration `yaml:"duration,omitempty" json:"duration,omitempty"`
	// Partition is the name of the partition this fault is part of, set by
	// InjectPartition; Heal of that name heals the whole partition.
	Partition string `yaml:"-" json:"partition,omitempty"`
}

// LinkSpec is a network link from a caller to a service; all of its traffic
// goes through a toxiproxy proxy so that faults can be injected on it.
type LinkSpec struct {
	// Name identifies the link in faults and in ${link.NAME}, the address
	// its proxy listens on.
	Name string `yaml:"name" json:"name"`
	// From is the service that calls through the link.
	From string `yaml:"from" json:"from"`
	// To is the service the link leads to.
	To string `yaml:"to" json:"to"`
	// Port names the port of To the link leads to (one of its ports);
	// empty for its main port.
	Port string `yaml:"port,omitempty" json:"port,omitempty"`
	// Ports, instead of Port, makes the link one proxy per named port of
	// To, named LINK.PORT (${link.LINK.PORT}); faults and partitions on
	// the link act on them all.
	Ports []string `yaml:"ports,omitempty" json:"ports,omitempty"`
	// Listen is the loopback address (such as 127.20.1.2) the link's
	// proxies listen on, each on the port number of the port it leads to,
	// so that a service that resolves a peer's name to Listen reaches it
	// through the proxy on the port it was told. Empty: 127.0.0.1 at a
	// free port.
	Listen string `yaml:"listen,omitempty" json:"listen,omitempty"`
}

// Expand returns the links a link stands for: itself, or one link per
// port of Ports, named LINK.PORT.
func (l LinkSpec) Expand() []LinkSpec {
	if len(l.Ports) == 0 {
		return []LinkSpec{l}
	}
	out := make([]LinkSpec, len(l.Ports))
	for i, port := range l.Ports {
		out[i] = LinkSpec{Name: l.Name + "." + port, From: l.From, To: l.To, Port: port, Listen: l.Listen}
	}
	return out
}

// ExpandLinks expands every link (see LinkSpec.Expand).
func ExpandLinks(links []LinkSpec) []LinkSpec {
	var out []LinkSpec
	for _, l := range links {
		out = append(out, l.Expand()...)
	}
	return out
}

// Instant reports whether the fault is over once Inject returns: a restart,
// or a kill with Restart. Such a fault is written to the ledger as injected
// and healed at once and never shows in Active, unless restoring the
// service failed (then it stays active until a heal restores it).
func (s Spec) Instant() bool {
	return s.Kind == Restart || (s.Kind == Kill && s.Restart)
}

// OnService reports whether s is a process fault (it names a Service), as
// opposed to a network fault (it names a Link).
func (s Spec) OnService() bool {
	k, ok := lookup(s.Kind)
	return ok && k.onService
}
