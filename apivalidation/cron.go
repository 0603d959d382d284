package apivalidation

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// scheduleError is validateScheduleFormat (pkg/apis/batch/validation),
// which parses with github.com/robfig/cron's ParseStandard: five fields or
// a descriptor. A TZ= or CRON_TZ= prefix was not understood before 1.22,
// parsed from 1.22 (robfig/cron v3) unless spec.timeZone is also set, and
// rejected on create from 1.27 (kubernetes/kubernetes#116252). Returns ""
// for a valid schedule.
func (v *checker) scheduleError(s string, hasTimeZone bool) string {
	switch {
	case v.since("1.27") && strings.Contains(s, "TZ"):
		return "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
	case strings.HasPrefix(s, "TZ=") || strings.HasPrefix(s, "CRON_TZ="):
		if !v.since("1.22") {
			return fmt.Sprintf("invalid schedule %q: Kubernetes %s does not understand a TZ= or CRON_TZ= prefix (1.22 to 1.26 do)", s, v.release)
		}
		if hasTimeZone {
			return "cannot use both timeZone field and TZ or CRON_TZ in schedule"
		}
		zone, rest, _ := strings.Cut(s, " ")
		_, name, _ := strings.Cut(zone, "=")
		if _, err := time.LoadLocation(name); err != nil {
			return fmt.Sprintf("invalid schedule %q: unknown time zone %s", s, name)
		}
		s = rest
	}
	if err := parseSchedule(s); err != nil {
		return fmt.Sprintf("invalid schedule %q: %v", s, err)
	}
	return ""
}

// cronField is one field of a five-field schedule: its bounds and the
// names it accepts for values.
type cronField struct {
	name     string
	min, max int
	names    map[string]int
}

var cronFields = [5]cronField{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day of month", 1, 31, nil},
	{"month", 1, 12, map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}},
	{"day of week", 0, 6, map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}},
}

// cronDescriptors are the @ forms ParseStandard accepts besides @every.
var cronDescriptors = map[string]bool{
	"@yearly": true, "@annually": true, "@monthly": true, "@weekly": true,
	"@daily": true, "@midnight": true, "@hourly": true,
}

// parseSchedule checks s by the grammar of robfig/cron's standard parser:
// a descriptor, "@every DURATION", or five fields, each a comma-separated
// list of "*" or "?", a value, or a range a-b, optionally with a /step.
func parseSchedule(s string) error {
	if strings.HasPrefix(s, "@") {
		if d, ok := strings.CutPrefix(s, "@every "); ok {
			if _, err := time.ParseDuration(strings.TrimSpace(d)); err != nil {
				return fmt.Errorf("failed to parse duration %s", d)
			}
			return nil
		}
		if !cronDescriptors[strings.TrimSpace(s)] {
			return fmt.Errorf("unrecognized descriptor: %s (want @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)", s)
		}
		return nil
	}
	fields := strings.Fields(s)
	if len(fields) != len(cronFields) {
		return fmt.Errorf("expected exactly 5 fields (minute hour day-of-month month day-of-week), found %d", len(fields))
	}
	for i, f := range fields {
		for part := range strings.SplitSeq(f, ",") {
			if err := cronFields[i].parseRange(part); err != nil {
				return fmt.Errorf("%s field %q: %v", cronFields[i].name, f, err)
			}
		}
	}
	return nil
}

func (f cronField) parseRange(expr string) error {
	rangeExpr, step, hasStep := strings.Cut(expr, "/")
	if strings.Contains(step, "/") {
		return fmt.Errorf("too many slashes: %s", expr)
	}
	var start, end int
	if rangeExpr == "*" || rangeExpr == "?" {
		start, end = f.min, f.max
	} else {
		lo, hi, isRange := strings.Cut(rangeExpr, "-")
		if strings.Contains(hi, "-") {
			return fmt.Errorf("too many hyphens: %s", expr)
		}
		var err error
		if start, err = f.value(lo); err != nil {
			return err
		}
		end = start
		switch {
		case isRange:
			if end, err = f.value(hi); err != nil {
				return err
			}
		case hasStep:
			end = f.max // "5/15" runs from 5 to the end
		}
	}
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil {
			return fmt.Errorf("failed to parse int from %s", step)
		}
		if n <= 0 {
			return fmt.Errorf("step of range should be a positive number: %s", expr)
		}
	}
	switch {
	case start < f.min:
		return fmt.Errorf("beginning of range (%d) below minimum (%d)", start, f.min)
	case end > f.max:
		return fmt.Errorf("end of range (%d) above maximum (%d)", end, f.max)
	case start > end:
		return fmt.Errorf("beginning of range (%d) beyond end of range (%d)", start, end)
	}
	return nil
}

func (f cronField) value(s string) (int, error) {
	if n, ok := f.names[strings.ToLower(s)]; ok {
		return n, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("failed to parse int from %s", s)
	}
	return n, nil
}
