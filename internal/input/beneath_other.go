//go:build !linux

package input

import "io/fs"

// beneathDir is Linux's openat2 path; elsewhere Dir uses os.Root alone.
type beneathDir struct{}

func openBeneath(string) *beneathDir { return nil }

func (*beneathDir) close() {}

func (*beneathDir) readFile(string, int64, []byte) ([]byte, bool, error) { return nil, false, nil }

func (*beneathDir) readDir(string) ([]fs.DirEntry, bool, error) { return nil, false, nil }
