package load

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// maxHistoryLine bounds one line of a history file.
const maxHistoryLine = 1 << 20

// WriteHistory writes h's operations to w in the history format (see the
// package documentation), in order, then the end line. Windows are not
// written: ReadHistory recomputes them.
func WriteHistory(w io.Writer, h *History) error {
	bw := bufio.NewWriter(w)
	buf := appendHeaderLine(nil)
	n := 0
	if h != nil {
		for i := range h.Ops {
			buf = appendOpLine(buf, &h.Ops[i])
			if len(buf) >= historyChunk {
				if _, err := bw.Write(buf); err != nil {
					return fmt.Errorf("load: write history: %w", err)
				}
				buf = buf[:0]
			}
		}
		n = len(h.Ops)
	}
	var stopped time.Duration
	if h != nil {
		stopped = h.Stopped
	}
	buf = appendEndLine(buf, n, stopped)
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("load: write history: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("load: write history: %w", err)
	}
	return nil
}

// ReadHistory reads a history file: the format that WriteHistory and
// Options.HistoryWriter write, or the older one (JSON lines, one Op each,
// with the long field names of Op's JSON tags). It returns the ops in file
// order and windows recomputed over them (from the window of the earliest
// start to the window of the latest end), those that end after the load
// stopped marked partial when the end line says when that was.
//
// A file that a dying drill left behind reads fine: its last line, if cut
// short, is dropped, and the History is not Complete. An empty input is an
// empty history, not Complete. A history in the
// older format, which has no end line, is Complete when its last line is
// whole. Blank lines are skipped. Any other line that cannot be read gives
// an error wrapping ErrBadHistory and naming the line.
func ReadHistory(r io.Reader) (*History, error) {
	rd := historyReader{h: &History{}, strs: interner{max: maxKeyTable + maxInterned}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxHistoryLine)
	sc.Split(rd.splitLines)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := rd.line(sc.Bytes()); err != nil {
			if rd.torn && rd.format {
				break // the last line, cut short by a drill that died
			}
			return nil, fmt.Errorf("load: read history: line %d: %w: %w", line, ErrBadHistory, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load: read history: %w", err)
	}
	rd.h.Complete = rd.ended || (rd.legacy && !rd.torn)
	rd.h.Windows = historyWindows(rd.h.Ops)
	if rd.h.Stopped > 0 {
		markPartial(rd.h.Windows, rd.h.Stopped)
	}
	return rd.h, nil
}

// historyReader is the state of ReadHistory.
type historyReader struct {
	h      *History
	format bool // the header of the current format was read
	legacy bool // the file is in the older format
	ended  bool // the end line was read
	torn   bool // the line being read has no line break: the last one

	strs interner // Stream, Version, Flags, ErrClass, keys
}

// splitLines is bufio.ScanLines that notes a last line without a line
// break.
func (rd *historyReader) splitLines(data []byte, atEOF bool) (int, []byte, error) {
	advance, token, err := bufio.ScanLines(data, atEOF)
	if atEOF && token != nil && advance == len(data) && !bytes.HasSuffix(data, []byte("\n")) {
		rd.torn = true
	}
	return advance, token, err
}

// line reads one non-blank line.
func (rd *historyReader) line(text []byte) error {
	if !rd.format && !rd.legacy {
		var hdr historyHeader
		if err := json.Unmarshal(text, &hdr); err == nil && hdr.Format == historyFormat {
			if hdr.Version != historyVersion {
				return fmt.Errorf("history format version %d: this build reads version %d", hdr.Version, historyVersion)
			}
			rd.format = true
			return nil
		}
		rd.legacy = true
	}
	if rd.ended {
		return fmt.Errorf("a line after the end line")
	}
	var op Op
	if rd.legacy {
		if err := json.Unmarshal(text, &op); err != nil {
			return err
		}
	} else {
		var l wireLine
		if err := json.Unmarshal(text, &l); err != nil {
			return err
		}
		if l.Done != nil {
			if *l.Done != len(rd.h.Ops) {
				return fmt.Errorf("the end line counts %d ops, the file holds %d", *l.Done, len(rd.h.Ops))
			}
			rd.ended = true
			rd.h.Stopped = time.Duration(l.Stopped)
			return nil
		}
		var err error
		if op, err = l.op(); err != nil {
			return err
		}
	}
	if err := checkOp(&op); err != nil {
		return err
	}
	rd.share(&op)
	rd.h.Ops = append(rd.h.Ops, op)
	return nil
}

// share makes op's repeated strings point to earlier equal ones, so a
// history read back is as compact as a recorded one.
func (rd *historyReader) share(op *Op) {
	op.Stream = rd.strs.intern(op.Stream)
	op.Version = rd.strs.intern(op.Version)
	op.Flags = rd.strs.intern(op.Flags)
	op.ErrClass = rd.strs.intern(op.ErrClass)
	op.Key = rd.strs.intern(op.Key)
	if op.Value == op.ID {
		op.Value = op.ID
	}
}

// checkOp rejects an op no run could have recorded.
func checkOp(op *Op) error {
	switch {
	case !op.Outcome.valid():
		return fmt.Errorf("op %q: outcome %q is not acknowledged, failed or indeterminate", op.ID, op.Outcome)
	case op.End < op.Start:
		return fmt.Errorf("op %q: ends (%s) before it starts (%s)", op.ID, op.End, op.Start)
	}
	return nil
}
