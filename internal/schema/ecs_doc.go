package schema

import (
	"strings"

	"vigil/internal/event"
	"vigil/internal/plan"
)

// ECSDocument renders a row of an ECS table (or of a plan over one that
// kept its columns) as the JSON document Elastic would hold: dotted column
// names become nested objects, null columns are left out. Append its JSON
// with event.Value.AppendJSON. Columns are visited in schema order, so the
// document is deterministic.
func ECSDocument(cols plan.Schema, row []event.Value) event.Value {
	root := &ecsDocNode{}
	for i, c := range cols {
		if i >= len(row) || row[i].IsNull() {
			continue
		}
		if c.Name == ECSPropertiesColumn {
			// The unknown properties join the known ones.
			root.putDeep(strings.Split(c.Name, "."), row[i])
			continue
		}
		root.put(strings.Split(c.Name, "."), row[i])
	}
	return root.value()
}

// ecsDocNode is an object under construction: members in insertion order.
type ecsDocNode struct {
	keys []string
	kids []*ecsDocNode
	leaf event.Value
	set  bool
}

func (n *ecsDocNode) put(path []string, v event.Value) {
	if len(path) == 0 {
		n.leaf, n.set = v, true
		return
	}
	for i, k := range n.keys {
		if k == path[0] {
			n.kids[i].put(path[1:], v)
			return
		}
	}
	kid := &ecsDocNode{}
	n.keys = append(n.keys, path[0])
	n.kids = append(n.kids, kid)
	kid.put(path[1:], v)
}

// putDeep puts v at path, the members of an object as paths of their own,
// so that it merges with what the node already holds.
func (n *ecsDocNode) putDeep(path []string, v event.Value) {
	if v.Kind() != event.KindObject || v.Len() == 0 {
		n.put(path, v)
		return
	}
	for i := 0; i < v.Len(); i++ {
		n.putDeep(append(path[:len(path):len(path)], v.Key(i)), v.Elem(i))
	}
}

// value returns the node as a Value. A field that is both a value and an
// object prefix (never in ECS) keeps the value under its own name and the
// members beside it as dotted names.
func (n *ecsDocNode) value() event.Value {
	if len(n.keys) == 0 {
		return n.leaf
	}
	ms := make([]event.Member, 0, len(n.keys))
	for i, k := range n.keys {
		kid := n.kids[i]
		if kid.set && len(kid.keys) > 0 {
			ms = append(ms, event.Member{Key: k, Value: kid.leaf})
			sub := kid.value()
			for j := 0; j < sub.Len(); j++ {
				ms = append(ms, event.Member{Key: k + "." + sub.Key(j), Value: sub.Elem(j)})
			}
			continue
		}
		ms = append(ms, event.Member{Key: k, Value: kid.value()})
	}
	return event.Object(ms...)
}
