// Command vigil runs published identity detections — Microsoft Sentinel
// (KQL), Splunk ESCU (SPL) and Elastic rules — over Entra ID sign-in logs as
// they are exported: Microsoft Graph, Azure Monitor, Log Analytics and
// Elastic.
//
// Usage:
//
//	vigil hunt [flags] PATH...   read exports and report what they hold
//	vigil version                print the version
//	vigil help [COMMAND]         show help
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
)

// version is the release of vigil.
const version = "0.1.0-dev"

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the work could not be done
	exitUsage   = 2 // bad flags, arguments or configuration
)

// usageError is an error in how vigil was called; it exits with exitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// configError is bad input the user gave vigil to work with (a rule file that
// does not validate): exit code 2, as for usage errors, but without the hint
// to read the usage, since the command has reported what is wrong.
type configError struct{ msg string }

func (e configError) Error() string { return e.msg }

type command struct {
	name    string
	summary string
	usage   string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"demo", "generate a small tenant's logs and hunt them: vigil at work", demoUsage, runDemo},
		{"hunt", "read sign-in exports and report what they hold", huntUsage, runHunt},
		{"gen", "write a synthetic tenant's sign-in logs with labelled attacks", genUsage, runGen},
		{"rules", "list, show, validate and test detection rules", rulesUsage, runRules},
		{"version", "print the version of vigil", "usage: vigil version\n", runVersion},
		{"help", "show help for vigil or a command", "usage: vigil help [COMMAND]\n", runHelp},
	}
}

const mainUsage = `vigil runs published identity detections (Sentinel KQL, Splunk SPL, Elastic
rules) over Entra ID sign-in logs as they are exported.

usage: vigil COMMAND [flags] [ARGS]

commands:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes vigil with args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printMainUsage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		printMainUsage(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		}
		var ce configError
		if errors.As(err, &ce) {
			fmt.Fprintf(stderr, "vigil: error: %s\n", ce.msg)
			return exitUsage
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "vigil: error: %s\n", ue.msg)
			fmt.Fprintf(stderr, "vigil: hint: run 'vigil help %s' for usage\n", c.name)
			return exitUsage
		}
		fmt.Fprintf(stderr, "vigil: error: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(stderr, "vigil: error: unknown command %q\n", name)
	fmt.Fprintf(stderr, "vigil: hint: run 'vigil help' for the list of commands\n")
	return exitUsage
}

func printMainUsage(w io.Writer) {
	fmt.Fprint(w, mainUsage)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nrun 'vigil help COMMAND' or 'vigil COMMAND -h' for a command's flags\n")
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "usage: vigil version\n", stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments")
	}
	fmt.Fprintf(stdout, "vigil %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

func runHelp(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printMainUsage(stdout)
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run([]string{"-h"}, stdout, stderr)
		}
	}
	return usagef("unknown command %q", args[0])
}

// newFlagSet returns a flag set that prints usage and defaults to w on -h.
func newFlagSet(name, usage string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fs.SetOutput(w)
		fmt.Fprint(w, usage)
		fmt.Fprintln(w, "\nflags:")
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors. Flags may
// come after the positional arguments too.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err // the flag set has printed the usage
			}
			return usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
		if positional[len(positional)-1] == "--" {
			positional = append(positional[:len(positional)-1], args...)
			break
		}
	}
	return fs.Parse(append([]string{"--"}, positional...))
}
