package main

import (
	"fmt"
	"io"
	"time"

	"vigil/internal/engine"
	"vigil/internal/enrich"
	"vigil/internal/rule"
	"vigil/internal/state"
)

// huntCommon holds what --state, --asn-db and --alerts-since open for a
// hunt, and closes it afterwards.
type huntCommon struct {
	opts  engine.CommonOptions
	state *state.Disk
	db    *enrich.DB
}

// openCommon opens the state directory and the ASN database and parses
// --alerts-since. Errors in the values given are usage errors.
func openCommon(stateDir, asnDB, since string) (*huntCommon, error) {
	c := &huntCommon{}
	if since != "" {
		t, err := parseSince(since)
		if err != nil {
			return nil, usagef("--alerts-since: %v", err)
		}
		c.opts.AlertsSince = t
	}
	if asnDB != "" {
		db, err := enrich.OpenDB(asnDB)
		if err != nil {
			return nil, usagef("--asn-db: %v", err)
		}
		c.db, c.opts.ASN = db, db
	}
	if stateDir != "" {
		s, err := state.Open(stateDir)
		if err != nil {
			c.close()
			return nil, err
		}
		c.state, c.opts.State = s, s
	}
	return c, nil
}

// parseSince reads a time as RFC 3339 or a UTC date.
func parseSince(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("want a time such as 2024-05-01T00:00:00Z or 2024-05-01, got %q", s)
}

// finish reports the rules' warnings and commits the state of the hunt.
func (c *huntCommon) finish(h *engine.HuntResult, stderr io.Writer) error {
	for _, r := range h.Rules {
		for _, w := range r.Warnings {
			fmt.Fprintf(stderr, "vigil: warning: rule %s: %s\n", r.File, w)
		}
	}
	if c.state != nil {
		if err := c.state.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// printASN says where source.as.* came from, when an Elastic rule ran:
// Elastic documents keep their own lookup; other sign-ins are looked up
// with --asn-db, or else named from their own AS number.
func (c *huntCommon) printASN(w io.Writer, h *engine.HuntResult) {
	for _, r := range h.Rules {
		if r.Rule != nil && r.Rule.Format == rule.FormatElastic && r.OK() {
			asn := c.opts.ASN
			if asn == nil {
				asn = enrich.Builtin()
			}
			fmt.Fprintf(w, "\nsource.as.* of Elastic rules: %s\n", asn.Source())
			return
		}
	}
}

func (c *huntCommon) close() {
	if c.state != nil {
		c.state.Close()
	}
	if c.db != nil {
		c.db.Close()
	}
}
