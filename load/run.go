package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// maxPrealloc caps the ops preallocated for a run.
const maxPrealloc = 1 << 20

// drainBuffer is how many results of a stream may wait to be recorded.
const drainBuffer = 4096

// Options says where and how one run sends its load.
type Options struct {
	// Target is the base URL of the service under load, such as
	// http://127.0.0.1:4321; stream paths are appended to it.
	Target string
	// Base is the drill's base time, taken from time.Now() so that it
	// carries a monotonic reading. Every Op.Start/End and Window.Start is
	// an offset from it. The zero value means the moment Run starts.
	Base time.Time
	// Seed seeds the request-id generators: the same seed gives the same
	// ids.
	Seed uint64
	// OnWindow, when set, is called once per elapsed second while load
	// runs, in order and from a single goroutine, with the window of ops
	// that completed in [Start, Start+1s); the windows left are handed
	// over when load ends, so the last one may cover less than a second.
	// It must return promptly: Run waits for it.
	OnWindow func(Window)
	// HistoryWriter, when set, receives every op as it completes, in the
	// history format of the package documentation: the ops recorded since
	// the last write are written every 200 ms, as whole lines, and an end
	// line when Run returns. A drill that dies keeps the history up to its
	// last 200 ms, and ReadHistory reads it back. After a write error,
	// nothing more is written and Run returns an error wrapping it (load
	// goes on regardless). Run does not close it.
	HistoryWriter io.Writer
	// AllowNonLoopback lets Target name a host that is not loopback.
	AllowNonLoopback bool
}

// History is what one run recorded at the client boundary.
type History struct {
	// Ops are the operations in completion order.
	Ops []Op `json:"ops"`
	// Windows are the 1 s windows of the whole run, recomputed from Ops
	// when load ended; they match what OnWindow saw, except for the rare op
	// delivered more than liveGrace after its window ended.
	Windows []Window `json:"windows"`
	// Stopped is when the load stopped sending requests (an offset from
	// the base time); windows that end after it are partial. Zero when
	// unknown (a history a dying drill left behind).
	Stopped time.Duration `json:"stopped"`
	// Lag is how far the load generator fell behind its schedule; zero for
	// a history read back from a file.
	Lag Lag `json:"lag"`
	// Complete reports that the history holds every op of its run: always
	// for the History that Run returns; for one that ReadHistory read, that
	// the file ended with the end line written when Run returned, which a
	// drill that died did not write.
	Complete bool `json:"complete"`
}

// Run sends spec's load to opts.Target: one vegeta attack per stream at its
// rate, constant or ramping (open model: requests go out on schedule
// whatever the answers), for spec.Duration or until ctx is done. It
// returns every operation it recorded, and streams them to
// opts.HistoryWriter when set. When ctx is done first, requests in flight
// are aborted (and recorded as indeterminate), and Run returns the history
// so far with an error wrapping ctx.Err(). A failed history write also
// gives an error, with the full history.
func Run(ctx context.Context, spec Spec, opts Options) (*History, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	target, err := parseTarget(opts.Target, opts.AllowNonLoopback)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return &History{}, fmt.Errorf("load: not started: %w", err)
	}
	base := opts.Base
	if base.IsZero() {
		base = time.Now()
	}
	timeout := spec.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}

	log := newOpLog(expectedOps(spec))
	streams := make([]*stream, len(spec.Streams))
	for i, st := range spec.Streams {
		if streams[i], err = newStream(ctx, target, st, opts.Seed, base, timeout, spec.Duration); err != nil {
			return nil, err
		}
		streams[i].index = log.addStream(logStream{name: st.Name, ids: streams[i].template.ids, keys: streams[i].template.keys})
	}
	first := windowFloor(time.Since(base))
	live := startLive(log, base, first, opts.OnWindow)
	written := startHistoryStream(log, opts.HistoryWriter)

	var wg sync.WaitGroup
	for _, s := range streams {
		results := s.attack(ctx, spec.Duration)
		wg.Go(func() { s.drain(results, log) })
	}
	stopAll := context.AfterFunc(ctx, func() {
		for _, s := range streams {
			s.attacker.Stop()
		}
	})
	wg.Wait()
	stopped := time.Since(base)
	stoppedEarly := !stopAll()
	for _, s := range streams {
		s.transport.close()
	}

	end := first
	if last, ok := log.last(); ok {
		end = max(end, windowFloor(last)+WindowSize)
	}
	end = live.finish(end, stopped)
	writeErr := written.finish(stopped)
	ops := log.sorted()
	h := &History{Ops: ops, Windows: markPartial(windowsBetween(ops, first, end), stopped), Stopped: stopped, Complete: true}
	for _, s := range streams {
		s.lag.addTo(&h.Lag)
	}
	var errs []error
	if stoppedEarly {
		errs = append(errs, fmt.Errorf("load: stopped before the end: %w", ctx.Err()))
	}
	if writeErr != nil {
		errs = append(errs, fmt.Errorf("load: history writer: %w", writeErr))
	}
	return h, errors.Join(errs...)
}

// expectedOps estimates how many ops spec produces.
func expectedOps(spec Spec) int {
	n := 0.0
	for _, st := range spec.Streams {
		n += newRampPacer(st, spec.Duration).hits(spec.Duration)
	}
	return int(min(n*1.05+16, maxPrealloc))
}

// stream is one running request stream.
type stream struct {
	name      string
	pacer     rampPacer
	lag       lagMeter
	template  *template
	transport *recordingTransport
	attacker  *vegeta.Attacker
	recorder  *streamRecorder
	index     uint16 // the stream's index in the run's opLog
}

// maxReadBody bounds the part of an answer's body kept for the response
// rules that read it (a JSON path); the rest is discarded.
const maxReadBody = 64 << 10

func newStream(ctx context.Context, target *url.URL, st StreamSpec, seed uint64, base time.Time, timeout, duration time.Duration) (*stream, error) {
	transport := newRecordingTransport(ctx, timeout)
	client := &http.Client{
		Transport: transport,
		Timeout:   timeout,
		// A redirect is an answer like any other: record it, do not follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	tmpl, err := newTemplate(target, st, seed)
	if err != nil {
		return nil, err
	}
	rules, err := st.Response.Compile()
	if err != nil {
		return nil, fmt.Errorf("load: stream %s: response: %w", st.Name, err)
	}
	maxBody := int64(0)
	if rules.NeedsBody() {
		maxBody = maxReadBody
	}
	return &stream{
		name:      st.Name,
		pacer:     newRampPacer(st, duration),
		template:  tmpl,
		transport: transport,
		attacker:  vegeta.NewAttacker(vegeta.Client(client), vegeta.MaxBody(maxBody)),
		recorder:  newStreamRecorder(st, base, timeout, transport, tmpl.keys, rules),
	}, nil
}

// attack starts the stream's attack; its results channel closes when it ends.
func (s *stream) attack(ctx context.Context, duration time.Duration) <-chan *vegeta.Result {
	pacer := stoppablePacer{rampPacer: s.pacer, duration: duration, stop: ctx.Done(), lag: &s.lag}
	return s.attacker.Attack(s.template.target, pacer, duration, s.name)
}

// drain records every result until the attack ends.
//
// vegeta's workers hand over their results one at a time, each waiting for
// the previous one to be taken: results are taken at once into a buffer
// and recorded from there, so that recording never holds a worker back
// (a worker held back makes vegeta start another, with a new connection).
func (s *stream) drain(results <-chan *vegeta.Result, log *opLog) {
	pending := make(chan *vegeta.Result, drainBuffer)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		for res := range pending {
			if op, ok := s.recorder.op(res); ok {
				log.add(s.index, &op)
			}
		}
	}()
	for res := range results {
		pending <- res
	}
	close(pending)
	<-recorded
}
