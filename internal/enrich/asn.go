package enrich

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
)

// AS is an autonomous system: its number and, when known, the name of the
// organization that operates it (empty when unknown).
type AS struct {
	Number       int64
	Organization string
}

// ASN finds the autonomous system of a sign-in's client.
//
// Implementations are safe for concurrent use.
type ASN interface {
	// Lookup returns the AS of the client at ip (its text form, as the
	// record wrote it) whose record carried recordASN as its own
	// autonomousSystemNumber (0 when it carried none). ok is false when
	// the AS is unknown; then no source.as field is set.
	Lookup(ip string, recordASN int64) (as AS, ok bool)
	// Source describes where the answers come from, in a few words for a
	// summary line ("ASN database GeoLite2-ASN (path)").
	Source() string
}

// DB is an ASN database in MaxMind format, opened by OpenDB. It answers from
// the IP address alone, ignoring the record's own number, as Elastic's GeoIP
// processor does.
type DB struct {
	path string
	kind string
	r    records
}

// records is the part of a MaxMind reader DB uses; tests substitute it.
type records interface {
	lookup(ip netip.Addr) (AS, bool, error)
	close() error
}

// asnRecord is the record layout of GeoLite2-ASN and of the DB-IP and
// ip-location-db ASN databases.
type asnRecord struct {
	Number       uint64 `maxminddb:"autonomous_system_number"`
	Organization string `maxminddb:"autonomous_system_organization"`
}

type mmdb struct{ r *maxminddb.Reader }

func (m mmdb) lookup(ip netip.Addr) (AS, bool, error) {
	res := m.r.Lookup(ip)
	if err := res.Err(); err != nil {
		return AS{}, false, err
	}
	if !res.Found() {
		return AS{}, false, nil
	}
	var rec asnRecord
	if err := res.Decode(&rec); err != nil {
		return AS{}, false, err
	}
	if rec.Number == 0 && rec.Organization == "" {
		return AS{}, false, nil
	}
	return AS{Number: int64(rec.Number), Organization: rec.Organization}, true, nil
}

func (m mmdb) close() error { return m.r.Close() }

// OpenDB opens the MaxMind-format ASN database at path. The caller closes it
// with Close when done.
func OpenDB(path string) (*DB, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening ASN database %s: %w", path, err)
	}
	kind := r.Metadata.DatabaseType
	if kind == "" {
		kind = "MaxMind DB"
	}
	return &DB{path: path, kind: kind, r: mmdb{r}}, nil
}

// OpenDBBytes opens an ASN database held in memory (name is used in Source).
// The DB keeps data, which the caller must not modify.
func OpenDBBytes(name string, data []byte) (*DB, error) {
	r, err := maxminddb.OpenBytes(data)
	if err != nil {
		return nil, fmt.Errorf("opening ASN database %s: %w", name, err)
	}
	kind := r.Metadata.DatabaseType
	if kind == "" {
		kind = "MaxMind DB"
	}
	return &DB{path: name, kind: kind, r: mmdb{r}}, nil
}

// Lookup implements ASN. Addresses that do not parse, and lookup errors of a
// damaged database, give no AS.
func (db *DB) Lookup(ip string, _ int64) (AS, bool) {
	addr, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return AS{}, false
	}
	as, ok, err := db.r.lookup(addr.Unmap())
	if err != nil {
		return AS{}, false
	}
	return as, ok
}

// Source implements ASN.
func (db *DB) Source() string { return fmt.Sprintf("ASN database %s (%s)", db.kind, db.path) }

// Close releases the database.
func (db *DB) Close() error { return db.r.close() }

// Builtin returns the fallback ASN lookup: the record's own
// autonomousSystemNumber, named from the built-in table of well-known
// organizations (see Organization).
func Builtin() ASN { return builtin{} }

type builtin struct{}

// Lookup implements ASN: the AS is the record's own number; the IP is not
// used.
func (builtin) Lookup(_ string, recordASN int64) (AS, bool) {
	if recordASN <= 0 {
		return AS{}, false
	}
	name, _ := Organization(recordASN)
	return AS{Number: recordASN, Organization: name}, true
}

// Source implements ASN.
func (builtin) Source() string {
	return fmt.Sprintf("record autonomousSystemNumber, built-in names of %d well-known ASNs (no --asn-db)", len(orgNames))
}

var (
	_ ASN = (*DB)(nil)
	_ ASN = builtin{}
)
