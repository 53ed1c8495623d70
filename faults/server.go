package faults

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// embedded is a toxiproxy API server running inside this process on a
// loopback port.
type embedded struct {
	api    *toxiproxy.ApiServer
	http   *http.Server
	url    string
	served chan error
}

// startEmbedded serves the toxiproxy API on 127.0.0.1 at a free port.
func startEmbedded() (*embedded, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faults: listen for toxiproxy API: %w", err)
	}
	api := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), zerolog.Nop())
	e := &embedded{
		api: api,
		http: &http.Server{
			Handler:           api.Routes(),
			ReadHeaderTimeout: 10 * time.Second,
		},
		url:    "http://" + ln.Addr().String(),
		served: make(chan error, 1),
	}
	go func() { e.served <- e.http.Serve(ln) }()
	return e, nil
}

// stop shuts the API down and stops every proxy still listening, so no
// port or fault outlives the server.
func (e *embedded) stop(ctx context.Context) error {
	err := e.http.Shutdown(ctx)
	if cerr := e.api.Collection.Clear(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	if err != nil {
		return fmt.Errorf("faults: stop toxiproxy API: %w", err)
	}
	if serr := <-e.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("faults: toxiproxy API: %w", serr)
	}
	return nil
}
