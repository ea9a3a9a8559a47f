package event

import (
	"strconv"
	"strings"
	"time"
)

// AppendJSON appends e as one JSON object: the canonical fields nested by
// their paths (status.errorCode → {"status":{"errorCode":…}}), explicit nulls
// as null, absent fields omitted, times in UTC RFC 3339, then "unknown" with
// the members that have no canonical field and "origin". This is the format of
// `vigil hunt --emit-events`.
func (e *SignIn) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	var open []string // the object path currently open
	first := true
	for f := Field(0); f < NumFields; f++ {
		if e.idx[f] == 0 {
			continue
		}
		info := fieldInfo[f]
		parts := strings.Split(info.Name, ".")
		parents := parts[:len(parts)-1]
		common := 0
		for common < len(open) && common < len(parents) && open[common] == parents[common] {
			common++
		}
		for len(open) > common {
			dst = append(dst, '}')
			open = open[:len(open)-1]
		}
		for _, p := range parents[common:] {
			if !first {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, p)
			dst = append(dst, ':', '{')
			open = append(open, p)
			first = true
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendJSONString(dst, parts[len(parts)-1])
		dst = append(dst, ':')
		dst = e.appendField(dst, f)
	}
	for range open {
		dst = append(dst, '}')
	}
	if len(e.Extra) > 0 {
		if !first || len(open) > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `"unknown":{`...)
		for i, x := range e.Extra {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, x.Name)
			dst = append(dst, ':')
			dst = append(dst, x.Raw...)
		}
		dst = append(dst, '}')
		first = false
	}
	if e.idx != [NumFields]uint8{} || len(e.Extra) > 0 {
		dst = append(dst, ',')
	}
	dst = append(dst, `"origin":{"file":`...)
	dst = appendJSONString(dst, e.Origin.File)
	if e.Origin.Line > 0 {
		dst = append(dst, `,"line":`...)
		dst = strconv.AppendInt(dst, int64(e.Origin.Line), 10)
	}
	dst = append(dst, `,"record":`...)
	dst = strconv.AppendInt(dst, int64(e.Origin.Record), 10)
	if e.Origin.Offset >= 0 {
		dst = append(dst, `,"offset":`...)
		dst = strconv.AppendInt(dst, e.Origin.Offset, 10)
	}
	dst = append(dst, '}', '}')
	return dst
}

func (e *SignIn) appendField(dst []byte, f Field) []byte {
	if e.null.Has(f) {
		return append(dst, "null"...)
	}
	v := e.vals[e.idx[f]-1]
	switch fieldInfo[f].Type {
	case FString, FEnum:
		return appendJSONString(dst, v.s)
	case FJSON:
		return append(dst, v.s...)
	case FInt:
		return strconv.AppendInt(dst, v.n, 10)
	case FReal:
		return strconv.AppendFloat(dst, float64frombits(v.n), 'g', -1, 64)
	case FBool:
		return strconv.AppendBool(dst, v.n != 0)
	case FTime:
		dst = append(dst, '"')
		dst = time.Unix(0, v.n).UTC().AppendFormat(dst, time.RFC3339Nano)
		return append(dst, '"')
	}
	return append(dst, "null"...)
}
