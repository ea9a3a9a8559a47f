package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"vigil": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the CLI scripts in testdata/script: each is a txtar
// archive of files plus the commands to run on them and what they must print.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// gzip SRC DST compresses a file.
			"gzip": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: gzip SRC DST")
				}
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				zw.Write([]byte(ts.ReadFile(args[0])))
				zw.Close()
				ts.Check(os.WriteFile(ts.MkAbs(args[1]), b.Bytes(), 0o644))
			},
			// cut FILE N keeps the first N bytes of a file.
			"cut": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: cut FILE N")
				}
				n, err := strconv.Atoi(args[1])
				ts.Check(err)
				data, err := os.ReadFile(ts.MkAbs(args[0]))
				ts.Check(err)
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), data[:min(n, len(data))], 0o644))
			},
			// binary FILE writes a file of non-text bytes.
			"binary": func(ts *testscript.TestScript, neg bool, args []string) {
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0}, 0o644))
			},
		},
	})
}
