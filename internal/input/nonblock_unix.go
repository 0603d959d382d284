//go:build unix

package input

import "syscall"

// nonBlock makes opening a FIFO return at once instead of waiting for a
// writer; regular files ignore it.
const nonBlock = syscall.O_NONBLOCK

// openDir opens only a directory, and never waits: a directory swapped for
// a FIFO fails instead of blocking.
const openDir = syscall.O_DIRECTORY | syscall.O_NONBLOCK
