// Package event holds the canonical sign-in event SignIn, which every input
// shape normalizes into and every vendor view is computed from, and the typed
// Value that query plans and the executor compute with.
package event
