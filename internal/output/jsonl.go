package output

import (
	"bufio"
	"io"

	"vigil/internal/alert"
)

// WriteJSONL writes each alert as its JSON object ([alert.Alert.AppendJSON])
// on a line of its own, in the order given.
func WriteJSONL(w io.Writer, alerts []*alert.Alert) error {
	bw := bufio.NewWriter(w)
	var buf []byte
	for _, a := range alerts {
		buf = append(a.AppendJSON(buf[:0]), '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}
