package faults_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
)

// exchange is one raw HTTP/1.1 request through a link, read to the end of
// the connection, with the timing of its parts.
type exchange struct {
	raw      []byte        // everything received
	reads    int           // how many reads returned data
	complete time.Duration // until the body was complete (Content-Length), or -1
	closed   time.Duration // until EOF or an error
	err      error         // the error that ended it, nil for a clean EOF
}

// body returns the bytes after the headers.
func (x exchange) body() []byte {
	_, b, _ := bytes.Cut(x.raw, []byte("\r\n\r\n"))
	return b
}

// rawGet sends GET path with Connection: close on a fresh connection to addr
// and reads until the connection ends, bounded by 10 s.
func rawGet(addr, path string, wantBody int) exchange {
	GinkgoHelper()
	conn, err := net.Dial("tcp", addr)
	Expect(err).NotTo(HaveOccurred())
	defer conn.Close()
	Expect(conn.SetDeadline(time.Now().Add(10 * time.Second))).To(Succeed())
	start := time.Now()
	_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: backend\r\nConnection: close\r\n\r\n", path)
	Expect(err).NotTo(HaveOccurred())
	x := exchange{complete: -1}
	buf := make([]byte, 64<<10)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			x.reads++
			x.raw = append(x.raw, buf[:n]...)
			if x.complete < 0 && len(x.body()) >= wantBody && bytes.Contains(x.raw, []byte("\r\n\r\n")) {
				x.complete = time.Since(start)
			}
		}
		if err != nil {
			x.closed = time.Since(start)
			if !errors.Is(err, io.EOF) {
				x.err = err
			}
			return x
		}
	}
}

var _ = Describe("Fault kinds measured through a real proxy", func() {
	var r *rig
	ctx := context.Background()
	BeforeEach(func() { r = newRig(faults.Options{}) })

	inject := func(s faults.Spec) faults.Spec {
		GinkgoHelper()
		applied, err := r.ctl.Inject(ctx, s)
		Expect(err).NotTo(HaveOccurred())
		return applied
	}

	It("bandwidth slows a 200 KB download to about the set rate", func() {
		const size, rate = 200_000, 400 // bytes, KB/s: 500ms at the set rate
		url := fmt.Sprintf("%sbytes?n=%d", r.url, size)
		body, base, err := fetch(client(10*time.Second), url)
		Expect(err).NotTo(HaveOccurred())
		Expect(body).To(HaveLen(size))

		s := inject(faults.Spec{Kind: faults.Bandwidth, Link: "api", Direction: faults.Downstream, Rate: rate})
		body, slow, err := fetch(client(10*time.Second), url)
		Expect(err).NotTo(HaveOccurred())
		Expect(body).To(Equal(pattern(size)))
		want := time.Duration(size/rate) * time.Millisecond
		Expect(slow).To(BeNumerically(">=", want*8/10), "at most 25%% above the set rate")
		Expect(slow).To(BeNumerically("<", 3*want), "not far below the set rate")
		Expect(slow - base).To(BeNumerically(">=", want/2))
		AddReportEntry("bandwidth", fmt.Sprintf("200 KB at %d KB/s: %v (direct through the proxy: %v)", rate, slow, base))

		Expect(r.ctl.Heal(ctx, s.Name)).To(Succeed())
		_, healed, err := fetch(client(10*time.Second), url)
		Expect(err).NotTo(HaveOccurred())
		Expect(healed).To(BeNumerically("<", want/2))
	})

	It("reset makes the caller see ECONNRESET at once", func() {
		s := inject(faults.Spec{Kind: faults.Reset, Link: "api"})
		Expect(s.Name).To(Equal("reset@api"))
		elapsed, err := get(client(5*time.Second), r.url)
		Expect(errors.Is(err, syscall.ECONNRESET)).To(BeTrue(), "%v", err)
		Expect(elapsed).To(BeNumerically("<", time.Second))

		Expect(r.ctl.Heal(ctx, s.Name)).To(Succeed())
		_, err = get(client(2*time.Second), r.url)
		Expect(err).NotTo(HaveOccurred())
	})

	It("reset with a timeout resets only after it, and the request never reaches the service", func() {
		before := r.hits.Load()
		inject(faults.Spec{Kind: faults.Reset, Link: "api", Direction: faults.Upstream, Timeout: 300 * time.Millisecond})
		elapsed, err := get(client(5*time.Second), r.url)
		Expect(errors.Is(err, syscall.ECONNRESET)).To(BeTrue(), "%v", err)
		Expect(elapsed).To(BeNumerically(">=", 250*time.Millisecond))
		Expect(r.hits.Load()).To(Equal(before))
	})

	It("limit_data cuts a response after exactly N bytes", func() {
		inject(faults.Spec{Kind: faults.LimitData, Link: "api", Direction: faults.Downstream, Bytes: 1000})
		x := rawGet(r.listen, "/bytes?n=200000", 200_000)
		Expect(x.raw).To(HaveLen(1000))
		Expect(x.complete).To(BeNumerically("<", 0), "the body never completes")
		Expect(x.raw).To(HavePrefix("HTTP/1.1 200 OK"))

		_, _, err := fetch(client(5*time.Second), r.url+"bytes?n=200000")
		Expect(err).To(MatchError(io.ErrUnexpectedEOF))
	})

	It("slicer fragments the data into many small reads and still delivers it intact", func() {
		const size = 40_000
		path := "/bytes?n=" + strconv.Itoa(size)
		base := rawGet(r.listen, path, size)
		Expect(base.body()).To(Equal(pattern(size)))

		inject(faults.Spec{Kind: faults.Slicer, Link: "api", Direction: faults.Downstream,
			AverageSize: 400, SizeVariation: 100, Delay: 2 * time.Millisecond})
		sliced := rawGet(r.listen, path, size)
		Expect(sliced.err).NotTo(HaveOccurred())
		Expect(sliced.body()).To(Equal(pattern(size)), "every byte, in order")
		Expect(sliced.reads).To(BeNumerically(">", 40), "about 100 slices of ~400 bytes")
		Expect(sliced.reads).To(BeNumerically(">", 2*base.reads))
		AddReportEntry("slicer", fmt.Sprintf("40 KB in %d reads (%d without the slicer)", sliced.reads, base.reads))
	})

	It("slow_close delays the close, not the data", func() {
		base := rawGet(r.listen, "/bytes?n=1000", 1000)
		Expect(base.err).NotTo(HaveOccurred())

		inject(faults.Spec{Kind: faults.SlowClose, Link: "api", Direction: faults.Downstream, Delay: 600 * time.Millisecond})
		x := rawGet(r.listen, "/bytes?n=1000", 1000)
		Expect(x.err).NotTo(HaveOccurred())
		Expect(x.body()).To(Equal(pattern(1000)))
		Expect(x.complete).To(BeNumerically(">=", 0))
		Expect(x.complete).To(BeNumerically("<", 400*time.Millisecond), "the data is not delayed")
		Expect(x.closed-x.complete).To(BeNumerically(">=", 550*time.Millisecond), "the close is")
		Expect(x.closed - base.closed).To(BeNumerically(">=", 500*time.Millisecond))
	})

	DescribeTable("a one-way blackhole blocks only its direction",
		func(d faults.Direction, reaches bool) {
			before := r.hits.Load()
			inject(faults.Spec{Kind: faults.Blackhole, Link: "api", Direction: d})
			// Keep-alive, as real callers do: with "Connection: close" the
			// service would close the connection after answering, and the
			// proxy would pass the close on.
			c := &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{}}
			elapsed, err := get(c, r.url)
			var netErr net.Error
			Expect(errors.As(err, &netErr) && netErr.Timeout()).To(BeTrue(), "the caller times out: %v", err)
			Expect(elapsed).To(BeNumerically(">=", 450*time.Millisecond))
			if reaches {
				Eventually(r.hits.Load).WithTimeout(2*time.Second).Should(Equal(before+1), "the request got through, the answer did not")
			} else {
				Consistently(r.hits.Load).WithTimeout(300*time.Millisecond).Should(Equal(before), "the request never arrived")
			}
		},
		Entry("upstream: requests are dropped", faults.Upstream, false),
		Entry("downstream: answers are dropped", faults.Downstream, true),
	)
})
