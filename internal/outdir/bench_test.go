package outdir

import (
	"fmt"
	"path/filepath"
	"testing"
)

// archive is what eastern render --all writes for n templates in three
// namespaces: a directory per template and namespace, one file each.
func archive(n int) map[string][]byte {
	files := map[string][]byte{}
	for _, ns := range []string{"default", "staging", "production"} {
		for i := range n {
			files[fmt.Sprintf("%s/apps/app-%04d/app.yaml", ns, i)] = fmt.Appendf(nil, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-%04d\n  namespace: %s\n", i, ns)
		}
	}
	return files
}

// BenchmarkSyncNew writes the archive of 1,000 templates into an empty
// directory; BenchmarkSyncUnchanged syncs it again, unchanged.
func BenchmarkSyncNew(b *testing.B) {
	files := archive(1000)
	for i := 0; b.Loop(); i++ {
		if _, err := Sync(filepath.Join(b.TempDir(), fmt.Sprint(i)), files, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSyncUnchanged(b *testing.B) {
	files := archive(1000)
	dir := b.TempDir()
	if _, err := Sync(dir, files, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		res, err := Sync(dir, files, nil)
		if err != nil || res.Unchanged != len(files) {
			b.Fatalf("%+v, %v", res, err)
		}
	}
}
