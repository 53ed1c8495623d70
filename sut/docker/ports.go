package docker

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/faultdrill/faultdrill/sut"
)

// portRetryDelay is how long a start waits before checking a busy host
// port again, once the port can no longer change.
const portRetryDelay = 250 * time.Millisecond

// loopbackAddr is the address of a port on 127.0.0.1.
func loopbackAddr(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// freeHostPort returns the service's host port after checking that
// nothing holds it. A busy port is replaced while the address has never
// been handed out, else checked once more after a short wait.
func (r *Runtime) freeHostPort(ctx context.Context, svc *service) (int, error) {
	r.mu.Lock()
	err := svc.ensureHostPort()
	port, handedOut := svc.hostPort, svc.handedOut
	r.mu.Unlock()
	if err != nil {
		return 0, err
	}
	err = sut.ProbePort(port)
	if !errors.Is(err, sut.ErrPortInUse) {
		return port, err
	}
	if !handedOut {
		fresh, err := sut.AllocPort()
		if err != nil {
			return 0, err
		}
		r.mu.Lock()
		if !svc.handedOut {
			svc.hostPort = fresh
		}
		port = svc.hostPort
		r.mu.Unlock()
	} else if err := sut.Sleep(ctx, portRetryDelay); err != nil {
		return 0, err
	}
	return port, sut.ProbePort(port)
}

// loopbackIP is 127.0.0.1, where host ports are bound: never on every
// interface.
func loopbackIP() netip.Addr { return netip.AddrFrom4([4]byte{127, 0, 0, 1}) }
