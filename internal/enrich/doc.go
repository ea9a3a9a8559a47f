// Package enrich adds to sign-ins the facts their sources do not carry but a
// vendor pipeline looks up: the autonomous system of the client IP, as the
// Elastic azure integration stores it in source.as.number and
// source.as.organization.name (SEMANTICS.md §A.3, §A.7).
//
// ASN is the lookup interface. Two implementations exist:
//
//   - DB (OpenDB) reads a MaxMind-format ASN database (GeoLite2-ASN, or the
//     DB-IP and ip-location-db ASN databases in the same format), as the
//     Elastic pipeline's GeoIP processor does: the answer depends only on
//     the IP address.
//   - Builtin takes the number from the record's own autonomousSystemNumber
//     and the organization name from a small built-in table of well-known
//     networks (public registry AS names). It is the fallback when no
//     database is given; organizations it does not know stay unnamed.
//
// ASN.Source says which one answered, for the hunt summary.
//
// Only this package imports the MaxMind reader.
package enrich
