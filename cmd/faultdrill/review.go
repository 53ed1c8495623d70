package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/faultdrill/faultdrill/gameday"
	"github.com/faultdrill/faultdrill/history"
	"github.com/faultdrill/faultdrill/internal/term"
)

// reviewItems are a game day's action items as the history keeps them.
func reviewItems(rep *gameday.Report) []history.Item {
	var out []history.Item
	for _, it := range rep.Items() {
		out = append(out, history.Item{Review: filepath.Base(rep.Dir), ID: it.ID, DrillID: it.DrillID, What: it.What, Owner: it.Owner, Opened: rep.Started})
	}
	return out
}

// recordItems records a game day's action items in the history; a
// problem is a warning, review.md stays the record.
func recordItems(ctx context.Context, e env, target string, rep *gameday.Report) {
	items := reviewItems(rep)
	if target == historyOff || len(items) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	s, err := history.Open(ctx, target)
	if err == nil {
		err = s.RecordItems(ctx, items)
		s.Close()
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill gameday: warning: the action items were not recorded in the history: %s; review.md stays the record\n", term.EscapeText(err.Error()))
	}
}

func review(ctx context.Context, args []string, e env) int {
	flags := newFlags("review", "DIR [--close ITEM --note TEXT]", "Show the action items of a game day's review (DIR is its folder), or close one: --close\n"+
		"ticks it in review.md with the date and the note, and records the follow-up in the history,\n"+
		"where 'faultdrill history --items' lists the open items per owner.",
		`faultdrill review gamedays/example-20261206-101500 --close D2-1 --note "TTL fixed in v2.1"`, e.stderr)
	target := flags.String("history", "", historyFlagUsage)
	closeID := flags.String("close", "", "the action item to close, such as D2-1")
	note := flags.String("note", "", "what was done about it (required with --close)")
	dirs, err := parse(flags, args)
	if err != nil {
		return flagExit(err)
	}
	if len(dirs) != 1 {
		fmt.Fprintln(e.stderr, "faultdrill review: give exactly one game-day folder, e.g. faultdrill review gamedays/example-20261206-101500")
		return exitInvalid
	}
	rep, err := gameday.ReadReport(dirs[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "faultdrill review: %s; give a game-day folder (it holds gameday.json)\n", term.EscapeText(err.Error()))
		return exitInvalid
	}
	rep.Dir = dirs[0]
	items := rep.Items()
	if *closeID == "" {
		for _, it := range items {
			fmt.Fprintf(e.stdout, "%s  %-16s %s\n", it.ID, term.Escape(it.Owner), term.EscapeText(it.What))
		}
		fmt.Fprintf(e.stdout, "%d action item(s) in %s\n", len(items), filepath.Join(dirs[0], gameday.ReviewFile))
		return exitPassed
	}
	if *note == "" {
		fmt.Fprintln(e.stderr, `faultdrill review: --close needs --note "what was done", recorded with the item`)
		return exitInvalid
	}
	if !slices.ContainsFunc(items, func(it gameday.Item) bool { return it.ID == *closeID }) {
		var ids []string
		for _, it := range items {
			ids = append(ids, it.ID)
		}
		fmt.Fprintf(e.stderr, "faultdrill review: --close=%s: no such action item in %s; its items are %v\n", term.Escape(*closeID), dirs[0], ids)
		return exitInvalid
	}
	now := time.Now()
	if t := historyTarget(*target); t != historyOff {
		s, err := history.Open(ctx, t)
		if err == nil {
			defer s.Close()
			// Items of a game day run with no history are recorded now.
			err = s.RecordItems(ctx, reviewItems(rep))
		}
		if err == nil {
			err = s.CloseItem(ctx, filepath.Base(rep.Dir), *closeID, *note, now)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "faultdrill review: %s\n", term.EscapeText(err.Error()))
			return exitError
		}
	}
	if err := gameday.CloseInReview(dirs[0], *closeID, *note, now); err != nil {
		fmt.Fprintf(e.stderr, "faultdrill review: %s\n", term.EscapeText(err.Error()))
		return exitError
	}
	fmt.Fprintf(e.stdout, "closed %s: %s\n", term.Escape(*closeID), term.EscapeText(*note))
	return exitPassed
}
