package poison

import (
	"bytes"
	"testing"
)

func TestBytes(t *testing.T) {
	b := []byte("SignInLogs")
	Bytes(b)
	want := []byte("SignInLogs")
	if On {
		want = bytes.Repeat([]byte{Byte}, len(b))
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("Bytes gave %q, want %q (On = %v)", b, want, On)
	}
}
