package scenarios_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/faultdrill/faultdrill/scenarios"
	"github.com/faultdrill/faultdrill/scenarios/examples"
)

// FuzzParse checks that Parse never panics, and that whatever it returns
// is either a scenario or Problems with positions and messages. Its seed
// corpus (the examples, the valid bases and every bad case) runs under
// plain go test; fuzz with:
//
//	go test ./scenarios -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	names, err := examples.Names()
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		src, err := fs.ReadFile(examples.FS(), name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(base))
	f.Add([]byte(twoTier))
	f.Add([]byte(sparse))
	for _, c := range badCases() {
		f.Add([]byte(c.src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := scenarios.Parse("fuzz.yaml", src)
		if err == nil {
			if s == nil {
				t.Fatal("no scenario and no error")
			}
			s.ApplyDefaults()
			if got := scenarios.StartOrder(s); len(got) != len(s.System.Services) {
				t.Fatalf("StartOrder lists %d of %d services", len(got), len(s.System.Services))
			}
			return
		}
		var problems scenarios.Problems
		if !errors.As(err, &problems) || !errors.Is(err, scenarios.ErrInvalid) {
			t.Fatalf("error is not Problems: %v", err)
		}
		if len(problems) == 0 {
			t.Fatal("empty Problems")
		}
		for _, p := range problems {
			if p.File != "fuzz.yaml" || p.Line < 1 || p.Col < 1 || p.Message == "" {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
