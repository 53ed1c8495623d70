// Command svc is a small HTTP service used by the sut tests as a real
// system under test. It answers /healthz and /version, prints to stdout and
// stderr, appends its version to a file in its data dir, and can crash,
// stay unhealthy or ignore SIGTERM on demand.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to listen on")
	version := flag.String("version", "dev", "version to report")
	exitAfter := flag.Duration("exit-after", -1, "exit with status 3 after this long (negative: never)")
	ignoreTerm := flag.Bool("ignore-sigterm", false, "ignore SIGTERM")
	unhealthy := flag.Bool("unhealthy", false, "answer 503 on /healthz")
	data := flag.String("data", "", "data dir: the version is appended to DATA/versions")
	also := flag.String("listen-also", "", "a second address to serve on (a cluster member's peer port)")
	peer := flag.String("peer", "", "an address /peer reports (a peer this member was told of)")
	needs := flag.String("needs", "", "comma-separated addresses: /healthz is 503 until each answers /version (a quorum member)")
	flag.Parse()

	fmt.Printf("svc %s: stdout hello\n", *version)
	fmt.Fprintf(os.Stderr, "svc %s: stderr hello\n", *version)
	if *data != "" {
		if err := appendLine(filepath.Join(*data, "versions"), *version); err != nil {
			fmt.Fprintf(os.Stderr, "svc %s: %v\n", *version, err)
			os.Exit(2)
		}
	}
	if *exitAfter >= 0 {
		time.AfterFunc(*exitAfter, func() {
			fmt.Fprintf(os.Stderr, "svc %s: simulated crash\n", *version)
			os.Exit(3)
		})
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		if *unhealthy {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		for _, addr := range strings.Split(*needs, ",") {
			if addr != "" && !answers(addr) {
				http.Error(w, "no quorum: "+addr+" does not answer", http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/version", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, *version)
	})
	mux.HandleFunc("/peer", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, *peer)
	})
	if *also != "" {
		ln2, err := net.Listen("tcp", *also)
		if err != nil {
			fmt.Fprintf(os.Stderr, "svc %s: %v\n", *version, err)
			os.Exit(2)
		}
		go func() { _ = http.Serve(ln2, mux) }()
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "svc %s: %v\n", *version, err)
		os.Exit(2)
	}
	fmt.Printf("svc %s: listening on %s\n", *version, ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	sigs := []os.Signal{syscall.SIGTERM, os.Interrupt}
	if *ignoreTerm {
		// Notify would re-enable a signal that Ignore turned off.
		signal.Ignore(syscall.SIGTERM)
		sigs = sigs[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), sigs...)
	defer stop()
	go func() {
		<-ctx.Done()
		fmt.Printf("svc %s: shutting down\n", *version)
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "svc %s: %v\n", *version, err)
		os.Exit(2)
	}
	fmt.Printf("svc %s: bye\n", *version)
}

// answers reports whether GET http://addr/version succeeds.
func answers(addr string) bool {
	c := http.Client{Timeout: 500 * time.Millisecond}
	resp, err := c.Get("http://" + addr + "/version")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
