package load

import (
	"cmp"
	"errors"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/faultdrill/faultdrill/httpapi"
)

// maxInterned bounds the distinct values one interner shares.
const maxInterned = 64

// errNotObserved marks a failed request that never reached the transport,
// so its typed error is unknown.
var errNotObserved = errors.New("load: request failed before it was sent")

// streamRecorder turns the vegeta results of one stream into ops. It is
// used from one goroutine.
type streamRecorder struct {
	name      string
	write     bool
	base      time.Time
	timeout   time.Duration
	transport *recordingTransport
	keys      *keyPicker     // nil unless the stream has keys
	rules     *httpapi.Rules // what an answer means
	absentOK  bool           // an absent answer acknowledges
}

func newStreamRecorder(st StreamSpec, base time.Time, timeout time.Duration, transport *recordingTransport, keys *keyPicker, rules *httpapi.Rules) *streamRecorder {
	return &streamRecorder{name: st.Name, write: st.Writes, base: base, timeout: timeout,
		transport: transport, keys: keys, rules: rules, absentOK: st.absentIsOK()}
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
	op.Flags = header(res.Headers, HeaderFlags) // shared by the opLog's string table
	if op.ID != "" {
		op.Key = s.keys.key(op.ID)
	}
	if s.write {
		op.Value, op.HasValue = op.ID, op.ID != ""
	}
	if res.Code == 0 {
		return op, true
	}
	// An answer: the stream's rules say what it means.
	a := s.rules.Read(int(res.Code), res.Headers, res.Body)
	op.Version = a.Version
	acked := a.Ack
	if !s.write && a.Absent {
		acked = s.absentOK // a read of an absent item: valid, or a failure where the stream says so
	}
	if acked {
		op.Outcome, op.ErrClass = Acknowledged, ""
	} else {
		op.Outcome, op.ErrClass = Failed, ClassHTTP
	}
	if !s.write && (a.Ack || a.Absent) && a.HasValue {
		op.Value, op.HasValue = a.Value, true
	}
	return op, true
}

// header returns the first value of the canonical header key in h.
func header(h map[string][]string, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// interner shares equal strings, so that a value repeated over thousands
// of ops is held once. It keeps at most max values (maxInterned when max
// is 0); others pass through unshared. It is not safe for concurrent use.
type interner struct {
	max  int
	seen map[string]string
}

func (in *interner) intern(v string) string {
	if v == "" {
		return ""
	}
	if iv, ok := in.seen[v]; ok {
		return iv
	}
	if in.seen == nil {
		in.seen = make(map[string]string)
	}
	if len(in.seen) < cmp.Or(in.max, maxInterned) {
		in.seen[v] = v
	}
	return v
}
