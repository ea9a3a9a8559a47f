package exec

import (
	"vigil/internal/event"
)

func init() {
	register(fn1(arrayLength), "array_length")
	register(fnN(pack), "pack", "bag_pack")
	register(fnN(func(args []event.Value) event.Value {
		return event.Array(append([]event.Value(nil), args...)...)
	}), "pack_array")
	register(fn2(setHasElement), "set_has_element")
	register(fnN(arrayConcat), "array_concat")
	register(fn1(bagKeys), "bag_keys")
}

func arrayConcat(args []event.Value) event.Value {
	var elems []event.Value
	for _, a := range args {
		if a.Kind() != event.KindArray {
			return event.Null
		}
		elems = append(elems, a.Elems()...)
	}
	return event.Array(elems...)
}

func bagKeys(v event.Value) event.Value {
	if v.Kind() != event.KindObject {
		return event.Null
	}
	keys := make([]event.Value, v.Len())
	for i := range keys {
		keys[i] = event.String(v.Key(i))
	}
	return event.Array(keys...)
}

func arrayLength(v event.Value) event.Value {
	if v.Kind() != event.KindArray {
		return event.Null
	}
	return event.Long(int64(v.Len()))
}

// pack builds an object from key/value pairs; keys are taken as text.
func pack(args []event.Value) event.Value {
	members := make([]event.Member, 0, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		members = append(members, event.Member{Key: text(args[i]), Value: args[i+1]})
	}
	return event.Object(members...)
}

func setHasElement(set, v event.Value) event.Value {
	if set.Kind() != event.KindArray {
		return event.Null
	}
	for _, e := range set.Elems() {
		if ok, _ := eq(e, v, false); ok {
			return vTrue
		}
	}
	return vFalse
}
