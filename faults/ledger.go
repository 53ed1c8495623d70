package faults

import (
	"github.com/faultdrill/faultdrill/internal/perm"

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
	// ActionApplied is written once a pause stopped its service, with the
	// process group it stopped (LedgerEntry.Process).
	ActionApplied Action = "applied"
	// ActionHeal is written after a fault was reverted.
	ActionHeal Action = "heal"
	// ActionLink is written before a proxy is created on a remote server.
	ActionLink Action = "link"
	// ActionUnlink is written after a proxy on a remote server was deleted.
	ActionUnlink Action = "unlink"
)

// LedgerEntry is one line of a fault ledger.
type LedgerEntry struct {
	Time   time.Time `json:"time"`
	Action Action    `json:"action"`
	// Fault is the fault with its defaults filled; zero on link lines.
	Fault Spec `json:"fault,omitzero"`
	// API is the URL of the toxiproxy server that holds the fault or the
	// proxy; empty for process faults.
	API string `json:"api,omitempty"`
	// Proxy is the name of the toxiproxy proxy of the fault's link.
	Proxy string `json:"proxy,omitempty"`
	// Embedded is true when the server lived inside the drill's process:
	// its faults ended with that process, so there is nothing to revert.
	Embedded bool `json:"embedded,omitempty"`
	// Process is the process group a pause stopped (applied lines).
	Process *ProcessGroup `json:"process,omitempty"`
	// By says who wrote a heal or unlink line when it was not the drill
	// itself, such as "cleanup" (see MarkReverted).
	By string `json:"by,omitempty"`
}

// ledger appends entries to a JSON-lines file and syncs each one, so that a
// line is on disk before the fault it announces is applied.
type ledger struct {
	f *os.File
}

func openLedger(path string) (*ledger, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm.File)
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
// fault name on the same API matches, in ledger order. An entry whose fault
// was applied with a process group (a pause) carries it in Process.
func Unhealed(entries []LedgerEntry) []LedgerEntry {
	type key struct{ api, name string }
	return unclosed(entries, ActionInject, ActionHeal, func(e LedgerEntry) any {
		return key{e.API, e.Fault.Name}
	})
}

// OpenLinks returns the link entries (proxies created on a remote server)
// that no later unlink entry of the same proxy on the same API matches, in
// ledger order.
func OpenLinks(entries []LedgerEntry) []LedgerEntry {
	type key struct{ api, proxy string }
	return unclosed(entries, ActionLink, ActionUnlink, func(e LedgerEntry) any {
		return key{e.API, e.Proxy}
	})
}

// unclosed returns the open entries that no later close entry of the same
// key matches, in ledger order; an applied entry gives its Process to the
// open entry it follows.
func unclosed(entries []LedgerEntry, open, closing Action, keyOf func(LedgerEntry) any) []LedgerEntry {
	entries = slices.Clone(entries)
	pending := map[any][]int{} // key → indexes of its open entries
	for i, e := range entries {
		k := keyOf(e)
		n := len(pending[k])
		switch e.Action {
		case open:
			pending[k] = append(pending[k], i)
		case closing:
			if n > 0 {
				pending[k] = pending[k][:n-1]
			}
		case ActionApplied:
			if n > 0 && e.Process != nil {
				entries[pending[k][n-1]].Process = e.Process
			}
		}
	}
	var idx []int
	for _, is := range pending {
		idx = append(idx, is...)
	}
	slices.Sort(idx)
	out := make([]LedgerEntry, 0, len(idx))
	for _, i := range idx {
		out = append(out, entries[i])
	}
	return out
}

// MarkReverted appends to the ledger at path the line that closes e (an
// unhealed inject or an open link): a heal or an unlink line, stamped now
// and signed by (e.g. "cleanup"). A cleanup calls it once it reverted e, so
// that a second cleanup finds nothing left.
func MarkReverted(path string, e LedgerEntry, by string) error {
	closing := ActionHeal
	if e.Action == ActionLink {
		closing = ActionUnlink
	}
	l, err := openLedger(path)
	if err != nil {
		return err
	}
	line := LedgerEntry{Time: time.Now(), Action: closing, Fault: e.Fault, API: e.API,
		Proxy: e.Proxy, Embedded: e.Embedded, By: by}
	return errors.Join(l.append(line), l.close())
}
