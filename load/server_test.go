package load_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// seen is what a test server received: one entry per request.
type seen struct {
	mu      sync.Mutex
	paths   []string
	ids     []string
	bodies  []string
	methods []string
	tenants []string
}

func (s *seen) record(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.paths = append(s.paths, r.URL.Path)
	s.ids = append(s.ids, r.Header.Get("X-Request-Id"))
	s.bodies = append(s.bodies, string(body))
	s.methods = append(s.methods, r.Method)
	s.tenants = append(s.tenants, r.Header.Get("X-Tenant"))
}

func (s *seen) snapshot() (paths, ids, bodies, methods, tenants []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.paths...), append([]string(nil), s.ids...),
		append([]string(nil), s.bodies...), append([]string(nil), s.methods...), append([]string(nil), s.tenants...)
}

// serve starts an HTTP server on 127.0.0.1 for the rest of the spec and
// returns its base URL.
func serve(h http.Handler) string {
	srv := httptest.NewServer(h)
	DeferCleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL
}

// closedPort returns a loopback URL on which nothing listens.
func closedPort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := ln.Addr().String()
	Expect(ln.Close()).To(Succeed())
	return "http://" + addr
}
