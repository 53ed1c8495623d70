package rollback_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/rollback"
)

var _ = Describe("TerminalApprover", func() {
	var (
		in, typed *os.File
		out       *bytes.Buffer
		approver  rollback.TerminalApprover
		req       rollback.Request
	)

	BeforeEach(func() {
		var err error
		in, typed, err = os.Pipe()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { in.Close(); typed.Close() })
		out = &bytes.Buffer{}
		approver = rollback.TerminalApprover{In: in, Out: out, By: "alice", Role: "operator", Clock: stepClock()}
		req = rollback.Request{
			Trigger: rollback.Firing{Trigger: "error_rate above 5%", FirstBreach: 5 * time.Second, At: 7 * time.Second,
				Detail: "error_rate 40% above 5% for 2 window(s)"},
			Role: "release owner",
			Plan: []rollback.ActionSpec{redeploy("api"), {Action: rollback.Command, Name: "purge cache", Command: []string{"sh", "-c", "true"}}},
		}
	})

	// answer types the lines into the pipe, as a person at the terminal.
	answer := func(lines string) {
		GinkgoHelper()
		_, err := typed.WriteString(lines)
		Expect(err).NotTo(HaveOccurred())
	}

	approve := func(ctx context.Context) (rollback.Approval, error) {
		return approver.Approve(ctx, req)
	}

	It("shows the request and records a yes with its rationale, who, the role and when", func() {
		answer("yes\nerrors at 40% after the v2 deploy\n")
		a, err := approve(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(a).To(Equal(rollback.Approval{
			Approved: true, By: "alice", Role: "release owner", Rationale: "errors at 40% after the v2 deploy",
			Requested: 0, Decided: time.Second,
		}))
		Expect(out.String()).To(ContainSubstring("approval needed from the release owner"))
		Expect(out.String()).To(ContainSubstring("error_rate above 5% (breached at t+5s, fired at t+7s)"))
		Expect(out.String()).To(ContainSubstring("error_rate 40% above 5%"))
		Expect(out.String()).To(ContainSubstring("step 1   redeploy-previous api"))
		Expect(out.String()).To(ContainSubstring("step 2   purge cache (command) sh -c true"))
		Expect(out.String()).To(ContainSubstring("[y/n]"))
		Expect(out.String()).To(ContainSubstring("Rationale"))
	})

	It("records a no with its rationale", func() {
		answer("n\nwe are mid-migration, rolling back would lose writes\n")
		a, err := approve(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Approved).To(BeFalse())
		Expect(a.Rationale).To(Equal("we are mid-migration, rolling back would lose writes"))
	})

	It("takes answers in any case and asks again after an unclear one", func() {
		answer("maybe\n  YES \nok\n")
		a, err := approve(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Approved).To(BeTrue())
		Expect(a.Rationale).To(Equal("ok"))
		Expect(out.String()).To(ContainSubstring(`Please answer y or n, not "maybe"`))
	})

	It("gives up, not approved, after three unclear answers", func() {
		answer("sure\nok\nfine\nyes\n")
		a, err := approve(context.Background())
		Expect(err).To(MatchError(rollback.ErrNoDecision))
		Expect(a.Approved).To(BeFalse())
	})

	It("uses its own role when the request names none", func() {
		req.Role = ""
		answer("y\n\n")
		a, err := approve(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Role).To(Equal("operator"))
		Expect(a.Rationale).To(BeEmpty())
	})

	It("is not approved, and says so, when the input closes before an answer", func() {
		typed.Close()
		a, err := approve(context.Background())
		Expect(err).To(MatchError(rollback.ErrNoDecision))
		Expect(errors.Is(err, io.EOF)).To(BeTrue())
		Expect(a.Approved).To(BeFalse())
		Expect(a.By).To(Equal("alice"))
		Expect(a.Rationale).To(ContainSubstring("no decision"))
	})

	It("keeps a decision whose rationale never comes", func() {
		answer("y")
		typed.Close()
		a, err := approve(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Approved).To(BeTrue())
		Expect(a.Rationale).To(BeEmpty())
	})

	It("is not approved when its context times out, and returns at once", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		a, err := approve(ctx)
		Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))
		Expect(err).To(MatchError(rollback.ErrNoDecision))
		Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue())
		Expect(a.Approved).To(BeFalse())
		Expect(a.Decided).To(Equal(time.Second), "the decision time is recorded")
		Expect(a.Rationale).To(ContainSubstring("deadline exceeded"))
	})

	It("falls back to the OS user when it is not told who answers", func() {
		approver.By = ""
		answer("y\nok\n")
		a, err := approve(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(a.By).NotTo(BeEmpty())
	})
})

var _ = Describe("AutoApprover", func() {
	It("approves at once and records that it was automatic", func() {
		a, err := rollback.AutoApprover{Reason: "--approve=auto", Clock: func() time.Duration { return 9 * time.Second }}.
			Approve(context.Background(), rollback.Request{Role: "on-call"})
		Expect(err).NotTo(HaveOccurred())
		Expect(a).To(Equal(rollback.Approval{Approved: true, By: "auto", Role: "on-call", Rationale: "--approve=auto",
			Auto: true, Requested: 9 * time.Second, Decided: 9 * time.Second}))
	})

	It("gives a default rationale", func() {
		a, err := rollback.AutoApprover{}.Approve(context.Background(), rollback.Request{})
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Rationale).To(ContainSubstring("automatically"))
	})
})

var _ = Describe("Ask", func() {
	It("bounds the approver by the spec's timeout and names the spec's role", func() {
		in, typed, err := os.Pipe()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { in.Close(); typed.Close() })
		start := time.Now()
		a, err := rollback.Ask(context.Background(), rollback.TerminalApprover{In: in, Out: io.Discard, By: "bob"},
			rollback.ApprovalSpec{Role: "db owner", Timeout: 100 * time.Millisecond}, rollback.Request{})
		Expect(time.Since(start)).To(BeNumerically("<", 2*time.Second))
		Expect(err).To(MatchError(rollback.ErrNoDecision))
		Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue())
		Expect(a.Role).To(Equal("db owner"))
		Expect(a.Approved).To(BeFalse())
	})

	It("passes a decision through", func() {
		a, err := rollback.Ask(context.Background(), rollback.AutoApprover{}, rollback.ApprovalSpec{Role: "sre"}, rollback.Request{})
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Approved).To(BeTrue())
		Expect(a.Role).To(Equal("sre"))
	})
})
