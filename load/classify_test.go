package load_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/load"
)

var _ = Describe("Classify", func() {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	read := func(err error) error { return &net.OpError{Op: "read", Net: "tcp", Err: err} }

	DescribeTable("outcome and class",
		func(code uint16, err error, timedOut bool, outcome load.Outcome, class string) {
			gotOutcome, gotClass := load.Classify(code, err, timedOut)
			Expect(gotOutcome).To(Equal(outcome))
			Expect(gotClass).To(Equal(class))
		},
		Entry("200", uint16(200), nil, false, load.Acknowledged, ""),
		Entry("204", uint16(204), nil, false, load.Acknowledged, ""),
		Entry("302 is an answer, not a success", uint16(302), nil, false, load.Failed, load.ClassHTTP),
		Entry("404", uint16(404), nil, false, load.Failed, load.ClassHTTP),
		Entry("503 even with an error alongside", uint16(503), io.EOF, true, load.Failed, load.ClassHTTP),
		Entry("connection refused", uint16(0), fmt.Errorf("post: %w", dial), false, load.Failed, load.ClassRefused),
		Entry("refused even when slow", uint16(0), dial, true, load.Failed, load.ClassRefused),
		Entry("name lookup failed", uint16(0), &net.DNSError{Err: "no such host", Name: "x"}, false, load.Failed, load.ClassRefused),
		Entry("client deadline", uint16(0), context.DeadlineExceeded, false, load.Indeterminate, load.ClassTimeout),
		Entry("socket deadline", uint16(0), read(os.ErrDeadlineExceeded), false, load.Indeterminate, load.ClassTimeout),
		Entry("timed out without an error value", uint16(0), errors.New("?"), true, load.Indeterminate, load.ClassTimeout),
		Entry("reset by peer", uint16(0), read(os.NewSyscallError("read", syscall.ECONNRESET)), false, load.Indeterminate, load.ClassReset),
		Entry("EOF before the answer", uint16(0), io.EOF, false, load.Indeterminate, load.ClassReset),
		Entry("truncated body", uint16(0), io.ErrUnexpectedEOF, false, load.Indeterminate, load.ClassReset),
		Entry("broken pipe while sending", uint16(0), read(syscall.EPIPE), false, load.Indeterminate, load.ClassReset),
		Entry("cancelled", uint16(0), context.Canceled, false, load.Indeterminate, load.ClassOther),
		Entry("no response and no error", uint16(0), nil, false, load.Indeterminate, load.ClassOther),
	)
})

var _ = Describe("Outcome", func() {
	It("reads back the names it writes", func() {
		for _, o := range []load.Outcome{load.Acknowledged, load.Failed, load.Indeterminate} {
			text, err := o.MarshalText()
			Expect(err).NotTo(HaveOccurred())
			var back load.Outcome
			Expect(back.UnmarshalText(text)).To(Succeed())
			Expect(back).To(Equal(o))
		}
		var o load.Outcome
		Expect(o.UnmarshalText([]byte("lost"))).NotTo(Succeed())
	})
})
