package httpapi_test

import (
	"encoding/base64"
	"io"
	"net/http"
	"sync"

	"github.com/goccy/go-yaml"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/httpapi"
)

func compile(r httpapi.Request) *httpapi.Template {
	GinkgoHelper()
	t, err := httpapi.Compile(r)
	Expect(err).NotTo(HaveOccurred())
	return t
}

var _ = Describe("a request template", func() {
	v := httpapi.Values{ID: "w-000042-9f3a", Key: "k/7 ü", Value: `say "hi"`}

	DescribeTable("fills its placeholders, through their functions",
		func(text, want string) {
			Expect(compile(httpapi.Request{Path: "/", Body: text}).Body(v)).To(Equal([]byte(want)))
		},
		Entry("the id", "{id}", "w-000042-9f3a"),
		Entry("the key and the value", "{key}={value}", `k/7 ü=say "hi"`),
		Entry("base64", "{key|base64}", base64.StdEncoding.EncodeToString([]byte("k/7 ü"))),
		Entry("URL-safe base64, no padding", "{key|base64url}", base64.RawURLEncoding.EncodeToString([]byte("k/7 ü"))),
		Entry("a JSON string literal, quotes included", `{"v":{value|json}}`, `{"v":"say \"hi\""}`),
		Entry("functions chained left to right", "{key|base64|json}", `"`+base64.StdEncoding.EncodeToString([]byte("k/7 ü"))+`"`),
		Entry("query escaping", "q={key|query}", "q=k%2F7+%C3%BC"),
		Entry("path escaping", "/kv/{key|path}", "/kv/k%2F7%20%C3%BC"),
		Entry("JSON braces as they are", `{"key": "{key|base64}", "n": {"a": 1}}`,
			`{"key": "`+base64.StdEncoding.EncodeToString([]byte("k/7 ü"))+`", "n": {"a": 1}}`),
		Entry("a lone brace", "{ {", "{ {"),
	)

	It("fills the time placeholders with the current time", func() {
		body := string(compile(httpapi.Request{Path: "/", Body: "{now} {unixms}"}).Body(v))
		Expect(body).To(MatchRegexp(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \d{13}$`))
	})

	DescribeTable("refuses what it cannot fill, naming it",
		func(r httpapi.Request, want string) {
			_, err := httpapi.Compile(r)
			Expect(err).To(MatchError(httpapi.ErrBadTemplate))
			Expect(err.Error()).To(ContainSubstring(want))
		},
		Entry("an unknown placeholder", httpapi.Request{Path: "/x/{ident}"}, "path: unknown placeholder {ident}; use one of {id}, {key}, {value}, {now}, {unixms}"),
		Entry("an unknown function", httpapi.Request{Path: "/", Body: "{key|hex}"}, `body: {key…}: unknown function "hex"; use one of base64, base64url, json, path, query`),
		Entry("in a header", httpapi.Request{Path: "/", Headers: map[string]string{"X-A": "{nope}"}}, "header X-A: unknown placeholder {nope}"),
	)

	It("builds a request with its method, path, headers and body, and says which placeholders it uses", func(ctx SpecContext) {
		t := compile(httpapi.Request{Method: "post", Path: "/v3/kv/range?k={key|query}",
			Headers: map[string]string{"content-type": "application/json", "X-Id": "{id}"}, Body: `{"key":"{key|base64}"}`})
		Expect(t.Method()).To(Equal("POST"))
		Expect(t.Uses("key")).To(BeTrue())
		Expect(t.Uses("value")).To(BeFalse())
		req, err := t.NewRequest(ctx, "http://127.0.0.1:1/", v)
		Expect(err).NotTo(HaveOccurred())
		Expect(req.URL.String()).To(Equal("http://127.0.0.1:1/v3/kv/range?k=k%2F7+%C3%BC"))
		Expect(req.Header.Get("Content-Type")).To(Equal("application/json"))
		Expect(req.Header.Get("X-Id")).To(Equal(v.ID))
		body, _ := io.ReadAll(req.Body)
		Expect(string(body)).To(Equal(`{"key":"` + base64.StdEncoding.EncodeToString([]byte(v.Key)) + `"}`))
		Expect(compile(httpapi.Request{Path: "/"}).Method()).To(Equal(http.MethodGet), "GET by default")
	})

	It("is safe to fill from many goroutines at once", func() {
		t := compile(httpapi.Request{Path: "/kv/{key}", Body: "{id}:{value|base64}"})
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				defer GinkgoRecover()
				for j := range 200 {
					id := string(rune('a'+i)) + string(rune('a'+j%26))
					Expect(string(t.Body(httpapi.Values{ID: id, Value: id}))).To(Equal(id + ":" + base64.StdEncoding.EncodeToString([]byte(id))))
				}
			})
		}
		wg.Wait()
	})

	It("reads from a scenario as one line or as a mapping, strictly", func() {
		var s struct {
			Short httpapi.Request `yaml:"short"`
			Long  httpapi.Request `yaml:"long"`
		}
		src := "short: get /items/{id}\nlong: {method: POST, path: /r, body: '{\"k\":\"{key}\"}', headers: {A: b}}\n"
		Expect(yaml.UnmarshalWithOptions([]byte(src), &s, yaml.DisallowUnknownField(), yaml.Strict())).To(Succeed())
		Expect(s.Short).To(Equal(httpapi.Request{Method: "GET", Path: "/items/{id}"}))
		Expect(s.Long).To(Equal(httpapi.Request{Method: "POST", Path: "/r", Body: `{"k":"{key}"}`, Headers: map[string]string{"A": "b"}}))
		Expect(yaml.UnmarshalWithOptions([]byte("short: /items\n"), &s, yaml.Strict())).To(MatchError(ContainSubstring(`write "METHOD /path"`)))
		Expect(yaml.UnmarshalWithOptions([]byte("long: {path: /a, bogus: 1}\n"), &s, yaml.DisallowUnknownField())).To(MatchError(ContainSubstring(`unknown field "bogus"`)))
	})
})
