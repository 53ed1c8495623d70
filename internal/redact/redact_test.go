package redact_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/faultdrill/faultdrill/internal/redact"
)

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"api_token": true, "DB_PASSWORD": true, "clientSecret": true, "apiKey": true, "KEY": true,
		"rate": false, "keys_total": true, "user": false, "": false,
	} {
		if got := redact.SecretName(name); got != want {
			t.Errorf("SecretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	r := redact.New([]string{"dsn"}, map[string]string{
		"api_token": "default", "dsn": "postgres://u:pw@h/db", "rate": "50", "empty_key": "",
		"quoted_secret": `a"b`,
	}, map[string]string{"api_token": "s3cr3t"})
	for in, want := range map[string]string{
		"Bearer s3cr3t":                    "Bearer ***",
		"s3cr3t and s3cr3t":                "*** and ***",
		"open postgres://u:pw@h/db now":    "open *** now",
		"rate 50 stays":                    "rate 50 stays",
		`{"h":"a\"b"}`:                     `{"h":"***"}`,
		"nothing secret, empty values too": "nothing secret, empty values too",
		"the file's own value: default":    "the file's own value: ***",
	} {
		if got := r.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	var nilR *redact.Redactor
	if got := nilR.Redact("s3cr3t"); got != "s3cr3t" {
		t.Errorf("a nil Redactor changed %q", got)
	}
}

func TestCopyAndWriter(t *testing.T) {
	r := redact.New(nil, map[string]string{"token": "tok-1", "pin_key": "42"})
	type doc struct {
		Count int
		Name  string
		Notes []string
		Data  map[string]any
	}
	in := &doc{Count: 421, Name: "x tok-1", Notes: []string{"tok-1"}, Data: map[string]any{"h": "Bearer tok-1"}}
	out, err := redact.Copy(r, in)
	if err != nil {
		t.Fatal(err)
	}
	if out.Count != 421 || out.Name != "x ***" || out.Notes[0] != "***" || out.Data["h"] != "Bearer ***" {
		t.Errorf("Copy = %+v", out)
	}
	if in.Name != "x tok-1" {
		t.Errorf("Copy changed its input: %+v", in)
	}
	var buf bytes.Buffer
	fmt.Fprintf(r.Writer(&buf), "header Authorization: Bearer %s\n", "tok-1")
	if got := buf.String(); got != "header Authorization: Bearer ***\n" {
		t.Errorf("Writer wrote %q", got)
	}
}
