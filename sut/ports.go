package sut

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// loopbackAddr is the address of a port on 127.0.0.1.
func loopbackAddr(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// AllocPort picks a free loopback port outside the kernel's ephemeral
// range. The local ports of outgoing connections come from that range, and
// on a busy machine (a load test leaves thousands of them in TIME_WAIT) one
// of them can take a port between the check and the service's bind; a port
// outside it can only be taken by another listener. The port is released at
// once; a start checks it is still free (ProbePort). When no port outside
// the range is found, the kernel picks one.
func AllocPort() (int, error) {
	lo, hi := ephemeralRange()
	const floor, ceiling = 20000, 65535
	for range 64 {
		var port int
		switch {
		case lo-floor >= 1000:
			port = floor + rand.IntN(lo-floor)
		case ceiling-hi >= 1000:
			port = hi + 1 + rand.IntN(ceiling-hi)
		default:
			return kernelPort()
		}
		if ProbePort(port) == nil {
			return port, nil
		}
	}
	return kernelPort()
}

// kernelPort asks the kernel for a free loopback port.
func kernelPort() (int, error) {
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

// ephemeralRange returns the kernel's range of local ports for outgoing
// connections (Linux's default when it cannot be read).
func ephemeralRange() (int, int) {
	lo, hi := 32768, 60999
	raw, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return lo, hi
	}
	f := strings.Fields(string(raw))
	if len(f) != 2 {
		return lo, hi
	}
	l, err1 := strconv.Atoi(f[0])
	h, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || l < 1 || h < l || h > 65535 {
		return lo, hi
	}
	return l, h
}

// ProbePort reports whether the port can be listened on. It returns
// ErrPortInUse (wrapped) when another socket holds it, so that a health
// check cannot mistake some other process for the service.
func ProbePort(port int) error {
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
