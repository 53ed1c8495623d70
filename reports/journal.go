package reports

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// JournalFileName is the name of a drill's journal inside its folder.
const JournalFileName = "journal.jsonl"

// KindUnreadable is the kind ReadJournal gives a journal line it could not
// decode (a drill killed mid-write leaves half a line).
const KindUnreadable = "journal.unreadable"

// maxJournalLine bounds one journal line.
const maxJournalLine = 16 << 20

// JournalEntry is one line of a drill's journal: an event or decision at
// offset T from the drill's start.
type JournalEntry struct {
	T      time.Duration  `json:"t"`
	Kind   string         `json:"kind"`
	Msg    string         `json:"msg"`
	Fields map[string]any `json:"fields,omitempty"`
}

// ReadJournal reads a journal.jsonl. A line that does not decode becomes
// an entry of kind KindUnreadable, at the offset of the entry before it,
// saying which line and why, so that a damaged journal still renders.
func ReadJournal(path string) ([]JournalEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reports: journal: %w", err)
	}
	defer f.Close()
	var entries []JournalEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxJournalLine)
	var last time.Duration
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			e = JournalEntry{T: last, Kind: KindUnreadable, Msg: fmt.Sprintf("line %d could not be read: %v", n, err)}
		}
		last = e.T
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return entries, fmt.Errorf("reports: journal %s: %w", path, err)
	}
	return entries, nil
}
