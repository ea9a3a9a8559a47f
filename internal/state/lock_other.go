//go:build !unix && !windows

package state

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

// lockFile does nothing where there is no file locking: one process at a
// time must use a directory, and nothing checks it.
func lockFile(*os.File) error { return nil }
