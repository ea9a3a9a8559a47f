//go:build vigil_poison

package poison

// On reports whether this build poisons recycled memory.
const On = true

// Bytes overwrites b with Byte.
func Bytes(b []byte) {
	for i := range b {
		b[i] = Byte
	}
}
