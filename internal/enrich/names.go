package enrich

// orgNames names well-known autonomous systems by the AS name their
// regional internet registry lists (the name GeoLite2-ASN reports for
// Microsoft's AS8075, which Elastic rule "Entra ID User Sign-in with
// Unusual Client" excludes). Facts from public registries; the big clouds,
// hosting providers and networks VPN services rent from.
var orgNames = map[int64]string{
	// Microsoft.
	8075: "MICROSOFT-CORP-MSN-AS-BLOCK",
	3598: "MICROSOFT-CORP-AS",
	// Amazon.
	16509: "AMAZON-02",
	14618: "AMAZON-AES",
	// Google.
	15169:  "GOOGLE",
	396982: "GOOGLE-CLOUD-PLATFORM",
	// Oracle.
	31898: "ORACLE-BMC-31898",
	// Cloudflare.
	13335: "CLOUDFLARENET",
	// DigitalOcean.
	14061: "DIGITALOCEAN-ASN",
	// OVH.
	16276: "OVH",
	// Hetzner.
	24940: "HETZNER-AS",
	// Linode (Akamai).
	63949: "AKAMAI-LINODE-AP",
	// Akamai.
	20940: "AKAMAI-ASN1",
	// Vultr (Choopa).
	20473: "AS-CHOOPA",
	// Hosting and transit networks commonly behind VPN exit nodes.
	9009:  "M247",
	60068: "CDN77",
	51852: "PLI-AS",
	62240: "CLOUVIDER",
	36352: "AS-COLOCROSSING",
	53667: "PONYNET",
	8100:  "ASN-QUADRANET-GLOBAL",
	46606: "UNIFIEDLAYER-AS-1",
	174:   "COGENT-174",
}

// Organization returns the built-in organization name of AS number n.
func Organization(n int64) (string, bool) {
	s, ok := orgNames[n]
	return s, ok
}
