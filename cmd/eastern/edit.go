//go:build cluster

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/eastern-k8s/eastern/internal/input"
)

// editManifest opens manifest in the user's editor, as kubectl edit does
// (KUBE_EDITOR, then EDITOR, then vi), and returns what was saved. An empty
// file, or one the editor did not save, aborts: closing the editor without
// saving is how people say no.
func (a *app) editManifest(manifest []byte) ([]byte, error) {
	editor := a.getenv("KUBE_EDITOR")
	if editor == "" {
		editor = a.getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	f, err := os.CreateTemp("", "eastern-deploy-*.yaml")
	if err != nil {
		return nil, fmt.Errorf("--edit: %w", err)
	}
	path := f.Name()
	defer os.Remove(path)
	_, err = f.Write(manifest)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("--edit: %w", err)
	}
	before, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--edit: %w", err)
	}
	// Through sh, so that EDITOR="code --wait" works as it does for git.
	cmd := exec.Command("/bin/sh", "-c", editor+` "$1"`, "sh", path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("--edit: the editor (%s) failed: %w; nothing was applied", editor, err)
	}
	after, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--edit: %w", err)
	}
	edited, err := input.ReadFile("", path, int64(len(manifest))+input.ConfigLimit+256<<20)
	if err != nil {
		return nil, fmt.Errorf("--edit: %w", err)
	}
	switch {
	case len(bytes.TrimSpace(edited)) == 0:
		return nil, errors.New("--edit: the manifest was emptied; nothing was applied")
	case after.ModTime().Equal(before.ModTime()) && bytes.Equal(edited, manifest):
		return nil, errors.New("--edit: the manifest was not saved; nothing was applied")
	}
	return edited, nil
}
