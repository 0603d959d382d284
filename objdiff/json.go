package objdiff

import (
	"encoding/json"
	"io"
	"strings"
)

// The JSON form of a Diff. Every key is always present; keys are only
// ever added. docs/cli.md describes it.
type (
	jsonDiff struct {
		Since     string       `json:"since"`
		MergeBase string       `json:"mergeBase"`
		Summary   jsonSummary  `json:"summary"`
		Renders   []jsonRender `json:"renders"`
	}
	jsonSummary struct {
		Renders        int `json:"renders"`
		ChangedRenders int `json:"changedRenders"`
		jsonCounts
	}
	jsonCounts struct {
		Added     int `json:"added"`
		Removed   int `json:"removed"`
		Changed   int `json:"changed"`
		Unchanged int `json:"unchanged"`
	}
	jsonRender struct {
		Template string   `json:"template"`
		Before   jsonSide `json:"before"`
		After    jsonSide `json:"after"`
		jsonCounts
		Objects []jsonObject `json:"objects"`
	}
	jsonSide struct {
		Rev       string `json:"rev"`
		Namespace string `json:"namespace"`
		Rendered  bool   `json:"rendered"`
	}
	jsonObject struct {
		Action    string `json:"action"`
		Group     string `json:"group"`
		Kind      string `json:"kind"`
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
		Before    string `json:"before"`
		After     string `json:"after"`
		Diff      string `json:"diff"`
	}
)

func counts(c Counts) jsonCounts { return jsonCounts(c) }

// WriteJSON writes d as one JSON object: the revision compared with, a
// summary, and every render compared, with the objects that were added,
// removed or changed (unchanged ones are counted only), each with its
// YAML on both sides and its unified diff.
func WriteJSON(w io.Writer, d *Diff) error {
	out := jsonDiff{Since: d.Since, MergeBase: d.MergeBase, Renders: []jsonRender{}}
	for i := range d.Renders {
		r := &d.Renders[i]
		c := r.Counts()
		jr := jsonRender{
			Template:   r.Template,
			Before:     jsonSide{Rev: r.Before.Rev, Namespace: r.Before.Namespace, Rendered: r.Before.Rendered},
			After:      jsonSide{Rev: r.After.Rev, Namespace: r.After.Namespace, Rendered: r.After.Rendered},
			jsonCounts: counts(c),
			Objects:    []jsonObject{},
		}
		for _, ch := range r.Changes {
			if ch.Action == Unchanged {
				continue
			}
			var text strings.Builder
			if err := r.unified(&text, ch, false); err != nil {
				return err
			}
			jr.Objects = append(jr.Objects, jsonObject{
				Action: ch.Action.String(), Group: ch.Key.Group, Kind: ch.Key.Kind, Namespace: ch.Key.Namespace, Name: ch.Key.Name,
				Before: string(ch.Before), After: string(ch.After), Diff: text.String(),
			})
		}
		out.Renders = append(out.Renders, jr)
		out.Summary.Renders++
		if c.Differ() {
			out.Summary.ChangedRenders++
		}
	}
	out.Summary.jsonCounts = counts(d.Counts())
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
