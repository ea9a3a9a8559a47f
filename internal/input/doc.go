// Package input opens sign-in exports and tells their shape: it undoes gzip
// (by magic bytes, whatever the file is called), byte-order marks and UTF-16,
// decides whether a file is JSON or CSV, and names the Shape of its records
// from the first one. Cutting JSON into records is jsontext.Splitter's job;
// decoding records is package normalize's.
package input
