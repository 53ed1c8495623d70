package sut_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/sut"
)

var _ = Describe("Expand", func() {
	vars := map[string]string{"port": "8080", "addr": "127.0.0.1:8080", "link.api-to-store": "127.0.0.1:9", "empty": "", "x": "${port}"}

	DescribeTable("expands",
		func(in, want string) {
			Expect(sut.Expand(in, vars)).To(Equal(want))
		},
		Entry("no variables", "--flag=1", "--flag=1"),
		Entry("one variable", "--listen=${addr}", "--listen=127.0.0.1:8080"),
		Entry("several variables", "${port}:${port}", "8080:8080"),
		Entry("a dotted, dashed name", "${link.api-to-store}", "127.0.0.1:9"),
		Entry("an empty value", "[${empty}]", "[]"),
		Entry("$$ as a literal $", "cost $$5", "cost $5"),
		Entry("$$ before a variable", "$$${port}", "$8080"),
		Entry("$$$$ as two $", "$$$$", "$$"),
		Entry("a value containing $ is not expanded again", "${x}", "${port}"),
	)

	DescribeTable("fails",
		func(in string, sentinel error, mentions string) {
			_, err := sut.Expand(in, vars)
			Expect(err).To(MatchError(sentinel))
			var ee *sut.ExpandError
			Expect(errors.As(err, &ee)).To(BeTrue())
			Expect(err.Error()).To(ContainSubstring(mentions))
		},
		Entry("an unknown name, naming it", "--db=${dsn}", sut.ErrUnknownVar, "${dsn}"),
		Entry("a lone $", "cost $5", sut.ErrExpandSyntax, "$$ for a literal $"),
		Entry("a trailing $", "abc$", sut.ErrExpandSyntax, "offset 3"),
		Entry("$name without braces", "$port", sut.ErrExpandSyntax, "${name}"),
		Entry("an unterminated ${", "${port", sut.ErrExpandSyntax, "unterminated"),
		Entry("an empty name", "${}", sut.ErrExpandSyntax, "a name is"),
		Entry("a name with a space", "${a b}", sut.ErrExpandSyntax, "a name is"),
	)
})
