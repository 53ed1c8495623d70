package load

import (
	"io"
	"time"
)

// historyFlush is how often the ops recorded since the last write are
// written to Options.HistoryWriter.
const historyFlush = 200 * time.Millisecond

// historyChunk is the size at which encoded ops are written without
// waiting for the next flush.
const historyChunk = 64 << 10

// historyStream writes the ops of a run to a writer as they complete: the
// header at once, then every historyFlush the ops recorded since, as whole
// lines, and the end line when the run is over. After the first write
// error it writes nothing more, and finish reports that error.
type historyStream struct {
	log     *opLog
	w       io.Writer
	buf     []byte
	ops     []Op // the ops being written, reused
	written int  // ops written so far
	err     error

	stop    chan struct{}
	stopped time.Duration // when the load stopped sending; set before stop closes
	done    chan struct{}
}

// startHistoryStream starts writing log to w; with a nil w it does
// nothing.
func startHistoryStream(log *opLog, w io.Writer) *historyStream {
	s := &historyStream{log: log, w: w, stop: make(chan struct{}), done: make(chan struct{})}
	if w == nil {
		close(s.done)
		return s
	}
	s.buf = appendHeaderLine(make([]byte, 0, historyChunk+4<<10))
	s.flush()
	go s.loop()
	return s
}

func (s *historyStream) loop() {
	defer close(s.done)
	tick := time.NewTicker(historyFlush)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			s.writeNew()
		case <-s.stop:
			s.writeNew()
			s.buf = appendEndLine(s.buf, s.written, s.stopped)
			s.flush()
			return
		}
	}
}

// writeNew writes the ops recorded since the last call.
func (s *historyStream) writeNew() {
	s.ops, s.written = s.log.since(s.ops[:0], s.written)
	for i := range s.ops {
		s.buf = appendOpLine(s.buf, &s.ops[i])
		if len(s.buf) >= historyChunk {
			s.flush()
		}
	}
	clear(s.ops) // let the ops' strings go
	s.flush()
}

// flush writes the buffered lines.
func (s *historyStream) flush() {
	if s.err == nil && len(s.buf) > 0 {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
}

// finish writes what is left and the end line, with stopped (when the load
// stopped sending), and returns the first write error. Call it once every
// op is in the log.
func (s *historyStream) finish(stopped time.Duration) error {
	if s.w == nil {
		return nil
	}
	s.stopped = stopped
	close(s.stop)
	<-s.done
	return s.err
}
