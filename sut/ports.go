package sut

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// loopbackAddr is the address of a port on 127.0.0.1.
func loopbackAddr(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// allocPort asks the kernel for a free loopback port. The port is released
// at once; it stays unlikely to be handed out again soon, and a start
// checks it is still free (probePort).
func allocPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("sut: allocate a loopback port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("sut: allocate a loopback port: %w", err)
	}
	return port, nil
}

// probePort reports whether the port can be listened on. It returns
// ErrPortInUse (wrapped) when another socket holds it, so that a health
// check cannot mistake some other process for the service.
func probePort(port int) error {
	l, err := net.Listen("tcp", loopbackAddr(port))
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("sut: %s: %w", loopbackAddr(port), ErrPortInUse)
	}
	if err != nil {
		return fmt.Errorf("sut: probe %s: %w", loopbackAddr(port), err)
	}
	if err := l.Close(); err != nil {
		return fmt.Errorf("sut: probe %s: %w", loopbackAddr(port), err)
	}
	return nil
}
