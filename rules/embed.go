// Package rules is vigil's built-in rule pack: one folder per rule format,
// embedded in the binary. Each file is our own expression of a published
// detection, keeping its id and semantics.
package rules

import "embed"

// FS holds the rule files: sentinel/*.yaml (and, as they land, elastic/*.toml,
// splunk/*.yml).
//
//go:embed sentinel splunk elastic
var FS embed.FS

// Fixtures holds the detection fixtures of the pack, testdata/FORMAT/*.txtar
// (see package ruletest for their format): `vigil rules test` runs them.
//
//go:embed testdata
var Fixtures embed.FS
