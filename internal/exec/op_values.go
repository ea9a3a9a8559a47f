package exec

import (
	"context"

	"vigil/internal/event"
)

// valuesOp emits the rows of an inline table.
type valuesOp struct {
	rows [][]event.Value
}

func (o *valuesOp) run(ctx context.Context, emit func([]event.Value) error) error {
	for _, row := range o.rows {
		if err := emit(row); err != nil {
			return err
		}
	}
	return ctx.Err()
}
