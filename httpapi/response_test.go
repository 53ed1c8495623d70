package httpapi_test

import (
	"encoding/base64"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/httpapi"
)

func rules(r httpapi.Response) *httpapi.Rules {
	GinkgoHelper()
	c, err := r.Compile()
	Expect(err).NotTo(HaveOccurred())
	return c
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func str(s string) *string { return &s }

var _ = Describe("response rules", func() {
	It("read the demo's conventions by default: 2xx acknowledges, 404 is absent, X-Value and X-Version", func() {
		r := rules(httpapi.Response{})
		Expect(r.NeedsBody()).To(BeFalse())
		Expect(r.ExplicitVersion()).To(BeFalse())
		Expect(r.Read(200, hdr("X-Value", "w-1", "X-Version", "v2"), nil)).To(Equal(httpapi.Answer{Ack: true, Value: "w-1", HasValue: true, Version: "v2"}))
		Expect(r.Read(404, hdr("X-Version", "v1"), nil)).To(Equal(httpapi.Answer{Absent: true, HasValue: true, Version: "v1"}))
		Expect(r.Read(500, hdr(), nil)).To(Equal(httpapi.Answer{}))
		Expect(r.Read(201, hdr(), nil)).To(Equal(httpapi.Answer{Ack: true}), "no value header: no value")
	})

	It("speak an etcd-style JSON API: a range answered 200 with no kvs is absent, the value is base64 in the body", func() {
		r := rules(httpapi.Response{
			Absent:  &httpapi.Match{JSONPath: "kvs", Empty: true},
			Value:   &httpapi.Field{JSONPath: "$.kvs[0].value", Decode: "base64"},
			Version: &httpapi.Field{JSONPath: "header.server_version"},
		})
		Expect(r.NeedsBody()).To(BeTrue())
		enc := base64.StdEncoding.EncodeToString([]byte("w-7"))
		Expect(r.Read(200, hdr(), []byte(`{"header":{"server_version":"3.6"},"kvs":[{"key":"azE=","value":"`+enc+`"}],"count":"1"}`))).
			To(Equal(httpapi.Answer{Ack: true, Value: "w-7", HasValue: true, Version: "3.6"}))
		Expect(r.Read(200, hdr(), []byte(`{"header":{"server_version":"3.6"},"count":"0"}`))).
			To(Equal(httpapi.Answer{Ack: true, Absent: true, HasValue: true, Version: "3.6"}), "no kvs at all: absent to a read, acknowledged to a write")
		Expect(r.Read(200, hdr(), []byte(`{"kvs":[]}`))).To(HaveField("Absent", true), "an empty kvs")
		Expect(r.Read(503, hdr(), []byte(`{"error":"no leader"}`))).To(Equal(httpapi.Answer{}),
			"an error's body says nothing about the item: not absent, not acknowledged")
	})

	It("compares a JSON value with equals, and takes the statuses it is given", func() {
		r := rules(httpapi.Response{Ack: []int{200, 204}, Absent: &httpapi.Match{JSONPath: "count", Equals: str("0")}})
		Expect(r.Read(200, hdr(), []byte(`{"count":0}`)).Absent).To(BeTrue())
		Expect(r.Read(200, hdr(), []byte(`{"count":2}`))).To(HaveField("Ack", true))
		Expect(r.Read(201, hdr(), []byte(`{"count":2}`))).To(HaveField("Ack", false), "201 is not in ack")
		both := rules(httpapi.Response{Absent: &httpapi.Match{Status: []int{200}, JSONPath: "found", Equals: str("false")}})
		Expect(both.Read(200, hdr(), []byte(`{"found":false}`)).Absent).To(BeTrue())
		Expect(both.Read(404, hdr(), []byte(`{"found":false}`)).Absent).To(BeFalse(), "status and path must both hold")
	})

	It("takes the whole body as the value, for an API that stores what it was sent", func() {
		r := rules(httpapi.Response{Value: &httpapi.Field{Body: true}, Version: &httpapi.Field{Header: "Server"}})
		Expect(r.NeedsBody()).To(BeTrue())
		Expect(r.Read(200, hdr("Server", "SeaweedFS 30GB 4.53"), []byte("w-000007-ab"))).
			To(Equal(httpapi.Answer{Ack: true, Value: "w-000007-ab", HasValue: true, Version: "SeaweedFS 30GB 4.53"}))
		Expect(r.Read(404, hdr(), []byte(""))).To(Equal(httpapi.Answer{Absent: true, HasValue: true}))
	})

	It("has no value when the body is not what the rule expects", func() {
		r := rules(httpapi.Response{Value: &httpapi.Field{JSONPath: "v", Decode: "base64"}})
		Expect(r.Read(200, hdr(), []byte(`not json`))).To(Equal(httpapi.Answer{Ack: true}))
		Expect(r.Read(200, hdr(), []byte(`{"v":"%%%"}`))).To(Equal(httpapi.Answer{Ack: true}), "not base64")
		Expect(r.Read(200, hdr(), []byte(`{"v":null}`))).To(Equal(httpapi.Answer{Ack: true}))
	})

	DescribeTable("refuse a rule that cannot be read, saying how to write it",
		func(r httpapi.Response, want string) {
			_, err := r.Compile()
			Expect(err).To(MatchError(httpapi.ErrBadResponseRule))
			Expect(err.Error()).To(ContainSubstring(want))
		},
		Entry("a status that is not one", httpapi.Response{Ack: []int{2000}}, "ack: 2000 is not an HTTP status"),
		Entry("a path with neither test", httpapi.Response{Absent: &httpapi.Match{JSONPath: "a"}}, "set exactly one of empty: true and equals"),
		Entry("a test with no path", httpapi.Response{Absent: &httpapi.Match{Empty: true}}, "empty and equals need a jsonPath"),
		Entry("an empty match", httpapi.Response{Absent: &httpapi.Match{}}, "give status, or a jsonPath"),
		Entry("a field with both sources", httpapi.Response{Value: &httpapi.Field{Header: "A", JSONPath: "a"}}, "value: set exactly one of header, jsonPath and body: true"),
		Entry("a bad path", httpapi.Response{Version: &httpapi.Field{JSONPath: "a..b"}}, "invalid JSON path"),
		Entry("an unknown decoding", httpapi.Response{Value: &httpapi.Field{Header: "A", Decode: "hex"}}, `value.decode: "hex"; use base64 or base64url`),
	)
})
