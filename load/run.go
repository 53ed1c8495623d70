package load

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// maxPrealloc caps the ops preallocated for a run.
const maxPrealloc = 1 << 20

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
}

// Run sends spec's load to opts.Target: one vegeta attack per stream at a
// constant rate (open model: requests go out on schedule whatever the
// answers), for spec.Duration or until ctx is done. It returns every
// operation it recorded. When ctx is done first, requests in flight are
// aborted (and recorded as indeterminate), and Run returns the history so
// far with an error wrapping ctx.Err().
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

	log := &opLog{ops: make([]Op, 0, expectedOps(spec))}
	streams := make([]*stream, len(spec.Streams))
	for i, st := range spec.Streams {
		streams[i] = newStream(ctx, target, st, opts.Seed, base, timeout)
	}
	first := windowFloor(time.Since(base))
	live := startLive(log, base, first, opts.OnWindow)

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
	stoppedEarly := !stopAll()
	for _, s := range streams {
		s.transport.close()
	}

	end := first
	if last, ok := log.last(); ok {
		end = max(end, windowFloor(last)+WindowSize)
	}
	end = live.finish(end)
	ops := log.sorted()
	h := &History{Ops: ops, Windows: windowsBetween(ops, first, end)}
	if stoppedEarly {
		return h, fmt.Errorf("load: stopped before the end: %w", ctx.Err())
	}
	return h, nil
}

// expectedOps estimates how many ops spec produces.
func expectedOps(spec Spec) int {
	n := 0.0
	for _, st := range spec.Streams {
		n += st.Rate.PerSecond() * spec.Duration.Seconds()
	}
	return int(min(n*1.05+16, maxPrealloc))
}

// stream is one running request stream.
type stream struct {
	name      string
	rate      Rate
	template  *template
	transport *recordingTransport
	attacker  *vegeta.Attacker
	recorder  *streamRecorder
}

func newStream(ctx context.Context, target *url.URL, st StreamSpec, seed uint64, base time.Time, timeout time.Duration) *stream {
	transport := newRecordingTransport(ctx, timeout)
	client := &http.Client{
		Transport: transport,
		Timeout:   timeout,
		// A redirect is an answer like any other: record it, do not follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &stream{
		name:      st.Name,
		rate:      st.Rate,
		template:  newTemplate(target, st, seed),
		transport: transport,
		attacker:  vegeta.NewAttacker(vegeta.Client(client), vegeta.MaxBody(0)),
		recorder: &streamRecorder{name: st.Name, write: st.Writes, base: base, timeout: timeout,
			transport: transport, versions: make(map[string]string)},
	}
}

// attack starts the stream's attack; its results channel closes when it ends.
func (s *stream) attack(ctx context.Context, duration time.Duration) <-chan *vegeta.Result {
	pacer := stoppablePacer{
		ConstantPacer: vegeta.ConstantPacer{Freq: s.rate.Freq, Per: s.rate.Per},
		duration:      duration,
		stop:          ctx.Done(),
	}
	return s.attacker.Attack(s.template.target, pacer, duration, s.name)
}

// drain records every result until the attack ends.
func (s *stream) drain(results <-chan *vegeta.Result, log *opLog) {
	for res := range results {
		if op, ok := s.recorder.op(res); ok {
			log.add(op)
		}
	}
}
