package sut

// ProcAlive reports whether pid is a live process (a zombie is not).
func ProcAlive(pid int) bool {
	st, err := readProcStat(pid)
	return err == nil && st.State != 'Z'
}

// StartTicksOf returns the start time of pid in clock ticks after boot.
func StartTicksOf(pid int) uint64 {
	st, err := readProcStat(pid)
	if err != nil {
		return 0
	}
	return st.StartTicks
}
