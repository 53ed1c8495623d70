// Package faults injects and heals network faults on the links between
// services through toxiproxy, and keeps a ledger of every fault so that each
// one is reverted on every exit path.
package faults

import "time"

// Kind is the stable name of a fault kind, used in scenarios, the journal
// and reports.
type Kind string

// Fault kinds.
const (
	// Latency delays data on the link by Latency ± Jitter.
	Latency Kind = "latency"
	// Blackhole holds connections open and drops all data: requests hang
	// until the caller times out (toxiproxy's timeout toxic with timeout 0).
	Blackhole Kind = "blackhole"
	// Down refuses new connections and closes existing ones.
	Down Kind = "down"
)

// Direction says which way along a link a fault applies.
type Direction string

// Directions. Upstream is caller→service, downstream is service→caller.
const (
	Both       Direction = "both"
	Upstream   Direction = "upstream"
	Downstream Direction = "downstream"
)

// Spec is one fault to inject: what to break, where, and for how long.
type Spec struct {
	// Name identifies this fault in the journal and in heal steps; it
	// defaults to "KIND@LINK".
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	Kind Kind   `yaml:"kind" json:"kind"`
	// Link is the name of the link the fault applies to.
	Link      string    `yaml:"link" json:"link"`
	Direction Direction `yaml:"direction,omitempty" json:"direction,omitempty"`
	// Toxicity is the fraction of connections affected, in (0, 1]; 0 means 1.
	Toxicity float64 `yaml:"toxicity,omitempty" json:"toxicity,omitempty"`
	// Latency and Jitter apply to the latency kind.
	Latency time.Duration `yaml:"latency,omitempty" json:"latency,omitempty"`
	Jitter  time.Duration `yaml:"jitter,omitempty" json:"jitter,omitempty"`
	// Duration heals the fault automatically after it; 0 waits for a heal
	// step or the end of the drill.
	Duration time.Duration `yaml:"duration,omitempty" json:"duration,omitempty"`
}

// LinkSpec is a network link from a caller to a service; all of its traffic
// goes through a toxiproxy proxy so that faults can be injected on it.
type LinkSpec struct {
	Name string `yaml:"name" json:"name"`
	From string `yaml:"from" json:"from"`
	To   string `yaml:"to" json:"to"`
}
