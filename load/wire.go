package load

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// The history file format; the package documentation describes it.
const (
	historyFormat  = "faultdrill-history"
	historyVersion = 1
)

// historyHeader is the first line of a history file.
type historyHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

// appendHeaderLine appends the first line of a history file.
func appendHeaderLine(buf []byte) []byte {
	return fmt.Appendf(buf, `{"format":%q,"version":%d}`+"\n", historyFormat, historyVersion)
}

// appendEndLine appends the last line of a history file: the number of
// ops written before it, and when the load stopped sending (left out when
// unknown, 0).
func appendEndLine(buf []byte, ops int, stopped time.Duration) []byte {
	buf = append(buf, `{"end":`...)
	buf = strconv.AppendInt(buf, int64(ops), 10)
	if stopped > 0 {
		buf = append(buf, `,"stopped":`...)
		buf = strconv.AppendInt(buf, int64(stopped), 10)
	}
	return append(buf, "}\n"...)
}

// outcomeCodes are the one-letter outcomes of the line format, by Outcome.
var outcomeCodes = [...]string{Acknowledged: "a", Failed: "f", Indeterminate: "i"}

// appendOpLine appends op as one line of the history format.
func appendOpLine(buf []byte, op *Op) []byte {
	buf = append(buf, `{"i":`...)
	buf = appendJSONString(buf, op.ID)
	buf = append(buf, `,"s":`...)
	buf = appendJSONString(buf, op.Stream)
	buf = append(buf, `,"b":`...)
	buf = strconv.AppendInt(buf, int64(op.Start), 10)
	buf = append(buf, `,"e":`...)
	buf = strconv.AppendInt(buf, int64(op.End), 10)
	if op.Code != 0 {
		buf = append(buf, `,"c":`...)
		buf = strconv.AppendUint(buf, uint64(op.Code), 10)
	}
	buf = append(buf, `,"o":"`...)
	if op.Outcome.valid() {
		buf = append(buf, outcomeCodes[op.Outcome]...)
	}
	buf = append(buf, '"')
	buf = appendField(buf, `,"r":`, op.ErrClass)
	buf = appendField(buf, `,"v":`, op.Version)
	buf = appendField(buf, `,"f":`, op.Flags)
	buf = appendField(buf, `,"k":`, op.Key)
	if op.Write {
		buf = append(buf, `,"w":1`...)
	}
	// A write's value is its id unless said otherwise.
	if op.HasValue && !(op.Write && op.Value == op.ID) {
		buf = append(buf, `,"x":`...)
		buf = appendJSONString(buf, op.Value)
	} else if op.Write && !op.HasValue {
		buf = append(buf, `,"x":null`...)
	}
	return append(buf, "}\n"...)
}

// appendField appends key and s as a JSON string, unless s is empty.
func appendField(buf []byte, key, s string) []byte {
	if s == "" {
		return buf
	}
	return appendJSONString(append(buf, key...), s)
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as with encoding/json.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// wireLine is one line of the history format after the header: an op, or
// the end line.
type wireLine struct {
	ID       string `json:"i"`
	Stream   string `json:"s"`
	Start    *int64 `json:"b"`
	End      *int64 `json:"e"`
	Code     uint16 `json:"c"`
	Outcome  string `json:"o"`
	ErrClass string `json:"r"`
	Version  string `json:"v"`
	Flags    string `json:"f"`
	Key      string `json:"k"`
	Write    int    `json:"w"`
	// Value is absent (nil), null (a write whose value is unknown) or a
	// string.
	Value json.RawMessage `json:"x"`
	Done  *int            `json:"end"`
	// Stopped, on the end line, is when the load stopped sending.
	Stopped int64 `json:"stopped"`
}

// op returns the op the line holds.
func (l *wireLine) op() (Op, error) {
	op := Op{ID: l.ID, Stream: l.Stream, Code: l.Code, ErrClass: l.ErrClass, Version: l.Version,
		Flags: l.Flags, Key: l.Key, Write: l.Write != 0}
	switch {
	case l.Start == nil || l.End == nil:
		return Op{}, fmt.Errorf("op %q: start (b) or end (e) missing", l.ID)
	case l.Write != 0 && l.Write != 1:
		return Op{}, fmt.Errorf("op %q: w is %d, want 1 or none", l.ID, l.Write)
	}
	op.Start, op.End = time.Duration(*l.Start), time.Duration(*l.End)
	for o, code := range outcomeCodes {
		if code != "" && code == l.Outcome {
			op.Outcome = Outcome(o)
		}
	}
	switch {
	case l.Value == nil && op.Write:
		op.Value, op.HasValue = op.ID, true
	case l.Value == nil || string(l.Value) == "null":
	default:
		if err := json.Unmarshal(l.Value, &op.Value); err != nil {
			return Op{}, fmt.Errorf("op %q: x: %w", l.ID, err)
		}
		op.HasValue = true
	}
	return op, nil
}
