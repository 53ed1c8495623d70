package faults

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// PartitionSpec is a network partition over several links, written once:
// exactly one of Isolate, Split or Between says where the cut is, and every
// link that crosses it gets the same fault.
type PartitionSpec struct {
	// Name identifies the partition in the journal and in heal steps; it
	// defaults to "isolate@S", "split@A.B:C.D" or "partition@A:B".
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Isolate cuts one service from all of its peers.
	Isolate string `yaml:"isolate,omitempty" json:"isolate,omitempty"`
	// Split cuts a set of services into two halves: links between the
	// halves are cut, links within a half (and links to services in
	// neither) are not.
	Split [][]string `yaml:"split,omitempty" json:"split,omitempty"`
	// Between cuts one pair of services: the links between them, either way.
	Between []string `yaml:"between,omitempty" json:"between,omitempty"`
	// Mode is the fault on each cut link: blackhole (default: connections
	// held, data dropped) or down (connections refused).
	Mode Kind `yaml:"mode,omitempty" json:"mode,omitempty"`
	// Direction applies to each cut link as in Spec: upstream is the data
	// from the link's caller to its service. Down is always both.
	Direction Direction `yaml:"direction,omitempty" json:"direction,omitempty"`
	// Duration heals the partition automatically after it.
	Duration time.Duration `yaml:"duration,omitempty" json:"duration,omitempty"`
}

// Partition is a partition as injected: its spec with defaults filled, and
// one fault per link that crosses the cut.
type Partition struct {
	Spec   PartitionSpec `json:"spec"`
	Faults []Spec        `json:"faults"`
}

// PartitionDefaults returns p with its defaults filled: Mode Blackhole,
// Direction Both and a Name after its cut. It does not validate.
func PartitionDefaults(p PartitionSpec) PartitionSpec {
	if p.Mode == "" {
		p.Mode = Blackhole
	}
	if p.Direction == "" {
		p.Direction = Both
	}
	if p.Name != "" {
		return p
	}
	switch {
	case p.Isolate != "":
		p.Name = "isolate@" + p.Isolate
	case len(p.Split) == 2:
		p.Name = "split@" + strings.Join(p.Split[0], ".") + ":" + strings.Join(p.Split[1], ".")
	case len(p.Between) == 2:
		p.Name = "partition@" + p.Between[0] + ":" + p.Between[1]
	}
	return p
}

// Validate reports every problem of p at once, joined; each is a
// *SpecError matching ErrInvalidSpec. Zero values that PartitionDefaults
// fills are valid, except Name when the cut gives none.
func (p PartitionSpec) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &SpecError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	cuts := 0
	if p.Isolate != "" {
		cuts++
		checkService(bad, "isolate", p.Isolate)
	}
	if p.Split != nil {
		cuts++
		checkSplit(bad, p.Split)
	}
	if p.Between != nil {
		cuts++
		checkBetween(bad, p.Between)
	}
	if cuts != 1 {
		bad("isolate", "a partition needs exactly one of isolate, split or between (it has %d)", cuts)
	}
	if p.Name != "" && !validName(p.Name, "._@:-") {
		bad("name", "%q must start with a letter or digit and hold only letters, digits and . _ @ : -", p.Name)
	}
	switch p.Mode {
	case "", Blackhole, Down:
	default:
		bad("mode", "%q is not a partition mode: use blackhole or down", p.Mode)
	}
	switch p.Direction {
	case "", Both:
	case Upstream, Downstream:
		if p.Mode == Down {
			bad("direction", "a down partition is down both ways: leave direction empty or use both")
		}
	default:
		bad("direction", "%q is unknown: use both, upstream or downstream", p.Direction)
	}
	if p.Duration < 0 {
		bad("duration", "%v must not be negative", p.Duration)
	}
	return errors.Join(errs...)
}

func checkService(bad reporter, field, name string) {
	if !validName(name, "._-") {
		bad(field, "service %q must start with a letter or digit and hold only letters, digits and . _ -", name)
	}
}

func checkSplit(bad reporter, halves [][]string) {
	if len(halves) != 2 || len(halves[0]) == 0 || len(halves[1]) == 0 {
		bad("split", "needs two non-empty halves, such as [[a, b], [c]]")
		return
	}
	seen := map[string]bool{}
	for _, half := range halves {
		for _, s := range half {
			checkService(bad, "split", s)
			if seen[s] {
				bad("split", "service %q is listed twice", s)
			}
			seen[s] = true
		}
	}
}

func checkBetween(bad reporter, pair []string) {
	if len(pair) != 2 {
		bad("between", "needs exactly two services, such as [api, store]")
		return
	}
	checkService(bad, "between", pair[0])
	checkService(bad, "between", pair[1])
	if pair[0] == pair[1] {
		bad("between", "needs two different services, not %q twice", pair[0])
	}
}

// PartitionLinks returns the names of the links that cross the cut of p,
// in the order of links. It is pure. Errors: ErrInvalidSpec for a bad p,
// ErrNoCrossingLinks when no link crosses the cut.
func PartitionLinks(p PartitionSpec, links []LinkSpec) ([]string, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var crossing []string
	for _, l := range links {
		if crosses(p, l) {
			crossing = append(crossing, l.Name)
		}
	}
	if len(crossing) == 0 {
		return nil, fmt.Errorf("%w: no link joins the two sides of %s", ErrNoCrossingLinks, describeCut(p))
	}
	return crossing, nil
}

// crosses reports whether link l joins the two sides of p's cut.
func crosses(p PartitionSpec, l LinkSpec) bool {
	switch {
	case p.Isolate != "":
		return (l.From == p.Isolate) != (l.To == p.Isolate)
	case len(p.Split) == 2:
		a, b := p.Split[0], p.Split[1]
		return slices.Contains(a, l.From) && slices.Contains(b, l.To) ||
			slices.Contains(b, l.From) && slices.Contains(a, l.To)
	case len(p.Between) == 2:
		x, y := p.Between[0], p.Between[1]
		return l.From == x && l.To == y || l.From == y && l.To == x
	}
	return false
}

// describeCut names the cut for messages.
func describeCut(p PartitionSpec) string {
	switch {
	case p.Isolate != "":
		return fmt.Sprintf("isolate %s (no link from or to it)", p.Isolate)
	case len(p.Split) == 2:
		return fmt.Sprintf("split %v | %v", p.Split[0], p.Split[1])
	}
	return fmt.Sprintf("between %v", p.Between)
}

// partitionFaults returns the fault of each crossing link, named
// "PARTITION:LINK", with defaults filled.
func partitionFaults(p PartitionSpec, links []string) []Spec {
	out := make([]Spec, len(links))
	for i, link := range links {
		out[i] = Defaults(Spec{
			Name: p.Name + ":" + link, Kind: p.Mode, Link: link, Direction: p.Direction,
			Duration: p.Duration, Partition: p.Name,
		})
	}
	return out
}
