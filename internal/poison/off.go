//go:build !vigil_poison

package poison

// On reports whether this build poisons recycled memory.
const On = false

// Bytes overwrites b with Byte when the build has the vigil_poison tag.
func Bytes(b []byte) {}
