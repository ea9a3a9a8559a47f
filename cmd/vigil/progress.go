package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"vigil/internal/engine"
)

// progressMin is the input size from which hunt shows progress on a
// terminal: smaller inputs are read before a display would help.
const progressMin = 64 << 20

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// inputSize is the size on disk of the files, or -1 when one has no known
// size (standard input).
func inputSize(files []string) int64 {
	var n int64
	for _, f := range files {
		if f == "-" {
			return -1
		}
		st, err := os.Stat(f)
		if err != nil {
			return -1
		}
		n += st.Size()
	}
	return n
}

// startProgress redraws a progress line on w every interval until the
// returned function is called, which clears the line.
func startProgress(w io.Writer, total int64, p *engine.Progress) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprint(w, "\r\033[K"+renderProgress(p.Bytes(), total, p.Events(), time.Since(start)))
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// renderProgress is the progress line: bytes read of the total, a bar,
// sign-ins per second and the time left.
func renderProgress(read, total, events int64, elapsed time.Duration) string {
	rate := float64(events) / max(elapsed.Seconds(), 1e-3)
	if total <= 0 {
		return fmt.Sprintf("reading %s  %s sign-ins/s", byteSize(read), thousands(int64(rate)))
	}
	frac := min(float64(read)/float64(total), 1)
	const width = 24
	filled := int(frac * width)
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	eta := "-"
	if read > 0 && frac < 1 {
		left := time.Duration(float64(elapsed) * (1 - frac) / frac)
		eta = left.Round(time.Second).String()
	}
	return fmt.Sprintf("reading %s / %s %3.0f%% [%s] %s sign-ins/s  ETA %s",
		byteSize(read), byteSize(total), 100*frac, bar, thousands(int64(rate)), eta)
}

// thousands writes n with commas between thousands.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
