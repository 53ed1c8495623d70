package load

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// Error classes recorded in Op.ErrClass.
const (
	// ClassHTTP: the system answered with a non-2xx status.
	ClassHTTP = "http"
	// ClassRefused: the connection could not be made, so nothing was sent.
	ClassRefused = "refused"
	// ClassTimeout: the client gave up waiting for the answer.
	ClassTimeout = "timeout"
	// ClassReset: the connection broke (reset, EOF) after the request was sent.
	ClassReset = "reset"
	// ClassOther: any other failure without a response.
	ClassOther = "other"
)

// Classify turns what the client saw of one request into its outcome and
// error class. code is the HTTP status (0 when no response arrived), err the
// transport error, and timedOut reports that the client's request timeout
// elapsed; timeout errors in err are recognised as well.
//
// Any response decides by itself: 2xx is Acknowledged, any other status is
// Failed ("http"). Without a response, a dial failure is Failed ("refused",
// the request was never sent); a timeout is Indeterminate ("timeout"); a
// reset or EOF is Indeterminate ("reset"); anything else, including a nil
// error, is Indeterminate ("other").
func Classify(code uint16, err error, timedOut bool) (Outcome, string) {
	switch {
	case code >= 200 && code < 300:
		return Acknowledged, ""
	case code != 0:
		return Failed, ClassHTTP
	case isDialError(err):
		return Failed, ClassRefused
	case timedOut || isTimeout(err):
		return Indeterminate, ClassTimeout
	case isBrokenConn(err):
		return Indeterminate, ClassReset
	}
	return Indeterminate, ClassOther
}

// isDialError reports an error from before any byte of the request left:
// a refused or failed connect, or a failed name lookup.
func isDialError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// isTimeout reports a deadline that elapsed while waiting for the answer.
func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// isBrokenConn reports a connection that broke after the request was sent.
func isBrokenConn(err error) bool {
	return err != nil && (errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF))
}
