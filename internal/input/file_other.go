//go:build !unix

package input

import "os"

// nonBlock and openDir are zero where opening a file cannot wait for a
// writer.
const (
	nonBlock = 0
	openDir  = 0
)

func readPath(name, path string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpen(f, path, limit, nil)
}
