package apivalidation

import (
	"strings"
	"testing"
)

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		schedule string
		err      string // substring; "" for valid
	}{
		{"* * * * *", ""},
		{"*/15 0-6,22-23 * * *", ""},
		{"0 9 1-7 * MON", ""},
		{"0 0 ? JAN,jul sun-sat", ""},
		{"5/10 * * * *", ""},
		{"0 0 31 12 6", ""},
		{"@daily", ""},
		{"@every 1h30m", ""},
		{"  0  3 * * *  ", ""},
		{"", "expected exactly 5 fields"},
		{"* * * *", "expected exactly 5 fields"},
		{"0 0 * * * *", "found 6"},
		{"60 * * * *", "end of range (60) above maximum (59)"},
		{"* 24 * * *", "above maximum (23)"},
		{"* * 0 * *", "below minimum (1)"},
		{"* * * 13 *", "above maximum (12)"},
		{"* * * * 7", "above maximum (6)"},
		{"10-5 * * * *", "beyond end of range"},
		{"*/0 * * * *", "should be a positive number"},
		{"1-2-3 * * * *", "too many hyphens"},
		{"*/2/3 * * * *", "too many slashes"},
		{"a * * * *", "failed to parse int from a"},
		{"* * * FOO *", "failed to parse int from FOO"},
		{"@weekdays", "unrecognized descriptor"},
		{"@every forever", "failed to parse duration"},
	}
	for _, tt := range tests {
		err := parseSchedule(tt.schedule)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("parseSchedule(%q) = %v, want nil", tt.schedule, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("parseSchedule(%q) = %v, want an error with %q", tt.schedule, err, tt.err)
		}
	}
}

// TestScheduleTimeZonePrefix: TZ= by release, the history of
// validateScheduleFormat.
func TestScheduleTimeZonePrefix(t *testing.T) {
	tests := []struct {
		release, schedule string
		timeZone          bool
		err               string
	}{
		{"1.21", "TZ=UTC 0 3 * * *", false, "does not understand"},
		{"1.22", "TZ=UTC 0 3 * * *", false, ""},
		{"1.26", "CRON_TZ=Europe/Paris 0 3 * * *", false, ""},
		{"1.26", "CRON_TZ=Europe/Paris 0 3 * * *", true, "cannot use both"},
		{"1.26", "TZ=Mars/Olympus 0 3 * * *", false, "unknown time zone"},
		{"1.26", "TZ=UTC 0 3 * *", false, "expected exactly 5 fields"},
		{"1.27", "TZ=UTC 0 3 * * *", false, "use timeZone field instead"},
		{"1.37", "0 3 * * *", true, ""},
	}
	for _, tt := range tests {
		v := newChecker(tt.release, nil)
		got := v.scheduleError(tt.schedule, tt.timeZone)
		if tt.err == "" && got != "" || tt.err != "" && !strings.Contains(got, tt.err) {
			t.Errorf("%s %q (timeZone %v) = %q, want %q", tt.release, tt.schedule, tt.timeZone, got, tt.err)
		}
	}
}
