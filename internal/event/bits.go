package event

import "math"

func float64bits(f float64) int64     { return int64(math.Float64bits(f)) }
func float64frombits(n int64) float64 { return math.Float64frombits(uint64(n)) }

// Every field must fit in a FieldSet and in the uint8 slot index.
const _ = uint(128 - NumFields)
