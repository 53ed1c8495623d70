package load

import (
	"cmp"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"
)

// opLog is the run's ops in arrival order, shared by the streams that
// append and the live windows and history stream that read.
//
// It holds each op as a rec, a fixed-size record with no pointers, and
// builds the Op only when asked for one: a run of a million ops then
// keeps some 60 MB the collector never scans while it records, instead
// of 180 MB of Ops and strings, which the garbage collector's headroom
// doubles in the resident set. The request id is kept as its sequence
// number and suffix, the key is found again from the id, repeated
// strings (versions, flags, error classes) are indices into one table,
// and the other values of reads are bytes in an arena.
type opLog struct {
	mu      sync.Mutex
	recs    []rec
	maxEnd  time.Duration
	streams []logStream
	strs    strTable
	vals    arena
}

// logStream is what the log needs of a stream to rebuild its ops.
type logStream struct {
	name string
	ids  *idGen
	keys *keyPicker // nil unless the stream has keys
}

// rec is one op as the log holds it; view.op rebuilds the Op.
type rec struct {
	start, end time.Duration
	// seq and suffix spell the id with the stream's idGen (recID); with
	// recIDInTable, seq is the index of the id in the string table.
	seq    uint64
	suffix uint32
	// version, flags and errClass index the string table (0 is "").
	version, flags, errClass uint32
	// valOff and valLen locate a read's value in the arena; with
	// recValueInTable, valOff is its index in the string table.
	valOff, valLen uint32
	stream         uint16
	code           uint16
	outcome        Outcome
	bits           recBits
}

// recBits are the flags of a rec.
type recBits uint8

const (
	recID           recBits = 1 << iota // the id is seq and suffix
	recIDInTable                        // the id is strs[seq]
	recWrite                            // Op.Write
	recHasValue                         // Op.HasValue
	recValueIsID                        // Op.Value is Op.ID
	recValueInTable                     // Op.Value is strs[valOff]
)

// newOpLog returns a log with room for about n ops.
func newOpLog(n int) *opLog {
	return &opLog{recs: make([]rec, 0, n), strs: newStrTable()}
}

// addStream registers a stream and returns the index its ops carry.
func (l *opLog) addStream(s logStream) uint16 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.streams = append(l.streams, s)
	return uint16(len(l.streams) - 1)
}

// add appends op, recorded by stream (an index from addStream).
func (l *opLog) add(stream uint16, op *Op) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := rec{start: op.Start, end: op.End, stream: stream, code: op.Code, outcome: op.Outcome}
	if op.ID != "" {
		if seq, suffix, ok := l.streams[stream].ids.parse(op.ID); ok {
			r.seq, r.suffix, r.bits = seq, suffix, recID
		} else {
			r.seq, r.bits = uint64(l.strs.index(op.ID)), recIDInTable
		}
	}
	if op.Write {
		r.bits |= recWrite
	}
	r.version, r.flags, r.errClass = l.strs.index(op.Version), l.strs.index(op.Flags), l.strs.index(op.ErrClass)
	if op.HasValue {
		r.bits |= recHasValue
		switch {
		case op.Value == op.ID:
			r.bits |= recValueIsID
		case len(op.Value) > arenaChunk/4:
			r.valOff, r.bits = l.strs.index(op.Value), r.bits|recValueInTable
		default:
			r.valOff, r.valLen = l.vals.add(op.Value)
		}
	}
	if len(l.recs) == 0 || op.End > l.maxEnd {
		l.maxEnd = op.End
	}
	l.recs = append(l.recs, r)
}

// view is a consistent snapshot of the log: everything it refers to is
// only ever appended to, so it can be read without the lock.
type view struct {
	recs    []rec
	streams []logStream
	strs    []string
	vals    [][]byte
}

func (l *opLog) view(i int) view {
	l.mu.Lock()
	defer l.mu.Unlock()
	return view{recs: l.recs[i:len(l.recs):len(l.recs)], streams: l.streams, strs: l.strs.list, vals: l.vals.chunks}
}

// op rebuilds the Op of r.
func (v *view) op(r *rec) Op {
	s := &v.streams[r.stream]
	op := Op{Stream: s.name, Start: r.start, End: r.end, Code: r.code, Outcome: r.outcome,
		Write: r.bits&recWrite != 0, ErrClass: v.strs[r.errClass], Version: v.strs[r.version], Flags: v.strs[r.flags]}
	switch {
	case r.bits&recID != 0:
		op.ID = s.ids.format(r.seq, r.suffix)
	case r.bits&recIDInTable != 0:
		op.ID = v.strs[r.seq]
	}
	if op.ID != "" {
		op.Key = s.keys.key(op.ID)
	}
	if r.bits&recHasValue != 0 {
		op.HasValue = true
		switch {
		case r.bits&recValueIsID != 0:
			op.Value = op.ID
		case r.bits&recValueInTable != 0:
			op.Value = v.strs[r.valOff]
		default:
			op.Value = arenaString(v.vals, r.valOff, r.valLen)
		}
	}
	return op
}

// since appends to dst the ops from index i on and returns it with the
// index to ask for next time.
func (l *opLog) since(dst []Op, i int) ([]Op, int) {
	v := l.view(i)
	for k := range v.recs {
		dst = append(dst, v.op(&v.recs[k]))
	}
	return dst, i + len(v.recs)
}

// last returns the latest end seen, and whether there is any op.
func (l *opLog) last() (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.maxEnd, len(l.recs) > 0
}

// sorted returns the ops in completion order, in a slice of their exact
// length, and lets the log's own records go. Call it once, when every
// stream is done.
//
// It collects garbage first: the load's garbage is all dead by then, and
// the Ops, some 170 MB for a million, then take the pages it held instead
// of new ones, which would add to the resident set; with the records
// free of pointers, that collection takes a few milliseconds.
func (l *opLog) sorted() []Op {
	l.mu.Lock()
	defer l.mu.Unlock()
	runtime.GC()
	slices.SortStableFunc(l.recs, func(a, b rec) int { return cmp.Compare(a.end, b.end) })
	v := view{recs: l.recs, streams: l.streams, strs: l.strs.list, vals: l.vals.chunks}
	ops := make([]Op, len(v.recs))
	for k := range v.recs {
		ops[k] = v.op(&v.recs[k])
	}
	l.recs, l.vals.chunks = nil, nil
	return ops
}

// strTable numbers distinct strings; index 0 is "". Equal strings come
// back as one, so an Op's repeated strings are shared.
type strTable struct {
	byString map[string]uint32
	list     []string
}

func newStrTable() strTable {
	return strTable{byString: map[string]uint32{"": 0}, list: []string{""}}
}

// index returns the index of s, adding it when new.
func (t *strTable) index(s string) uint32 {
	if s == "" {
		return 0
	}
	if i, ok := t.byString[s]; ok {
		return i
	}
	i := uint32(len(t.list))
	t.byString[s] = i
	t.list = append(t.list, s)
	return i
}

// arenaChunk is the size of one chunk of an arena.
const arenaChunk = 64 << 10

// arena holds strings as bytes in chunks the collector need not scan.
// A string never straddles two chunks; offsets count from the first
// chunk, each chunk taking arenaChunk of them.
type arena struct {
	chunks [][]byte
}

// add copies s, at most arenaChunk bytes, into the arena and returns
// where it is.
func (a *arena) add(s string) (off, n uint32) {
	last := len(a.chunks) - 1
	if last < 0 || len(a.chunks[last])+len(s) > arenaChunk {
		a.chunks = append(a.chunks, make([]byte, 0, arenaChunk))
		last++
	}
	off = uint32(last*arenaChunk + len(a.chunks[last]))
	a.chunks[last] = append(a.chunks[last], s...)
	return off, uint32(len(s))
}

// arenaString returns a copy of the string at off, n in chunks.
func arenaString(chunks [][]byte, off, n uint32) string {
	c := chunks[off/arenaChunk]
	at := off % arenaChunk
	return string(c[at : at+n])
}

// parse reads back the sequence number and suffix of an id that format
// spelled, and reports whether id is exactly such an id, so that format
// gives it back.
func (g *idGen) parse(id string) (seq uint64, suffix uint32, ok bool) {
	p := len(g.prefix)
	if len(id) < p+1+6+1+8 || id[:p] != g.prefix || id[p] != '-' || id[len(id)-9] != '-' {
		return 0, 0, false
	}
	digits, hex := id[p+1:len(id)-9], id[len(id)-8:]
	if len(digits) > 6 && digits[0] == '0' {
		return 0, 0, false
	}
	seq, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || len(digits) > 6 && seq < 1_000_000 {
		return 0, 0, false
	}
	for i := range len(hex) {
		if c := hex[i]; c >= 'A' && c <= 'F' {
			return 0, 0, false
		}
	}
	s, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return 0, 0, false
	}
	return seq, uint32(s), true
}
