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
