// Package poison overwrites memory that is given back for reuse, in test
// builds, so that anything still pointing into it shows garbage at once
// instead of, now and then, another record's bytes.
//
// Built with the vigil_poison tag, Bytes fills a buffer with Byte (0xFF,
// which UTF-8 never holds, so a poisoned string is never equal to real
// data and shows as U+FFFD in JSON output); without the tag it does
// nothing and costs nothing. The buffers vigil recycles while reading (the
// normalizer's string arena when a dropped sign-in gives its bytes back,
// the batch buffers, the decoders' and splitters' scratch, the event slab's
// scratch) call it when they are given back:
//
//	go test -tags vigil_poison ./...
//	go build -tags vigil_poison ./cmd/vigil
package poison

// Byte is the value poisoned memory holds.
const Byte = 0xFF
