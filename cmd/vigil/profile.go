package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

// startProfiles starts a CPU profile into cpuFile and arranges a heap profile
// into memFile; the returned function stops and writes them (once; later
// calls do nothing), so the caller can take the heap profile while the
// hunt's data is still alive. Empty names turn a profile off.
func startProfiles(cpuFile, memFile string) (stop func(), err error) {
	var cpu *os.File
	if cpuFile != "" {
		if cpu, err = os.Create(cpuFile); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
	}
	var once sync.Once
	return func() { once.Do(func() { stopAll(cpu, memFile) }) }, nil
}

func stopAll(cpu *os.File, memFile string) {
	{
		if cpu != nil {
			pprof.StopCPUProfile()
			cpu.Close()
		}
		if memFile != "" {
			f, err := os.Create(memFile)
			if err != nil {
				fmt.Fprintf(os.Stderr, "vigil: warning: heap profile: %v\n", err)
				return
			}
			defer f.Close()
			runtime.GC()
			if err := pprof.WriteHeapProfile(f); err != nil {
				fmt.Fprintf(os.Stderr, "vigil: warning: heap profile: %v\n", err)
			}
		}
	}
}
