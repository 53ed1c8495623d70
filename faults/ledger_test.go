package faults_test

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/faults"
)

var _ = Describe("Unhealed", func() {
	entry := func(a faults.Action, api, name string) faults.LedgerEntry {
		return faults.LedgerEntry{Action: a, API: api, Fault: faults.Spec{Name: name}}
	}

	It("keeps injects with no later heal, in ledger order", func() {
		entries := []faults.LedgerEntry{
			entry(faults.ActionInject, "A", "x"),
			entry(faults.ActionInject, "A", "y"),
			entry(faults.ActionInject, "B", "x"),
			entry(faults.ActionHeal, "A", "x"),
			entry(faults.ActionInject, "A", "x"),
			entry(faults.ActionHeal, "B", "x"),
		}
		Expect(faults.Unhealed(entries)).To(Equal([]faults.LedgerEntry{entries[1], entries[4]}))
	})

	It("is empty when everything was healed, or for no entries", func() {
		Expect(faults.Unhealed([]faults.LedgerEntry{
			entry(faults.ActionInject, "A", "x"), entry(faults.ActionHeal, "A", "x"),
		})).To(BeEmpty())
		Expect(faults.Unhealed(nil)).To(BeEmpty())
	})
})

var _ = Describe("ReadLedger", func() {
	var path string
	BeforeEach(func() { path = filepath.Join(GinkgoT().TempDir(), "ledger.jsonl") })

	line := `{"time":"2026-01-02T03:04:05.123456789Z","action":"inject","fault":{"name":"down@db","kind":"down","link":"db"},"api":"http://127.0.0.1:1","proxy":"db"}`

	It("decodes every line", func() {
		Expect(os.WriteFile(path, []byte(line+"\n"+line+"\n"), 0o644)).To(Succeed())
		entries, err := faults.ReadLedger(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(2))
		Expect(entries[0].Time).To(Equal(time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)))
		Expect(entries[0].Fault.Kind).To(Equal(faults.Down))
		Expect(entries[0].Proxy).To(Equal("db"))
	})

	It("skips a last line cut short by a crash", func() {
		Expect(os.WriteFile(path, []byte(line+"\n"+line[:40]), 0o644)).To(Succeed())
		Expect(faults.ReadLedger(path)).To(HaveLen(1))
	})

	It("refuses a broken line in the middle, naming it", func() {
		Expect(os.WriteFile(path, []byte(line+"\n{oops\n"+line+"\n"), 0o644)).To(Succeed())
		_, err := faults.ReadLedger(path)
		Expect(err).To(MatchError(ContainSubstring("line 2")))
	})

	It("reports a missing file", func() {
		_, err := faults.ReadLedger(filepath.Join(path, "nope"))
		Expect(errors.Is(err, os.ErrNotExist)).To(BeTrue())
	})
})
