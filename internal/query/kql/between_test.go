package kql

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/plan"
)

// TestBetween runs `between` as Kusto documents it: numbers, datetimes or
// timespans throughout, or a datetime range whose right bound is a
// timespan, the length of the range (x between (a .. 1h) is a <= x <=
// a+1h). Other mixes of numbers, datetimes and timespans are errors at the
// operator, not ranges that hold nothing.
func TestBetween(t *testing.T) {
	at := func(s string) event.Value {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return event.Datetime(tm)
	}
	cols := plan.Schema{{Name: "TimeGenerated", Type: plan.TypeDatetime}, {Name: "Priority", Type: plan.TypeLong},
		{Name: "Age", Type: plan.TypeTimespan}, {Name: "Extra", Type: plan.TypeDynamic}}
	rows := [][]event.Value{
		{at("2024-05-02T08:59:59Z"), event.Long(1), event.Timespan(30 * time.Minute), event.Null},
		{at("2024-05-02T09:00:00Z"), event.Long(5), event.Timespan(time.Hour), event.Null},
		{at("2024-05-02T09:30:00Z"), event.Long(7), event.Timespan(90 * time.Minute), event.Null},
		{at("2024-05-02T10:00:00Z"), event.Long(9), event.Timespan(2 * time.Hour), event.Null},
		{at("2024-05-02T10:00:01Z"), event.Long(10), event.Timespan(3 * time.Hour), event.Null},
	}
	cat := exec.MemCatalog{"T": &exec.MemTable{Columns: cols, Rows: rows}}
	tables := plan.Tables{"T": cols}
	for _, tc := range []struct {
		name, query string
		want        []int64 // Priority of the rows kept
		wantErr     string
	}{
		{name: "datetime range", query: "T | where TimeGenerated between (datetime(2024-05-02T09:00:00Z) .. datetime(2024-05-02T10:00:00Z))", want: []int64{5, 7, 9}},
		{name: "timespan length", query: "T | where TimeGenerated between (datetime(2024-05-02T09:00:00Z) .. 1h)", want: []int64{5, 7, 9}},
		{name: "timespan length negated", query: "T | where TimeGenerated !between (datetime(2024-05-02 09:00) .. 1h)", want: []int64{1, 10}},
		{name: "timespan length from an expression", query: "let start = datetime(2024-05-02T09:30:00Z); T | where TimeGenerated between (start .. 30m)", want: []int64{7, 9}},
		{name: "timespan range", query: "T | where Age between (1h .. 2h)", want: []int64{5, 7, 9}},
		{name: "numeric range", query: "T | where Priority between (5 .. 9.5)", want: []int64{5, 7, 9}},
		{name: "dynamic decides at run time", query: "T | where Extra between (datetime(2024-05-02) .. 1h) or Extra between (1 .. 5)", want: nil},
		{name: "timespan length after a number", query: "T | where Priority between (1 .. 1h)",
			wantErr: "1:11: kql: between: a timespan right bound is the length of a datetime range: the expression and the left bound must be datetimes, found long and long"},
		{name: "timespan length on a timespan", query: "T | where Age between (1h .. 1h)", want: []int64{5}},
		{name: "datetime against numbers", query: "T | where TimeGenerated between (1 .. 5)",
			wantErr: "1:11: kql: between: cannot compare datetime with long and long"},
		{name: "number against datetimes", query: "T\n| where Priority between (datetime(2024-05-02) .. now())",
			wantErr: "2:9: kql: between: cannot compare long with datetime and datetime"},
		{name: "mixed bounds", query: "T | where TimeGenerated between (datetime(2024-05-02) .. 5)",
			wantErr: "1:11: kql: between: cannot compare datetime with datetime and long"},
		{name: "negated mixed bounds", query: "T | where Age !between (1 .. 5)",
			wantErr: "1:11: kql: !between: cannot compare timespan with long and long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, err := Compile(tc.query, tables)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			res, err := exec.Run(context.Background(), root, cat, exec.Options{Now: time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, row := range res.Rows {
				got = append(got, row[1].AsLong())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}
