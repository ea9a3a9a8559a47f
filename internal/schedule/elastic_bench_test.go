package schedule

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"vigil/internal/event"
)

// BenchmarkNewTermsMonth replays rule 4's schedule (every 5 minutes over
// now-9m, 14 days of history) over a month of matching sign-ins: 1M
// documents, about 8,640 runs, of 20,000 users with up to 40 apps each
// (half a million distinct pairs, so about as many alerts) or of 5,000
// users with up to 4 apps. It reports the cost per document.
func BenchmarkNewTermsMonth(b *testing.B) {
	b.Run("pairs=480k", func(b *testing.B) { benchNewTerms(b, 20_000, 40) })
	b.Run("pairs=15k", func(b *testing.B) { benchNewTerms(b, 5_000, 4) })
}

func benchNewTerms(b *testing.B, nusers, napps int) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	users := make([]event.Value, nusers)
	for i := range users {
		users[i] = event.String(fmt.Sprintf("user%05d@contoso.onmicrosoft.com", i))
	}
	apps := make([]event.Value, napps)
	for i := range apps {
		apps[i] = event.String(fmt.Sprintf("%08x-0000-4000-8000-000000000000", i))
	}
	month := int64(30 * 24 * time.Hour)
	docs := make([]ElasticDoc, n)
	for i := range docs {
		docs[i] = ElasticDoc{
			Time:   at(0) + rng.Int64N(month),
			ID:     fmt.Sprint("d", i),
			Values: []event.Value{users[rng.IntN(len(users))], apps[min(rng.IntN(len(apps)), rng.IntN(len(apps)))]},
		}
	}
	// The ECS view delivers documents in time order.
	slices.SortFunc(docs, func(a, b ElasticDoc) int { return cmp.Compare(a.Time, b.Time) })
	in := ElasticInput{Fields: []string{upnField, appField}, Docs: docs}
	r := newTermsRule(upnField, appField)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Elastic(r, in, ElasticOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(float64(len(res.Alerts)), "alerts")
			b.ReportMetric(float64(res.Runs), "runs")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/doc")
}
