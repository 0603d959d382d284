package textdiff

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		context  int
		want     string
	}{
		{
			name: "equal", old: "a\nb\n", new: "a\nb\n", context: 3, want: "",
		},
		{
			name: "one change in the middle", context: 3,
			old: "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			new: "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			want: `--- old
+++ new
@@ -2,7 +2,7 @@
 2
 3
 4
-5
+five
 6
 7
 8
`,
		},
		{
			name: "changes six apart share a hunk", context: 3,
			old: "1\n2\n3\n4\n5\n6\n7\n",
			new: "one\n2\n3\n4\n5\n6\n7\n8\n",
			want: `--- old
+++ new
@@ -1,7 +1,8 @@
-1
+one
 2
 3
 4
 5
 6
 7
+8
`,
		},
		{
			name: "changes seven apart do not", context: 3,
			old: "1\n2\n3\n4\n5\n6\n7\n8\n",
			new: "one\n2\n3\n4\n5\n6\n7\n8\n9\n",
			want: `--- old
+++ new
@@ -1,4 +1,4 @@
-1
+one
 2
 3
 4
@@ -6,3 +6,4 @@
 6
 7
 8
+9
`,
		},
		{
			name: "changes farther apart get a hunk each", context: 1,
			old: "1\n2\n3\n4\n5\n6\n",
			new: "one\n2\n3\n4\n5\nsix\n",
			want: `--- old
+++ new
@@ -1,2 +1,2 @@
-1
+one
 2
@@ -5,2 +5,2 @@
 5
-6
+six
`,
		},
		{
			name: "all new", context: 3, old: "", new: "a\nb\n",
			want: `--- old
+++ new
@@ -0,0 +1,2 @@
+a
+b
`,
		},
		{
			name: "all gone", context: 3, old: "a\n", new: "",
			want: `--- old
+++ new
@@ -1 +0,0 @@
-a
`,
		},
		{
			name: "insertion after line 2 without context", context: 0,
			old: "a\nb\nc\n", new: "a\nb\nx\nc\n",
			want: `--- old
+++ new
@@ -2,0 +3 @@
+x
`,
		},
		{
			name: "no newline at the end", context: 1, old: "a\nb", new: "a\nb\n",
			want: `--- old
+++ new
@@ -1,2 +1,2 @@
 a
-b
\ No newline at end of file
+b
`,
		},
		{
			name: "control characters are escaped, tabs kept", context: 0,
			old: "a\n", new: "\x1b[2Jx\ty\r\n",
			want: "--- old\n+++ new\n@@ -1 +1 @@\n-a\n+\\x1b[2Jx\ty\\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			changed, err := Unified(&buf, "old", "new", tt.old, tt.new, Format{Context: tt.context})
			if err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if changed != (tt.want != "") {
				t.Errorf("changed = %v", changed)
			}
		})
	}
}

func TestUnifiedColor(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Unified(&buf, "old", "new", "a\nb\n", "a\nc\n", Format{Context: 3, Color: true}); err != nil {
		t.Fatal(err)
	}
	want := "\x1b[1m--- old\x1b[0m\n\x1b[1m+++ new\x1b[0m\n\x1b[36m@@ -1,2 +1,2 @@\x1b[0m\n a\n" +
		"\x1b[31m-b\x1b[0m\n\x1b[32m+c\x1b[0m\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	buf.Reset()
	Unified(&buf, "old", "new", "a\nb\n", "a\nc\n", Format{Context: 3})
	if strings.Contains(buf.String(), "\x1b") {
		t.Errorf("without Color: %q", buf.String())
	}
}

// TestUnifiedRoundTrip is the property that matters: patching the old
// text with the written diff, as patch(1) would, gives the new text, for
// any texts and context.
func TestUnifiedRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := range 5000 {
		old := randomText(r)
		new := randomText(r)
		if i%2 == 0 {
			new = strings.Join(mutate(r, SplitLines(old), 1+r.IntN(5)), "")
		}
		context := r.IntN(5)
		var buf bytes.Buffer
		changed, err := Unified(&buf, "old", "new", old, new, Format{Context: context})
		if err != nil {
			t.Fatal(err)
		}
		if changed != (old != new) {
			t.Fatalf("old %q, new %q: changed = %v", old, new, changed)
		}
		got, err := patch(old, buf.String())
		if err != nil {
			t.Fatalf("old %q, new %q, context %d: %v\n%s", old, new, context, err, buf.String())
		}
		if got != new {
			t.Fatalf("old %q, context %d: patched gives %q, want %q\n%s", old, context, got, new, buf.String())
		}
	}
}

// randomText is a few lines from a small alphabet, sometimes without the
// last newline.
func randomText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(30) {
		b.WriteString(strconv.Itoa(r.IntN(4)) + "\n")
	}
	s := b.String()
	if r.IntN(4) == 0 {
		s = strings.TrimSuffix(s, "\n")
	}
	return s
}

// patch applies a unified diff to old, checking every context and deleted
// line, the way patch(1) does without fuzz.
func patch(old, diff string) (string, error) {
	if diff == "" {
		return old, nil
	}
	a := SplitLines(old)
	lines := strings.Split(strings.TrimSuffix(diff, "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		return "", fmt.Errorf("no header")
	}
	var out []string
	next := 0 // the next line of a to copy
	for i := 2; i < len(lines); {
		var as, an, bs, bn int
		if _, err := fmt.Sscanf(normalizeHunk(lines[i]), "@@ -%d,%d +%d,%d @@", &as, &an, &bs, &bn); err != nil {
			return "", fmt.Errorf("line %d %q: %v", i+1, lines[i], err)
		}
		start, newStart := as-1, bs-1
		if an == 0 {
			start = as
		}
		if bn == 0 {
			newStart = bs
		}
		if start < next {
			return "", fmt.Errorf("hunk %q goes back", lines[i])
		}
		out = append(out, a[next:start]...)
		next = start
		if newStart != len(out) {
			return "", fmt.Errorf("hunk %q: the new side starts at line %d, not %d", lines[i], newStart+1, len(out)+1)
		}
		// The hunk's lines, each with its newline unless the marker
		// follows.
		type hunkLine struct {
			op   byte
			text string
		}
		var hl []hunkLine
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "@@"); i++ {
			l := lines[i]
			if l == `\ No newline at end of file` {
				if len(hl) == 0 {
					return "", fmt.Errorf("line %d: a marker without a line", i+1)
				}
				hl[len(hl)-1].text = strings.TrimSuffix(hl[len(hl)-1].text, "\n")
				continue
			}
			if l == "" || !strings.ContainsRune(" -+", rune(l[0])) {
				return "", fmt.Errorf("line %d %q", i+1, l)
			}
			hl = append(hl, hunkLine{l[0], l[1:] + "\n"})
		}
		seenA, seenB := 0, 0
		for _, l := range hl {
			if l.op != '+' {
				if next >= len(a) || a[next] != l.text {
					return "", fmt.Errorf("%q does not match the old text's line %d", l.text, next+1)
				}
				next++
				seenA++
			}
			if l.op != '-' {
				out = append(out, l.text)
				seenB++
			}
		}
		if seenA != an || seenB != bn {
			return "", fmt.Errorf("hunk counts -%d +%d, lines -%d +%d", an, bn, seenA, seenB)
		}
	}
	out = append(out, a[next:]...)
	return strings.Join(out, ""), nil
}

// normalizeHunk writes a header's omitted counts of 1 out: "-3" is "-3,1".
func normalizeHunk(h string) string {
	f := strings.Fields(h)
	if len(f) != 4 {
		return h
	}
	for i := 1; i <= 2; i++ {
		if !strings.Contains(f[i], ",") {
			f[i] += ",1"
		}
	}
	return strings.Join(f, " ")
}

// TestUnifiedPatch has patch(1) itself apply the diffs, when it is
// installed: the format is the one other tools read.
func TestUnifiedPatch(t *testing.T) {
	bin, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch(1) is not installed")
	}
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 200 {
		old := randomText(r)
		new := strings.Join(mutate(r, SplitLines(old), 1+r.IntN(5)), "")
		if i%4 == 0 {
			new = randomText(r)
		}
		var diff bytes.Buffer
		if changed, err := Unified(&diff, "old", "new", old, new, Format{Context: r.IntN(4)}); err != nil || !changed {
			continue
		}
		oldPath, diffPath, outPath := filepath.Join(dir, "old"), filepath.Join(dir, "diff"), filepath.Join(dir, "out")
		os.WriteFile(oldPath, []byte(old), 0o644)
		os.WriteFile(diffPath, diff.Bytes(), 0o644)
		os.Remove(outPath)
		cmd := exec.Command(bin, "--force", "--silent", "--fuzz=0", "-o", outPath, oldPath, diffPath)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("patch: %v\n%s\nold %q, diff:\n%s", err, out, old, diff.String())
		}
		got, _ := os.ReadFile(outPath)
		if string(got) != new {
			t.Fatalf("patch(1) made %q of %q, want %q; diff:\n%s", got, old, new, diff.String())
		}
	}
}
