package httpapi_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/httpapi"
)

var _ = Describe("a JSON path", func() {
	doc := []byte(`{"a":{"b":[{"c":1.50},{"c":"x"}]},"t":true,"n":null,"o":{"k":[1,2]}}`)

	DescribeTable("selects a value as text",
		func(path, want string) {
			Expect(httpapi.SelectJSON(doc, path)).To(Equal(want))
		},
		Entry("a number as written", "$.a.b[0].c", "1.50"),
		Entry("a string as it is", "a.b[1].c", "x"),
		Entry("an array index written as a key", "a.b.1.c", "x"),
		Entry("true", "t", "true"),
		Entry("null", "$.n", "null"),
		Entry("an object as compact JSON", "o", `{"k":[1,2]}`),
		Entry("the whole document", "$", `{"a":{"b":[{"c":1.50},{"c":"x"}]},"n":null,"o":{"k":[1,2]},"t":true}`),
	)

	It("tells a missing value, a body that is not JSON and a path that does not parse apart", func() {
		_, err := httpapi.SelectJSON(doc, "a.b[5]")
		Expect(err).To(MatchError(httpapi.ErrNoValue))
		_, err = httpapi.SelectJSON([]byte("<html>"), "a")
		Expect(err).To(MatchError(httpapi.ErrNotJSON))
		for _, bad := range []string{"a..b", "a[", "a[x]", "a.", "a[1]x"} {
			_, err = httpapi.ParsePath(bad)
			Expect(err).To(MatchError(httpapi.ErrBadPath), bad)
		}
	})
})
