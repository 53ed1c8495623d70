package docker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
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

// allocPort asks the kernel for a free loopback port and releases it at
// once; the engine binds it when the container starts.
func allocPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("docker: allocate a loopback port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("docker: allocate a loopback port: %w", err)
	}
	return port, nil
}

// probePort fails with sut.ErrPortInUse when another socket holds the
// port on 127.0.0.1.
func probePort(port int) error {
	l, err := net.Listen("tcp", loopbackAddr(port))
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("docker: %s: %w", loopbackAddr(port), sut.ErrPortInUse)
	}
	if err != nil {
		return fmt.Errorf("docker: probe %s: %w", loopbackAddr(port), err)
	}
	if err := l.Close(); err != nil {
		return fmt.Errorf("docker: probe %s: %w", loopbackAddr(port), err)
	}
	return nil
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
	err = probePort(port)
	if !errors.Is(err, sut.ErrPortInUse) {
		return port, err
	}
	if !handedOut {
		fresh, err := allocPort()
		if err != nil {
			return 0, err
		}
		r.mu.Lock()
		if !svc.handedOut {
			svc.hostPort = fresh
		}
		port = svc.hostPort
		r.mu.Unlock()
	} else if err := sleepCtx(ctx, portRetryDelay); err != nil {
		return 0, err
	}
	return port, probePort(port)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// loopbackIP is 127.0.0.1, where host ports are bound: never on every
// interface.
func loopbackIP() netip.Addr { return netip.AddrFrom4([4]byte{127, 0, 0, 1}) }
