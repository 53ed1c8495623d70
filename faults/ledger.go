package faults

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

// Action is what a ledger line records.
type Action string

// Ledger actions.
const (
	// ActionInject is written before a fault is applied.
	ActionInject Action = "inject"
	// ActionHeal is written after a fault was reverted.
	ActionHeal Action = "heal"
)

// LedgerEntry is one line of a fault ledger.
type LedgerEntry struct {
	Time   time.Time `json:"time"`
	Action Action    `json:"action"`
	// Fault is the fault with its defaults filled.
	Fault Spec `json:"fault"`
	// API is the URL of the toxiproxy server that holds the fault.
	API string `json:"api"`
	// Proxy is the name of the toxiproxy proxy of the fault's link.
	Proxy string `json:"proxy"`
	// Embedded is true when the server lived inside the drill's process:
	// its faults ended with that process, so there is nothing to revert.
	Embedded bool `json:"embedded,omitempty"`
}

// ledger appends entries to a JSON-lines file and syncs each one, so that a
// line is on disk before the fault it announces is applied.
type ledger struct {
	f *os.File
}

func openLedger(path string) (*ledger, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("faults: open ledger: %w", err)
	}
	return &ledger{f: f}, nil
}

// append writes e as one line. A nil ledger writes nothing.
func (l *ledger) append(e LedgerEntry) error {
	if l == nil {
		return nil
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("faults: encode ledger entry: %w", err)
	}
	if _, err := l.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("faults: write ledger: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("faults: sync ledger: %w", err)
	}
	return nil
}

func (l *ledger) close() error {
	if l == nil {
		return nil
	}
	if err := l.f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("faults: close ledger: %w", err)
	}
	return nil
}

// ReadLedger reads every entry of the ledger at path, in file order. A last
// line cut short by a crash (no newline, not valid JSON) is skipped: it was
// written before its fault was applied, so that fault never was.
func ReadLedger(path string) ([]LedgerEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("faults: read ledger: %w", err)
	}
	lines := bytes.Split(data, []byte{'\n'})
	var entries []LedgerEntry
	for i, line := range lines {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e LedgerEntry
		if err := json.Unmarshal(line, &e); err != nil {
			if i == len(lines)-1 {
				break
			}
			return nil, fmt.Errorf("faults: ledger %s line %d: %w", path, i+1, err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// Unhealed returns the inject entries that no later heal entry of the same
// fault name on the same API matches, in ledger order.
func Unhealed(entries []LedgerEntry) []LedgerEntry {
	type key struct{ api, name string }
	open := map[key][]int{} // key → indexes of its unhealed injects
	for i, e := range entries {
		k := key{e.API, e.Fault.Name}
		switch e.Action {
		case ActionInject:
			open[k] = append(open[k], i)
		case ActionHeal:
			if n := len(open[k]); n > 0 {
				open[k] = open[k][:n-1]
			}
		}
	}
	var idx []int
	for _, is := range open {
		idx = append(idx, is...)
	}
	slices.Sort(idx)
	out := make([]LedgerEntry, 0, len(idx))
	for _, i := range idx {
		out = append(out, entries[i])
	}
	return out
}
