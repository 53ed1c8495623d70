package sut

import (
	"os/exec"
	"runtime"
	"sync"
)

// spawner starts processes from one goroutine locked to its OS thread for
// the life of the runtime.
//
// Children are started with Pdeathsig=SIGKILL, and Linux sends that signal
// when the *thread* that forked the child exits, not the process. The Go
// runtime ends a thread when a goroutine locked to it returns, so a child
// forked from an ordinary goroutine's thread could be killed at a random
// moment if that thread is later taken by some locked goroutine that exits.
// Forking from a thread that is locked by us and never unlocked rules this
// out: the thread lives until the spawner quits (after Close has stopped
// every service) or the harness dies, which is exactly when children should
// die too.
type spawner struct {
	startOnce sync.Once
	quitOnce  sync.Once
	reqs      chan spawnReq
	quitCh    chan struct{}
}

type spawnReq struct {
	cmd   *exec.Cmd
	reply chan error
}

func newSpawner() *spawner {
	return &spawner{reqs: make(chan spawnReq), quitCh: make(chan struct{})}
}

// start runs cmd.Start on the spawner's thread. It returns ErrClosed once the
// spawner has quit.
func (s *spawner) start(cmd *exec.Cmd) error {
	s.startOnce.Do(func() { go s.loop() })
	reply := make(chan error, 1)
	select {
	case s.reqs <- spawnReq{cmd: cmd, reply: reply}:
		return <-reply
	case <-s.quitCh:
		return ErrClosed
	}
}

// quit ends the spawner's goroutine and with it its thread.
func (s *spawner) quit() {
	s.quitOnce.Do(func() { close(s.quitCh) })
}

func (s *spawner) loop() {
	// Never unlocked on purpose: returning while locked ends the thread.
	runtime.LockOSThread()
	for {
		select {
		case r := <-s.reqs:
			r.reply <- r.cmd.Start()
		case <-s.quitCh:
			return
		}
	}
}
