package event

import (
	"strings"
	"time"
)

// timeLayouts are the time formats sign-in exports use, tried in order after
// RFC 3339: ISO times without a zone or with a space for the T (some Azure
// Monitor pipelines and Log Analytics exports), "8/22/2022 6:07:16 PM"
// (Azure Monitor records written by some collectors) with or without an
// offset (Java's XXX: "+01:00" or "Z"), the Log Analytics
// portal's CSV export ("4/19/2021, 12:13:19.483 PM"), and a bare date. Go
// accepts a fractional second after the seconds even where a layout has
// none.
//
// The Elastic azure signinlogs pipeline's date processor takes ISO 8601,
// M/d/yyyy H:mm:ss, M/d/yyyy h:mm:ss a and M/d/yyyy h:mm:ss a XXX (its
// pipeline test of time-format corner cases): every one of them is here,
// so a record Elastic gives a @timestamp has one in every view.
var timeLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 3:04:05 PM Z07:00",
	"1/2/2006, 3:04:05 PM",
	"1/2/2006, 15:04:05",
	"1/2/2006 15:04:05",
	"2006-01-02",
}

// ParseTime parses a time as sign-in sources and exports write it. Times
// without a zone are UTC; the result is in UTC.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
