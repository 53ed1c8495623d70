package drill

import (
	"github.com/faultdrill/faultdrill/internal/perm"
	"github.com/faultdrill/faultdrill/internal/redact"

	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"
)

// Entry is one decision or event of a drill. T is its offset from the
// drill's start on the monotonic clock.
type Entry struct {
	T      time.Duration  `json:"t"`
	Kind   string         `json:"kind"`
	Msg    string         `json:"msg"`
	Fields map[string]any `json:"fields,omitempty"`
}

// Journal is the append-only, auditable record of a drill. Each entry is
// written to disk as one JSON line the moment it is added, so a drill that
// dies keeps everything up to its last step; an entry that marks a phase
// boundary (see phaseKinds) is also fsync'd, with every file the journal
// follows (the history), so that a crash of the machine keeps them too.
type Journal struct {
	base    time.Time
	onEntry func(Entry)
	secrets *redact.Redactor

	mu      sync.Mutex
	file    *os.File
	enc     *json.Encoder
	entries []Entry
	werr    error
	follow  []*os.File
}

// phaseKinds are the entries that mark a phase boundary of a drill: the
// journal, and the files it follows, are fsync'd after each.
var phaseKinds = map[string]bool{
	"drill.start": true, "faults.ready": true, "setup.end": true, "load.start": true,
	"fault.inject": true, "fault.heal": true, "trigger.fired": true, "rollback.start": true,
	"rollback.end": true, "step.end": true, "load.end": true, "drill.signal": true, "drill.end": true,
}

// OpenJournal creates the journal file. base is the drill's start; onEntry,
// if not nil, sees every entry as it is added (for live progress).
func OpenJournal(path string, base time.Time, onEntry func(Entry)) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, perm.File)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return &Journal{base: base, onEntry: onEntry, file: f, enc: json.NewEncoder(f)}, nil
}

// Redact makes the journal replace secret values with redact.Mask in every
// entry's message and in what it writes to disk; call it before the first
// Add.
func (j *Journal) Redact(r *redact.Redactor) { j.secrets = r }

// Now returns the current offset on the drill's clock.
func (j *Journal) Now() time.Duration { return time.Since(j.base) }

// Add records an entry at the current offset and returns it.
func (j *Journal) Add(kind, msg string, fields map[string]any) Entry {
	j.mu.Lock()
	e := Entry{T: j.Now(), Kind: kind, Msg: j.secrets.Redact(msg), Fields: fields}
	j.entries = append(j.entries, e)
	if j.file != nil && j.werr == nil {
		j.werr = j.write(e)
		if j.werr == nil && phaseKinds[kind] {
			j.werr = j.file.Sync()
			for _, f := range j.follow {
				_ = f.Sync() // the history's own writer reports its errors
			}
		}
	}
	// Under the lock: entries added at once from several goroutines (the
	// timeline, the runtime's events) reach the live progress in the
	// journal's own order.
	if j.onEntry != nil {
		j.onEntry(e)
	}
	j.mu.Unlock()
	return e
}

// write writes one entry as a JSON line, secrets redacted.
func (j *Journal) write(e Entry) error {
	if j.secrets.Empty() {
		return j.enc.Encode(e)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = j.file.Write(append(j.secrets.Bytes(b), '\n'))
	return err
}

// Follow fsyncs f with the journal at every phase boundary, until
// Unfollow.
func (j *Journal) Follow(f *os.File) {
	j.mu.Lock()
	j.follow = append(j.follow, f)
	j.mu.Unlock()
}

// Unfollow stops fsyncing f; call it before closing f.
func (j *Journal) Unfollow(f *os.File) {
	j.mu.Lock()
	j.follow = slices.DeleteFunc(j.follow, func(g *os.File) bool { return g == f })
	j.mu.Unlock()
}

// Entries returns a copy of every entry so far.
func (j *Journal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Entry(nil), j.entries...)
}

// Close closes the journal file and reports the first write error, if any.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.file == nil {
		return j.werr
	}
	cerr := j.file.Close()
	j.file = nil
	if j.werr != nil {
		return fmt.Errorf("journal: %w", j.werr)
	}
	if cerr != nil {
		return fmt.Errorf("journal: %w", cerr)
	}
	return nil
}
