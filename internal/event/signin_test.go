package event

import "testing"

func TestUserType(t *testing.T) {
	tests := []struct {
		source     Source
		literal    string
		graphStyle bool
		want       string
	}{
		{SourceGraph, "member", false, "Member"},       // Graph's enum as Log Analytics, Elastic and Splunk store it
		{SourceGraph, "guest", true, "guest"},          // a Graph view of a Graph export
		{SourceAzureMonitor, "Member", true, "member"}, // a Graph view of a diagnostic record
		{SourceAzureMonitor, "Member", false, "Member"},
		{SourceElastic, "member", false, "member"}, // what the pipeline itself indexed is kept
		{SourceGraph, "unknownFutureValue", false, "unknownFutureValue"},
	}
	for _, tt := range tests {
		var e SignIn
		e.Source = tt.source
		e.SetStr(FUserType, tt.literal)
		if got, _ := e.UserType(tt.graphStyle); got != tt.want {
			t.Errorf("source %d %q graphStyle=%v: %q, want %q", tt.source, tt.literal, tt.graphStyle, got, tt.want)
		}
	}
	var e SignIn
	if _, ok := e.UserType(false); ok {
		t.Error("an absent userType reported present")
	}
}

func TestSlab(t *testing.T) {
	var s Slab
	var evs [3]SignIn
	for i := range evs {
		s.Start(&evs[i])
		for f := FID; f < FID+Field(40*i); f++ { // 0, 40 and 80 fields: the last outgrows the scratch
			evs[i].SetInt(FProcessingTimeInMilliseconds, int64(i))
			evs[i].SetStr(f, "v")
		}
		s.Pack(&evs[i])
	}
	for i := range evs {
		if n, _ := evs[i].Int(FProcessingTimeInMilliseconds); i > 0 && n != int64(i) {
			t.Errorf("event %d: value %d, overwritten by a later event", i, n)
		}
		if len(evs[i].vals) != cap(evs[i].vals) {
			t.Errorf("event %d keeps spare capacity", i)
		}
	}
	// A packed event can still be changed without touching its neighbours.
	evs[1].SetStr(FUserAgent, "x")
	if n, _ := evs[2].Int(FProcessingTimeInMilliseconds); n != 2 {
		t.Errorf("setting a field of one event changed the next: %d", n)
	}
}
