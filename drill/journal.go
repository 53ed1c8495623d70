package drill

import (
	"github.com/faultdrill/faultdrill/internal/perm"
	"github.com/faultdrill/faultdrill/internal/redact"

	"encoding/json"
	"fmt"
	"os"
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
// dies keeps everything up to its last step.
type Journal struct {
	base    time.Time
	onEntry func(Entry)
	secrets *redact.Redactor

	mu      sync.Mutex
	file    *os.File
	enc     *json.Encoder
	entries []Entry
	werr    error
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
	}
	j.mu.Unlock()
	if j.onEntry != nil {
		j.onEntry(e)
	}
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
