package exec

import (
	"context"
	"time"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// Window returns a Catalog whose tables hold only the rows of cat whose
// datetime column named column lies in [from, to). Schedules use it to
// restrict every table a rule reads to the run's lookback (Sentinel's
// queryPeriod over TimeGenerated). A table without such a datetime column
// is passed through unchanged; rows whose column is null are dropped.
func Window(cat Catalog, column string, from, to time.Time) Catalog {
	return windowCatalog{cat: cat, column: column, from: from.UnixNano(), to: to.UnixNano()}
}

type windowCatalog struct {
	cat      Catalog
	column   string
	from, to int64
}

func (w windowCatalog) Table(name string) (Table, bool) {
	t, ok := w.cat.Table(name)
	if !ok {
		return nil, false
	}
	i := t.Schema().Index(w.column)
	if i < 0 || t.Schema()[i].Type != plan.TypeDatetime {
		return t, true
	}
	return windowTable{Table: t, col: i, from: w.from, to: w.to}, true
}

type windowTable struct {
	Table
	col      int
	from, to int64
}

func (w windowTable) Scan(ctx context.Context, fn func([]event.Value) error) error {
	return w.Table.Scan(ctx, func(row []event.Value) error {
		v := row[w.col]
		if v.Kind() != event.KindDatetime {
			return nil
		}
		if ns := v.AsLong(); ns < w.from || ns >= w.to {
			return nil
		}
		return fn(row)
	})
}
