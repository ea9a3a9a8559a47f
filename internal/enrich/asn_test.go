package enrich

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltin(t *testing.T) {
	tests := []struct {
		name      string
		recordASN int64
		want      AS
		ok        bool
	}{
		{"Microsoft", 8075, AS{8075, "MICROSOFT-CORP-MSN-AS-BLOCK"}, true},
		{"Amazon", 16509, AS{16509, "AMAZON-02"}, true},
		{"Google", 15169, AS{15169, "GOOGLE"}, true},
		{"Oracle", 31898, AS{31898, "ORACLE-BMC-31898"}, true},
		{"Cloudflare", 13335, AS{13335, "CLOUDFLARENET"}, true},
		{"DigitalOcean", 14061, AS{14061, "DIGITALOCEAN-ASN"}, true},
		{"OVH", 16276, AS{16276, "OVH"}, true},
		{"Hetzner", 24940, AS{24940, "HETZNER-AS"}, true},
		{"Linode", 63949, AS{63949, "AKAMAI-LINODE-AP"}, true},
		{"unknown AS keeps its number, unnamed", 64500, AS{64500, ""}, true},
		{"no number, no AS", 0, AS{}, false},
		{"negative number is no AS", -1, AS{}, false},
	}
	b := Builtin()
	for _, tc := range tests {
		got, ok := b.Lookup("203.0.113.9", tc.recordASN)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: Lookup(_, %d) = %+v, %v; want %+v, %v", tc.name, tc.recordASN, got, ok, tc.want, tc.ok)
		}
	}
	if !strings.Contains(b.Source(), "built-in") {
		t.Errorf("Source() = %q", b.Source())
	}
}

// fakeRecords is a database stand-in for the lookup logic around the
// reader.
type fakeRecords struct {
	as  map[netip.Addr]AS
	err error
}

func (f fakeRecords) lookup(ip netip.Addr) (AS, bool, error) {
	if f.err != nil {
		return AS{}, false, f.err
	}
	as, ok := f.as[ip]
	return as, ok, nil
}

func (fakeRecords) close() error { return nil }

func TestDBLookupLogic(t *testing.T) {
	db := &DB{path: "x.mmdb", kind: "GeoLite2-ASN", r: fakeRecords{as: map[netip.Addr]AS{
		netip.MustParseAddr("20.190.128.1"): {8075, "MICROSOFT-CORP-MSN-AS-BLOCK"},
	}}}
	if got, ok := db.Lookup("20.190.128.1", 64500); !ok || got.Number != 8075 {
		t.Errorf("Lookup = %+v, %v: the IP decides, not the record's number", got, ok)
	}
	if got, ok := db.Lookup("::ffff:20.190.128.1", 0); !ok || got.Number != 8075 {
		t.Errorf("IPv4-mapped IPv6 = %+v, %v", got, ok)
	}
	if _, ok := db.Lookup("not an ip", 8075); ok {
		t.Error("unparsable address found")
	}
	if _, ok := db.Lookup("198.51.100.1", 8075); ok {
		t.Error("address not in the database found")
	}
	broken := &DB{r: fakeRecords{err: errors.New("corrupt")}}
	if _, ok := broken.Lookup("20.190.128.1", 0); ok {
		t.Error("lookup error gave an AS")
	}
	if got := db.Source(); got != "ASN database GeoLite2-ASN (x.mmdb)" {
		t.Errorf("Source() = %q", got)
	}
}

// TestDBReader opens a MaxMind DB written by the test (no writer library
// is available, so mmdb builds the format's few parts by hand) and looks
// addresses up with the real reader.
func TestDBReader(t *testing.T) {
	data := mmdb4(t, map[string]AS{
		"20.190.128.0/18": {8075, "MICROSOFT-CORP-MSN-AS-BLOCK"},
		"3.5.0.0/16":      {16509, "AMAZON-02"},
	})
	path := filepath.Join(t.TempDir(), "asn.mmdb")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := OpenDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		ip   string
		want AS
		ok   bool
	}{
		{"20.190.128.7", AS{8075, "MICROSOFT-CORP-MSN-AS-BLOCK"}, true},
		{"20.190.191.255", AS{8075, "MICROSOFT-CORP-MSN-AS-BLOCK"}, true},
		{"20.190.192.0", AS{}, false},
		{"3.5.140.2", AS{16509, "AMAZON-02"}, true},
		{"198.51.100.1", AS{}, false},
		{"2001:db8::1", AS{}, false},
	}
	for _, tc := range tests {
		got, ok := db.Lookup(tc.ip, 64500)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Lookup(%s) = %+v, %v; want %+v, %v", tc.ip, got, ok, tc.want, tc.ok)
		}
	}
	if got := db.Source(); got != "ASN database Test-ASN ("+path+")" {
		t.Errorf("Source() = %q", got)
	}
	if _, err := OpenDB(filepath.Join(t.TempDir(), "missing.mmdb")); err == nil {
		t.Error("opening a missing file succeeded")
	}
	if _, err := OpenDBBytes("junk", []byte("not a database")); err == nil {
		t.Error("opening junk succeeded")
	}
}

// mmdb4 writes an IPv4 MaxMind DB (record size 24) mapping the prefixes to
// ASN records.
func mmdb4(t *testing.T, prefixes map[string]AS) []byte {
	t.Helper()
	type rec struct {
		kind byte // 0 empty, 'n' node, 'd' data
		v    int
	}
	nodes := [][2]rec{{}}
	var dataSection bytes.Buffer
	for p, as := range prefixes {
		pfx := netip.MustParsePrefix(p)
		off := dataSection.Len()
		encMap(&dataSection, []kv{
			{"autonomous_system_number", uintVal(6, uint64(as.Number))},
			{"autonomous_system_organization", strVal(as.Organization)},
		})
		ip := pfx.Addr().As4()
		cur := 0
		for i := 0; i < pfx.Bits(); i++ {
			bit := (ip[i/8] >> (7 - i%8)) & 1
			if i == pfx.Bits()-1 {
				nodes[cur][bit] = rec{'d', off}
				break
			}
			if nodes[cur][bit].kind != 'n' {
				nodes = append(nodes, [2]rec{})
				nodes[cur][bit] = rec{'n', len(nodes) - 1}
			}
			cur = nodes[cur][bit].v
		}
	}
	n := len(nodes)
	var out bytes.Buffer
	for _, nd := range nodes {
		for _, r := range nd {
			v := n // empty
			switch r.kind {
			case 'n':
				v = r.v
			case 'd':
				v = n + 16 + r.v
			}
			out.Write([]byte{byte(v >> 16), byte(v >> 8), byte(v)})
		}
	}
	out.Write(make([]byte, 16))
	out.Write(dataSection.Bytes())
	out.WriteString("\xab\xcd\xefMaxMind.com")
	encMap(&out, []kv{
		{"binary_format_major_version", uintVal(5, 2)},
		{"binary_format_minor_version", uintVal(5, 0)},
		{"build_epoch", uint64Val(1714640000)},
		{"database_type", strVal("Test-ASN")},
		{"description", func(b *bytes.Buffer) { encMap(b, []kv{{"en", strVal("test")}}) }},
		{"ip_version", uintVal(5, 4)},
		{"languages", func(b *bytes.Buffer) { b.Write([]byte{1, 4}); strVal("en")(b) }},
		{"node_count", uintVal(6, uint64(n))},
		{"record_size", uintVal(5, 24)},
	})
	return out.Bytes()
}

type kv struct {
	key string
	val func(*bytes.Buffer)
}

// encMap writes a map (type 7) of fewer than 29 pairs.
func encMap(b *bytes.Buffer, pairs []kv) {
	b.WriteByte(7<<5 | byte(len(pairs)))
	for _, p := range pairs {
		strVal(p.key)(b)
		p.val(b)
	}
}

// strVal writes a UTF-8 string (type 2) of at most 284 bytes.
func strVal(s string) func(*bytes.Buffer) {
	return func(b *bytes.Buffer) {
		if len(s) < 29 {
			b.WriteByte(2<<5 | byte(len(s)))
		} else {
			b.Write([]byte{2<<5 | 29, byte(len(s) - 29)})
		}
		b.WriteString(s)
	}
}

// uintVal writes an unsigned integer of type 5 (uint16) or 6 (uint32).
func uintVal(typ byte, v uint64) func(*bytes.Buffer) {
	return func(b *bytes.Buffer) {
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], v)
		i := 0
		for i < 8 && buf[i] == 0 {
			i++
		}
		b.WriteByte(typ<<5 | byte(8-i))
		b.Write(buf[i:])
	}
}

// uint64Val writes an extended uint64 (type 9).
func uint64Val(v uint64) func(*bytes.Buffer) {
	return func(b *bytes.Buffer) {
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], v)
		i := 0
		for i < 8 && buf[i] == 0 {
			i++
		}
		b.Write([]byte{byte(8 - i), 9 - 7})
		b.Write(buf[i:])
	}
}
