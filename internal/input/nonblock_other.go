//go:build !unix

package input

// nonBlock and openDir are zero where opening a file cannot wait for a
// writer.
const (
	nonBlock = 0
	openDir  = 0
)
