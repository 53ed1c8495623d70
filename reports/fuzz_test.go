package reports_test

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/faultdrill/faultdrill/internal/boundedread"
	"github.com/faultdrill/faultdrill/reports"
)

// FuzzDecode checks that reading a report.json never panics, whatever the
// file holds, and that a report it accepts can be summarised. Its seed
// corpus (testdata/fuzz/FuzzDecode plus the seeds below) runs under plain
// go test; fuzz with make fuzz, or:
//
//	go test ./reports -run '^$' -fuzz '^FuzzDecode$' -fuzztime 20s
func FuzzDecode(f *testing.F) {
	good, err := json.Marshal(realisticReport(3))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"schema":"` + reports.Schema + `"}`))
	f.Add([]byte(`{"schema":"` + reports.Schema + `","verify":[{"evidence":{"x":` + strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + `}}]}`))
	f.Add(good[:len(good)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := reports.Decode("report.json", b)
		if err != nil {
			if r != nil {
				t.Fatal("a report and an error")
			}
			if len(b) > reports.MaxReportSize && !errors.Is(err, boundedread.ErrTooLarge) {
				t.Fatalf("an oversized report is not refused as such: %v", err)
			}
			return
		}
		if err := reports.WriteSummary(io.Discard, r, "report.json"); err != nil {
			t.Fatalf("summary of an accepted report: %v", err)
		}
	})
}
