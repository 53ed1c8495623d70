package drill_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/drill"
	"github.com/faultdrill/faultdrill/load"
)

var _ = Describe("live progress", func() {
	It("prints journal entries added at once from many goroutines in the journal's order", func() {
		var out syncBuffer
		p := drill.NewProgress(&out, false)
		j, err := drill.OpenJournal(filepath.Join(GinkgoT().TempDir(), "journal.jsonl"), time.Now(), p.Event)
		Expect(err).NotTo(HaveOccurred())
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 50 {
					j.Add("test.event", fmt.Sprintf("g%d-%d", g, i), nil)
				}
			})
		}
		wg.Wait()
		Expect(j.Close()).To(Succeed())
		var printed []string
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			fields := strings.Fields(line)
			printed = append(printed, fields[len(fields)-1])
		}
		var journalled []string
		for _, e := range j.Entries() {
			journalled = append(journalled, e.Msg)
		}
		Expect(printed).To(HaveLen(400))
		Expect(printed).To(Equal(journalled), "the progress shows what the journal holds, in its order")
	})

	It("keeps the status line off a terminal while a question is asked on it, and shows it again after", func() {
		var out syncBuffer
		p := drill.NewProgress(&out, true)
		w := load.Window{Start: time.Second, Count: 100}
		p.Window(w, 2*time.Second, 10*time.Second, "load", nil)
		Expect(out.String()).To(ContainSubstring("load 2s/10s"))
		p.Pause()
		before := len(out.String())
		p.Window(w, 3*time.Second, 10*time.Second, "load", nil)
		Expect(out.String()[before:]).To(BeEmpty(), "nothing written over the prompt")
		p.Resume()
		Expect(out.String()[before:]).To(ContainSubstring("load 3s/10s"), "the latest status, once the answer is in")
	})
})
