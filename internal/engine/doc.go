// Package engine wires vigil's stages for a hunt: it reads the input files
// in parallel into canonical events and named tables (read.go), keeping every
// problem it meets with its position, and, from the rule issues on, runs the
// rules over them.
package engine
