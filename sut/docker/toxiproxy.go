package docker

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/faultdrill/faultdrill/sut"
)

const (
	// toxiproxyStartTimeout bounds the wait for toxiproxy's API.
	toxiproxyStartTimeout = 30 * time.Second
	// toxiproxyStopGrace is the time toxiproxy gets to exit on SIGTERM.
	toxiproxyStopGrace = 2 * time.Second
)

// toxiproxy is the running toxiproxy container of a drill.
type toxiproxy struct {
	c   *ctr
	url string
}

// StartToxiproxy runs the toxiproxy container on the drill network (alias
// ToxiproxyAlias) with its API port bound to a loopback port of the host,
// waits until the API answers and returns its URL (http://127.0.0.1:PORT).
// Give that URL to the faults package as a remote toxiproxy, with proxies
// listening on 0.0.0.0 inside the container; services reach a proxy at
// LinkAddr(listen) and a proxy reaches a service at UpstreamAddr. Calling
// it again returns the same URL. The image must be present locally
// (ErrNoImage).
func (r *Runtime) StartToxiproxy(ctx context.Context) (apiURL string, err error) {
	r.toxiMu.Lock()
	defer r.toxiMu.Unlock()
	r.mu.Lock()
	closed, t := r.closed, r.toxi
	r.mu.Unlock()
	switch {
	case closed:
		return "", fmt.Errorf("docker: start toxiproxy: %w", sut.ErrClosed)
	case t != nil:
		return t.url, nil
	}
	if err := checkImage(ctx, r.cli, r.toxiImage); err != nil {
		return "", fmt.Errorf("docker: start toxiproxy: %w", err)
	}
	hostPort, err := sut.AllocPort()
	if err != nil {
		return "", err
	}
	lctx, cancel := context.WithTimeout(ctx, toxiproxyStartTimeout+launchSlack)
	defer cancel()
	c := &ctr{service: ToxiproxyAlias, image: r.toxiImage, logPath: filepath.Join(r.workDir, "logs", "toxiproxy.log")}
	req := testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{
			Image:              r.toxiImage,
			Cmd:                []string{"-host=0.0.0.0", "-port=" + strconv.Itoa(ToxiproxyAPIPort)},
			ExposedPorts:       []string{portSpec(ToxiproxyAPIPort)},
			Labels:             drillLabels(r.id, LabelRole, RoleToxiproxy),
			Name:               containerName(r.id, ToxiproxyAlias),
			Networks:           []string{r.netName},
			NetworkAliases:     map[string][]string{r.netName: {ToxiproxyAlias}},
			HostConfigModifier: bindLoopback(ToxiproxyAPIPort, hostPort),
			WaitingFor:         healthWait("/version", ToxiproxyAPIPort, toxiproxyStartTimeout),
		},
		Started: true,
		Logger:  r.logger,
	}
	tc, err := testcontainers.GenericContainer(lctx, req)
	if dc, _ := tc.(*testcontainers.DockerContainer); dc != nil {
		c.c, c.id = dc, dc.GetContainerID()
	}
	if err == nil {
		err = r.settleToxiproxy(lctx, c)
	}
	if err != nil {
		if c.c != nil {
			_ = r.remove(ctx, nil, c, "start failed: "+err.Error(), nil)
		}
		return "", fmt.Errorf("docker: start toxiproxy: %w", err)
	}
	t = &toxiproxy{c: c, url: "http://" + c.addr}
	r.mu.Lock()
	r.toxi = t
	r.mu.Unlock()
	r.emitFor(c, EventToxiproxyStarted, t.url)
	return t.url, nil
}

// settleToxiproxy looks the API's host address up.
func (r *Runtime) settleToxiproxy(ctx context.Context, c *ctr) error {
	mapped, err := c.c.MappedPort(ctx, portSpec(ToxiproxyAPIPort))
	if err != nil {
		return fmt.Errorf("mapped port: %w", err)
	}
	c.addr = loopbackAddr(int(mapped.Num()))
	return nil
}

// stopToxiproxy stops and removes the toxiproxy container, saving its logs.
func (r *Runtime) stopToxiproxy(ctx context.Context) error {
	r.toxiMu.Lock()
	defer r.toxiMu.Unlock()
	r.mu.Lock()
	t := r.toxi
	r.toxi = nil
	r.mu.Unlock()
	if t == nil {
		return nil
	}
	grace := toxiproxyStopGrace
	how := "stopped"
	if err := t.c.c.Stop(ctx, &grace); err != nil {
		how = "SIGKILL: " + err.Error()
	}
	return r.remove(ctx, nil, t.c, how, nil)
}

// LinkAddr maps the address a proxy listens on inside the toxiproxy
// container (such as 0.0.0.0:21001, or [::]:21001) to the address services
// dial on the drill network: toxiproxy:21001. An address without a port is
// returned unchanged.
func (r *Runtime) LinkAddr(listen string) string {
	_, port, err := net.SplitHostPort(listen)
	if err != nil || port == "" {
		return listen
	}
	return net.JoinHostPort(ToxiproxyAlias, port)
}
