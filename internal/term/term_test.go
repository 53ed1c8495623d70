package term_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/internal/term"
)

var _ = Describe("Escape", func() {
	DescribeTable("writes out what a terminal would act on",
		func(in, want string) { Expect(term.Escape(in)).To(Equal(want)) },
		Entry("plain text is kept", "ledger-bad-release v2", "ledger-bad-release v2"),
		Entry("non-ASCII letters are kept", "grüße, 東京", "grüße, 東京"),
		Entry("ESC (a colour, a title change)", "a\x1b[31mred\x1b]0;t\a", `a\x1b[31mred\x1b]0;t\x07`),
		Entry("NUL and DEL", "a\x00b\x7f", `a\x00b\x7f`),
		Entry("newline and carriage return", "a\nb\rc", `a\x0ab\x0dc`),
		Entry("the right-to-left override", "evil\u202etxt.exe", `evil\u202etxt.exe`),
		Entry("a zero-width space", "a\u200bb", `a\u200bb`),
		Entry("a C1 control (CSI)", "a\u009bb", `a\u009bb`),
		Entry("bytes that are not UTF-8", "a\xffb", `a\xffb`),
	)
	It("keeps newlines and tabs in EscapeText, and escapes the rest", func() {
		Expect(term.EscapeText("line 1\n\tline\x1b[2J 2\n")).To(Equal("line 1\n\tline\\x1b[2J 2\n"))
	})
})
