package reports_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
)

var _ = Describe("ReadJournal", func() {
	write := func(text string) string {
		path := filepath.Join(GinkgoT().TempDir(), reports.JournalFileName)
		Expect(os.WriteFile(path, []byte(text), 0o644)).To(Succeed())
		return path
	}

	It("reads every line with its offset, kind, message and fields", func() {
		path := write(`{"t":598925,"kind":"drill.start","msg":"ledger (seed 1)","fields":{"digest":"ab"}}` + "\n" +
			`{"t":7101060981,"kind":"trigger.fired","msg":"held"}` + "\n")
		entries, err := reports.ReadJournal(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(Equal([]reports.JournalEntry{
			{T: 598925, Kind: "drill.start", Msg: "ledger (seed 1)", Fields: map[string]any{"digest": "ab"}},
			{T: 7101060981 * time.Nanosecond, Kind: "trigger.fired", Msg: "held"},
		}))
	})

	It("keeps going past a damaged line, and says which line it was", func() {
		path := write(`{"t":1,"kind":"a","msg":"one"}` + "\n\n" + `{"t":2,"kind":` + "\n" + `{"t":3,"kind":"c","msg":"three"}`)
		entries, err := reports.ReadJournal(path)
		Expect(err).NotTo(HaveOccurred())
		Expect(entries).To(HaveLen(3))
		Expect(entries[1].Kind).To(Equal(reports.KindUnreadable))
		Expect(entries[1].Msg).To(ContainSubstring("line 3"))
		Expect(entries[1].T).To(Equal(time.Duration(1)), "at the offset of the entry before it")
		Expect(entries[2].Msg).To(Equal("three"), "a last line without a newline is read")
	})

	It("reads a long line", func() {
		long := strings.Repeat("x", 1<<20)
		entries, err := reports.ReadJournal(write(`{"t":1,"kind":"sut.log","msg":"` + long + `"}` + "\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(entries[0].Msg).To(HaveLen(1 << 20))
	})

	It("wraps the error of a missing journal", func() {
		_, err := reports.ReadJournal(filepath.Join(GinkgoT().TempDir(), "nope.jsonl"))
		Expect(errors.Is(err, fs.ErrNotExist)).To(BeTrue(), "got %v", err)
	})
})
