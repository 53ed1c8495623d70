package load

import (
	"cmp"
	"errors"
	"slices"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// maxVersions bounds the distinct X-Version values a stream interns.
const maxVersions = 64

// errNotObserved marks a failed request that never reached the transport,
// so its typed error is unknown.
var errNotObserved = errors.New("load: request failed before it was sent")

// streamRecorder turns the vegeta results of one stream into ops.
type streamRecorder struct {
	name      string
	write     bool
	base      time.Time
	timeout   time.Duration
	transport *recordingTransport
	versions  map[string]string // interned X-Version values
}

// op converts res; ok is false for a request that was never sent because
// the run was stopping.
func (s *streamRecorder) op(res *vegeta.Result) (op Op, ok bool) {
	var err error
	if f := s.transport.take(res.Seq); f != nil {
		if f.notSent {
			return Op{}, false
		}
		op.ID, err = f.id, f.err
	}
	if err == nil && res.Code == 0 && res.Error != "" {
		err = errNotObserved
	}
	op.Stream, op.Write, op.Code = s.name, s.write, res.Code
	op.Start = res.Timestamp.Sub(s.base)
	op.End = op.Start + res.Latency
	op.Outcome, op.ErrClass = Classify(res.Code, err, res.Code == 0 && res.Latency >= s.timeout)
	op.Version = s.version(res.Headers.Get(HeaderVersion))
	return op, true
}

// version returns v, shared with earlier ops that carried the same value.
func (s *streamRecorder) version(v string) string {
	if v == "" {
		return ""
	}
	if iv, ok := s.versions[v]; ok {
		return iv
	}
	if len(s.versions) < maxVersions {
		s.versions[v] = v
	}
	return v
}

// opLog is the run's ops in arrival order, shared by the streams that
// append and the live windows that read.
type opLog struct {
	mu     sync.Mutex
	ops    []Op
	maxEnd time.Duration
}

func (l *opLog) add(op Op) {
	l.mu.Lock()
	if len(l.ops) == 0 || op.End > l.maxEnd {
		l.maxEnd = op.End
	}
	l.ops = append(l.ops, op)
	l.mu.Unlock()
}

// since appends to dst the ops from index i on and returns it with the
// index to ask for next time.
func (l *opLog) since(dst []Op, i int) ([]Op, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append(dst, l.ops[i:]...), len(l.ops)
}

// last returns the latest end seen, and whether there is any op.
func (l *opLog) last() (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.maxEnd, len(l.ops) > 0
}

// sorted returns the ops in completion order. Call it once every stream
// is done.
func (l *opLog) sorted() []Op {
	l.mu.Lock()
	defer l.mu.Unlock()
	slices.SortStableFunc(l.ops, func(a, b Op) int { return cmp.Compare(a.End, b.End) })
	return l.ops
}
