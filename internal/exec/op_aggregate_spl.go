package exec

import "vigil/internal/event"

// addSPL adds row to its groups under SPL's stats rules: with dropNull a
// row with a null (or empty multivalue) key value joins no group; with
// expand an array key value puts the row in one group per distinct element,
// every combination when several keys are arrays. keyVals is scratch space
// of len(o.by) holding the row's key values on entry.
func (o *aggregateOp) addSPL(row []event.Value, index map[string]*group, groups *[]*group, keyVals []event.Value) {
	choices := make([][]event.Value, len(o.by))
	for i, v := range keyVals {
		switch {
		case o.expand && v.Kind() == event.KindArray:
			var elems []event.Value
			seen := map[string]bool{}
			for _, e := range v.Elems() {
				if e.IsNull() {
					continue
				}
				k := string(event.AppendKey(nil, e))
				if !seen[k] {
					seen[k] = true
					elems = append(elems, e)
				}
			}
			if len(elems) == 0 && o.dropNull {
				return
			}
			if len(elems) == 0 {
				elems = []event.Value{event.Null}
			}
			choices[i] = elems
		case v.IsNull() && o.dropNull:
			return
		default:
			choices[i] = []event.Value{v}
		}
	}
	var key []byte
	var walk func(i int)
	walk = func(i int) {
		if i == len(choices) {
			g := o.groupFor(keyVals, &key, index, groups)
			for _, s := range g.states {
				s.add(row)
			}
			return
		}
		for _, v := range choices[i] {
			keyVals[i] = v
			walk(i + 1)
		}
	}
	walk(0)
}
