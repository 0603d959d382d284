package report

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// SARIF writes a SARIF 2.1.0 log, the format of GitHub code scanning and
// other static-analysis viewers: one run of the tool "eastern" whose
// results are the findings, in order.
//
// Each result lies at its template line: artifactLocation.uri is the path
// as a URI reference against %SRCROOT% (the directory eastern ran in), or a
// file: URI for an absolute path, always with '/'. The load chain is the
// result's relatedLocations, outermost load first; root, namespace,
// release, object and field are its properties, keyed as in -o json. A
// finding with no file, about the run as a whole, is a result without
// locations.
//
// tool.driver.rules lists the rules the results name, sorted by id, with
// the description and documentation address of Rules where it has the
// rule. Message texts, rule ids and descriptions are escaped as in the
// text format (textsafe.Escape), since viewers show them as they are, and
// hold no embedded links; properties are data, exact as in -o json.
type SARIF struct {
	// Rules describe the rules by id; a rule it lacks is listed by id alone.
	Rules []RuleInfo
	// Version is eastern's version, for tool.driver.version; "" leaves it out.
	Version string
	// separator is the path separator of the findings' paths, as in GitHub.
	separator byte
}

// RuleInfo describes a rule for the formats that carry rule metadata.
type RuleInfo struct {
	ID string
	// Description says in one plain-text line what the rule finds.
	Description string
	// HelpURI is the absolute URL of the rule's documentation.
	HelpURI string
}

// The SARIF version written and the OASIS schema it is valid against.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// sarifSourceRoot is the base of relative artifact URIs, the name
	// SARIF tools and GitHub give the root of the analysed sources.
	sarifSourceRoot = "%SRCROOT%"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
	// ColumnKind is unicodeCodePoints, the nearer of SARIF's two kinds to
	// eastern's byte columns: the two agree on ASCII lines.
	ColumnKind string             `json:"columnKind"`
	Properties sarifRunProperties `json:"properties"`
}

type sarifRunProperties struct {
	Summary Summary `json:"summary"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string     `json:"id"`
	ShortDescription *sarifText `json:"shortDescription,omitempty"`
	HelpURI          string     `json:"helpUri,omitempty"`
}

// sarifText is both SARIF's message and its multiformatMessageString, of
// which eastern writes only the plain text.
type sarifText struct {
	Text string `json:"text"`
}

// plainText is s as the text of a SARIF message: escaped as in the text
// format, and with every "](" made "\](", so that a message quoting a
// template ("[x](https://…)" in a file name) holds no embedded link, which
// a viewer would show as one.
func plainText(s string) *sarifText {
	return &sarifText{Text: strings.ReplaceAll(textsafe.Escape(s), "](", `\](`)}
}

type sarifResult struct {
	RuleID           string             `json:"ruleId,omitempty"`
	RuleIndex        *int               `json:"ruleIndex,omitempty"` // 0 is an index: nil leaves it out
	Level            string             `json:"level"`
	Message          *sarifText         `json:"message"`
	Locations        []sarifLocation    `json:"locations,omitempty"`
	RelatedLocations []sarifLocation    `json:"relatedLocations,omitempty"`
	Properties       sarifResultContext `json:"properties"`
}

// sarifResultContext is a result's property bag: the context -o json gives
// a finding, under the same keys, each always present.
type sarifResultContext struct {
	Root       string   `json:"root"`
	Namespace  string   `json:"namespace"`
	Namespaces []string `json:"namespaces"`
	Release    string   `json:"release"`
	Object     string   `json:"object"`
	Field      string   `json:"field"`
}

type sarifLocation struct {
	// ID numbers related locations from 1, which also keeps them distinct
	// as the schema wants when a chain passes one line twice.
	ID               int                   `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// Write implements Writer.
func (s SARIF) Write(w io.Writer, r *Report) error {
	results := make([]sarifResult, len(r.Findings))
	for i, f := range r.Findings {
		results[i] = s.result(GitHub{separator: s.separator}.withSlashPaths(f))
	}
	rules := s.rules(results)
	out := sarifLog{
		Schema: sarifSchema, Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: "eastern", Version: textsafe.Escape(s.Version),
				InformationURI: "https://github.com/eastern-k8s/eastern", Rules: rules,
			}},
			Results:    results,
			ColumnKind: "unicodeCodePoints",
			Properties: sarifRunProperties{Summary: r.Summary},
		}},
	}
	return writeJSON(w, out)
}

// rules lists the rules that results name, sorted by id, described from
// s.Rules (the first entry of an id wins), and points each result's
// ruleIndex at its rule. Ids are compared as written, escaped, so that no
// two entries are alike, which the schema forbids.
func (s SARIF) rules(results []sarifResult) []sarifRule {
	known := map[string]RuleInfo{}
	for _, ri := range s.Rules {
		id := textsafe.Escape(ri.ID)
		if _, dup := known[id]; !dup {
			known[id] = ri
		}
	}
	var ids []string
	for _, res := range results {
		if res.RuleID != "" && !slices.Contains(ids, res.RuleID) {
			ids = append(ids, res.RuleID)
		}
	}
	slices.Sort(ids)
	rules := make([]sarifRule, len(ids))
	for i, id := range ids {
		rules[i] = sarifRule{ID: id}
		if ri, ok := known[id]; ok {
			if ri.Description != "" {
				rules[i].ShortDescription = plainText(ri.Description)
			}
			rules[i].HelpURI = ri.HelpURI
		}
	}
	for i := range results {
		if n, ok := slices.BinarySearch(ids, results[i].RuleID); ok {
			results[i].RuleIndex = &n
		}
	}
	return rules
}

// result is one finding, whose paths use '/', as a SARIF result.
func (s SARIF) result(f *diag.Finding) sarifResult {
	msg := message(f)
	if ctx := context(f); ctx != "" {
		msg += " (" + ctx + ")"
	}
	res := sarifResult{
		RuleID:  textsafe.Escape(f.Rule),
		Level:   sarifLevel(f.Severity),
		Message: plainText(msg),
		Properties: sarifResultContext{
			Root: f.Template, Namespace: f.Namespace, Namespaces: append([]string{}, f.InNamespaces()...), Release: f.Release, Object: f.Object, Field: f.Field,
		},
	}
	if f.Pos.File != "" {
		res.Locations = []sarifLocation{{PhysicalLocation: s.physicalLocation(f.Pos)}}
	}
	for i, p := range f.Chain {
		loaded := f.Pos.File
		if i+1 < len(f.Chain) {
			loaded = f.Chain[i+1].File
		}
		text := fmt.Sprintf("load %d of %d: loads %s", i+1, len(f.Chain), loaded)
		res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
			ID: i + 1, PhysicalLocation: s.physicalLocation(p), Message: plainText(text),
		})
	}
	return res
}

// physicalLocation is p, whose path uses '/', in SARIF: a line without a
// column when the column is unknown, the file alone when the line is.
func (s SARIF) physicalLocation(p diag.Position) sarifPhysicalLocation {
	loc := sarifPhysicalLocation{ArtifactLocation: s.artifactLocation(p.File)}
	if p.Line > 0 {
		loc.Region = &sarifRegion{StartLine: p.Line}
		if p.Col > 0 {
			loc.Region.StartColumn = p.Col
		}
	}
	return loc
}

// artifactLocation turns a path with '/' separators into a URI: a relative
// reference against %SRCROOT%, or a file: URI for an absolute path. Every
// byte a URI path may not hold as it is, and ':', is percent-encoded, so
// that the URI is valid whatever the file is called and no segment passes
// for a scheme. Which paths are absolute depends on the system's
// separator, as filepath.IsAbs does: C:/ and //server/ only on Windows.
func (s SARIF) artifactLocation(path string) sarifArtifactLocation {
	sep := s.separator
	if sep == 0 {
		sep = filepath.Separator
	}
	windows := sep == '\\'
	switch {
	case windows && len(path) >= 3 && isASCIILetter(path[0]) && path[1] == ':' && path[2] == '/':
		return sarifArtifactLocation{URI: "file:///" + path[:2] + escapeURIPath(path[2:])}
	case windows && strings.HasPrefix(path, "//"):
		return sarifArtifactLocation{URI: "file:" + escapeURIPath(path)} // file://server/share/...
	case strings.HasPrefix(path, "/"):
		return sarifArtifactLocation{URI: "file://" + escapeURIPath(path)}
	}
	return sarifArtifactLocation{URI: escapeURIPath(path), URIBaseID: sarifSourceRoot}
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// escapeURIPath percent-encodes path for a URI path: what RFC 3986 allows
// in a segment stays, but for ':'; '/' separates segments.
func escapeURIPath(path string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if isASCIILetter(c) || '0' <= c && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=@/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}

func sarifLevel(s diag.Severity) string {
	switch s {
	case diag.Warning:
		return "warning"
	case diag.Info:
		return "note"
	}
	return "error"
}
