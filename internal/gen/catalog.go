package gen

// The catalogue of facts the generator draws on: first-party applications
// and the resources they call, networks with their autonomous systems,
// offices, error codes. Application ids, names and error codes are the real
// ones; the networks are plausible public ranges of the named operators or
// documentation ranges (RFC 5737), with the operators' real AS numbers.

// app is a client application.
type app struct {
	id, name string
	res      *resource
	client   string // clientAppUsed
	scope    string // the OAuth scopes in authenticationProcessingDetails
}

// resource is an API that applications get tokens for.
type resource struct{ id, name string }

var (
	resGraph      = &resource{"00000003-0000-0000-c000-000000000000", "Microsoft Graph"}
	resExchange   = &resource{"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"}
	resSharePoint = &resource{"00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"}
	resTeams      = &resource{"cc15fd57-2c6c-4117-a88c-83b1d56b4bbe", "Microsoft Teams Services"}
	resAzureMgmt  = &resource{"797f4846-ba00-4fd7-ba43-dac1f8f63013", "Windows Azure Service Management API"}
	resAAD        = &resource{"00000002-0000-0000-c000-000000000000", "Windows Azure Active Directory"}
	resDRS        = &resource{"01cb2876-7ebd-4aa4-9cc9-d28bd4d359a9", "Device Registration Service"}
	resOfficeHome = &resource{"4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome"}
)

const (
	clientModern  = "Mobile Apps and Desktop clients"
	clientBrowser = "Browser"
)

var (
	appTeams      = &app{"1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams", resTeams, clientModern, "[\"user_impersonation\"]"}
	appOffice     = &app{"d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office", resExchange, clientModern, "[\"EWS.AccessAsUser.All\",\"Mail.ReadWrite\",\"offline_access\"]"}
	appOneDrive   = &app{"ab9b8c07-8f02-4f72-87fa-80105867a763", "OneDrive SyncEngine", resSharePoint, clientModern, "[\"AllSites.Write\",\"MyFiles.Write\"]"}
	appEdge       = &app{"ecd6b820-32c2-49b6-98a6-444530e5a77a", "Microsoft Edge", resGraph, clientModern, "[\"User.Read\",\"profile\",\"openid\"]"}
	appBroker     = &app{"29d9ed98-a469-4536-ade2-f981bc1d605e", "Microsoft Authentication Broker", resDRS, clientModern, "[\"adrs_access\"]"}
	appWinSignIn  = &app{"38aa3b87-a06d-4817-b275-7a316988d93b", "Windows Sign In", resAAD, clientModern, "[\"openid\"]"}
	appOutlookMob = &app{"27922004-5251-4030-b22d-91ecd9a37ea4", "Outlook Mobile", resExchange, clientModern, "[\"EAS.AccessAsUser.All\",\"offline_access\"]"}
	appOfficeHome = &app{"4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome", resOfficeHome, clientBrowser, "[\"openid\",\"profile\"]"}
	appPortal     = &app{"c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal", resAzureMgmt, clientBrowser, "[\"user_impersonation\"]"}
	appAzureCLI   = &app{"04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Microsoft Azure CLI", resAzureMgmt, clientModern, "[\"user_impersonation\"]"}
	appAzurePS    = &app{"1950a258-227b-4e31-a9cf-717495945fc2", "Microsoft Azure PowerShell", resAzureMgmt, clientModern, "[\"user_impersonation\"]"}
	appGraphExpl  = &app{"de8bc8b5-d9f9-48b1-a8ad-b748da725064", "Graph Explorer", resGraph, clientBrowser, "[\"User.Read\",\"openid\",\"profile\"]"}
	appTeamsWeb   = &app{"5e3ce6c0-2b1f-4285-8d4b-75ee78787346", "Microsoft Teams Web Client", resTeams, clientBrowser, "[\"user_impersonation\"]"}
	appExchange   = &app{"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online", resGraph, clientBrowser, "[\"Mail.Read\"]"}
	appSharePoint = &app{"00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online", resGraph, clientBrowser, "[\"Files.Read.All\"]"}
	appWinSearch  = &app{"26a7ee05-5602-4d76-a7ba-eae8b7b67941", "Windows Search", resGraph, clientModern, "[\"Files.Read.All\"]"}
	appCompanyPtl = &app{"9ba1a5c7-f17a-4de9-a1f1-6178c8d51223", "Microsoft Intune Company Portal", resGraph, clientModern, "[\"User.Read\"]"}
)

// The third-party applications of the consent-phishing scenario: publisher
// unverified, multi-tenant, asking for mail and files.
var (
	appLure    = &app{"5b7c1a36-9e4d-4b8f-a2c3-71e0d4f6a9b2", "Secure PDF Viewer", resGraph, clientBrowser, "[\"Mail.Read\",\"Files.Read.All\",\"offline_access\"]"}
	appLure2   = &app{"e3a91f0c-47d2-4c6e-b5a8-2f9d08c1e7b4", "Mailbox Archive Assistant", resGraph, clientBrowser, "[\"Mail.ReadWrite\",\"offline_access\"]"}
	appPartner = &app{"8c2f6d14-1a7e-4f39-9b05-d6e3a2c17f80", "Northwind Expense Reports", resGraph, clientBrowser, "[\"User.Read\",\"Files.Read\"]"}
)

// network is an address block of one operator.
type network struct {
	kind     netKind
	asn      int
	org      string // GeoLite2 ASN organisation name, as Elastic's pipeline looks it up
	base     [4]byte
	hostBits uint // addresses are base + [0, 2^hostBits)
	country  string
	city     string
	state    string
	lat, lon float64
}

type netKind uint8

const (
	netCorporate netKind = iota
	netHome
	netMobile
	netMicrosoft
	netHosting
)

// Offices and their egress. AS 64500–64511 are documentation numbers (RFC
// 5398), standing for the tenant's own provider-independent space.
type office struct {
	name, tz string
	country  string
	egress   *network
	homes    []*network
	mobiles  []*network
}

var (
	netSeattleHQ = &network{netCorporate, 64500, "NORTHWIND-TRADERS", [4]byte{198, 51, 100, 0}, 5, "US", "Seattle", "Washington", 47.6062, -122.3321}
	netNewYork   = &network{netCorporate, 64500, "NORTHWIND-TRADERS", [4]byte{198, 51, 100, 64}, 5, "US", "New York", "New York", 40.7128, -74.006}
	netLondon    = &network{netCorporate, 64501, "NORTHWIND-TRADERS-EU", [4]byte{203, 0, 113, 0}, 5, "GB", "London", "England", 51.5072, -0.1276}
	netBerlin    = &network{netCorporate, 64501, "NORTHWIND-TRADERS-EU", [4]byte{192, 0, 2, 0}, 5, "DE", "Berlin", "Berlin", 52.52, 13.405}
	netBangalore = &network{netCorporate, 64502, "NORTHWIND-TRADERS-APAC", [4]byte{198, 51, 100, 128}, 5, "IN", "Bengaluru", "Karnataka", 12.9716, 77.5946}
	netSydney    = &network{netCorporate, 64502, "NORTHWIND-TRADERS-APAC", [4]byte{198, 51, 100, 192}, 5, "AU", "Sydney", "New South Wales", -33.8688, 151.2093}

	netComcast   = &network{netHome, 7922, "COMCAST-7922", [4]byte{73, 0, 0, 0}, 22, "US", "Seattle", "Washington", 47.61, -122.33}
	netVerizon   = &network{netHome, 701, "UUNET", [4]byte{71, 160, 0, 0}, 20, "US", "New York", "New York", 40.71, -74.0}
	netBT        = &network{netHome, 2856, "British Telecommunications PLC", [4]byte{86, 128, 0, 0}, 22, "GB", "London", "England", 51.5, -0.12}
	netVirgin    = &network{netHome, 5089, "Virgin Media Limited", [4]byte{81, 96, 0, 0}, 19, "GB", "Croydon", "England", 51.37, -0.1}
	netTelekom   = &network{netHome, 3320, "Deutsche Telekom AG", [4]byte{87, 128, 0, 0}, 22, "DE", "Berlin", "Berlin", 52.52, 13.4}
	netVodafDE   = &network{netHome, 3209, "Vodafone GmbH", [4]byte{188, 96, 0, 0}, 20, "DE", "Potsdam", "Brandenburg", 52.39, 13.06}
	netAirtel    = &network{netHome, 24560, "Bharti Airtel Ltd., Telemedia Services", [4]byte{122, 160, 0, 0}, 20, "IN", "Bengaluru", "Karnataka", 12.97, 77.59}
	netTelstra   = &network{netHome, 1221, "Telstra Pty Ltd", [4]byte{1, 128, 0, 0}, 21, "AU", "Sydney", "New South Wales", -33.87, 151.21}
	netTMobile   = &network{netMobile, 21928, "T-MOBILE-AS21928", [4]byte{172, 56, 0, 0}, 18, "US", "Seattle", "Washington", 47.6, -122.3}
	netVzw       = &network{netMobile, 6167, "CELLCO-PART", [4]byte{174, 192, 0, 0}, 22, "US", "New York", "New York", 40.7, -74.0}
	netEE        = &network{netMobile, 12576, "EE Limited", [4]byte{92, 40, 0, 0}, 19, "GB", "London", "England", 51.5, -0.13}
	netO2DE      = &network{netMobile, 6805, "Telefonica Germany GmbH & Co.OHG", [4]byte{78, 52, 0, 0}, 18, "DE", "Berlin", "Berlin", 52.5, 13.4}
	netJio       = &network{netMobile, 55836, "Reliance Jio Infocomm Limited", [4]byte{49, 32, 0, 0}, 20, "IN", "Bengaluru", "Karnataka", 12.97, 77.6}
	netOptus     = &network{netMobile, 4804, "Microplex PTY LTD", [4]byte{49, 176, 0, 0}, 18, "AU", "Sydney", "New South Wales", -33.86, 151.2}
	netMSFT      = &network{netMicrosoft, 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", [4]byte{52, 96, 0, 0}, 16, "US", "Redmond", "Washington", 47.674, -122.1215}
	netAzureVM   = &network{netMicrosoft, 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", [4]byte{20, 86, 0, 0}, 14, "NL", "Amsterdam", "North Holland", 52.3676, 4.9041}
	netDO        = &network{netHosting, 14061, "DIGITALOCEAN-ASN", [4]byte{203, 0, 113, 128}, 6, "NL", "Amsterdam", "North Holland", 52.37, 4.89}
	netM247      = &network{netHosting, 9009, "M247 Europe SRL", [4]byte{192, 0, 2, 128}, 6, "RO", "Bucharest", "Bucuresti", 44.4268, 26.1025}
	netOVH       = &network{netHosting, 16276, "OVH SAS", [4]byte{192, 0, 2, 64}, 5, "FR", "Roubaix", "Hauts-de-France", 50.6942, 3.1746}
	netHostinger = &network{netHosting, 47583, "Hostinger International Limited", [4]byte{203, 0, 113, 64}, 5, "LT", "Vilnius", "Vilnius", 54.6872, 25.2797}
)

var offices = []*office{
	{"Seattle", "America/Los_Angeles", "US", netSeattleHQ, []*network{netComcast, netComcast, netVerizon}, []*network{netTMobile, netVzw}},
	{"New York", "America/New_York", "US", netNewYork, []*network{netVerizon, netComcast}, []*network{netVzw, netTMobile}},
	{"London", "Europe/London", "GB", netLondon, []*network{netBT, netVirgin}, []*network{netEE}},
	{"Berlin", "Europe/Berlin", "DE", netBerlin, []*network{netTelekom, netVodafDE}, []*network{netO2DE}},
	{"Bengaluru", "Asia/Kolkata", "IN", netBangalore, []*network{netAirtel}, []*network{netJio}},
	{"Sydney", "Australia/Sydney", "AU", netSydney, []*network{netTelstra}, []*network{netOptus}},
}

// officeWeights spreads users over offices (per mille, cumulative use).
var officeWeights = []int{34, 18, 18, 12, 12, 6}

// failure is a sign-in error with its failure reason as Entra writes it.
type failure struct {
	code   int
	reason string
	detail string // status.additionalDetails, when the code comes with one
}

var (
	errBadPassword   = &failure{50126, "Error validating credentials due to invalid username or password.", ""}
	errMFARequired   = &failure{50074, "Strong Authentication is required.", "MFA required in Azure AD"}
	errMFALocation   = &failure{50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.", "MFA required in Azure AD"}
	errKMSI          = &failure{50140, "This error occurred due to 'Keep me signed in' interrupt when the user was signing-in.", ""}
	errCABlocked     = &failure{53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.", ""}
	errMFAFailed     = &failure{500121, "Authentication failed during strong authentication request.", ""}
	errConsentNeeded = &failure{65001, "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.", ""}
	errConsentDenied = &failure{65004, "User declined to consent to access the app.", ""}
	errAdminConsent  = &failure{90094, "Admin consent is required for the permissions requested by this application. An admin consent request may be sent to the admin.", ""}
	errDevicePending = &failure{70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.", ""}
	errSSOSession    = &failure{50058, "Session information is not sufficient for single-sign-on.", ""}
	errTokenExpired  = &failure{700082, "The refresh token has expired due to inactivity.", ""}
	errDeviceAuth    = &failure{50097, "Device authentication is required.", ""}
	errGrantRevoked  = &failure{50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed.", ""}
)

// The MFA outcomes written to status.additionalDetails with 500121.
const (
	mfaDeclined     = "MFA denied; user declined the authentication"
	mfaNoResponse   = "MFA denied; user did not respond to mobile app notification"
	mfaFraud        = "MFA denied; Fraud code entered"
	mfaCompleted    = "MFA successfully completed"
	mfaByClaim      = "MFA requirement satisfied by claim in the token"
	firstByClaim    = "First factor requirement satisfied by claim in the token"
	correctPassword = "Correct password"
)

var firstNames = []string{"Adele", "Alex", "Allan", "Amara", "Ana", "Anders", "Ben", "Bianca", "Carlos", "Chen", "Chloe", "Daniel", "Deepa", "Diego", "Elena", "Emily", "Emma", "Farah", "Felix", "Grace", "Hannah", "Hiroshi", "Isaac", "Isabel", "Jakob", "James", "Jana", "Jia", "Johanna", "Jonas", "Karan", "Kate", "Lars", "Laura", "Lee", "Lena", "Liam", "Lidia", "Lucas", "Lynne", "Maya", "Megan", "Mei", "Miriam", "Nadia", "Nestor", "Nikhil", "Noah", "Olivia", "Omar", "Patti", "Pradeep", "Priya", "Rahul", "Raul", "Sara", "Sofia", "Tomas", "Wei", "Zoe"}

var lastNames = []string{"Adams", "Bauer", "Bennett", "Bowen", "Brown", "Chandra", "Clarke", "Cruz", "Das", "Diaz", "Evans", "Fischer", "Fernandes", "Garcia", "Gupta", "Hall", "Hansen", "Hoffmann", "Iyer", "Jensen", "Johnson", "Kaur", "Keller", "Khan", "Kim", "Klein", "Kumar", "Larsen", "Lee", "Lopez", "Martin", "Meyer", "Miller", "Moreno", "Murphy", "Nair", "Nguyen", "Novak", "Okafor", "Patel", "Reddy", "Richter", "Rossi", "Schmidt", "Schulz", "Sethi", "Silva", "Singh", "Smith", "Sullivan", "Tanaka", "Taylor", "Thomas", "Vance", "Wagner", "Walker", "Weber", "Wilber", "Wright", "Zhang"}

var departments = []struct{ name, title string }{
	{"Sales", "Account Executive"},
	{"Marketing", "Marketing Specialist"},
	{"Finance", "Financial Analyst"},
	{"Human Resources", "HR Partner"},
	{"Operations", "Operations Manager"},
	{"Legal", "Counsel"},
	{"Customer Success", "Customer Success Manager"},
	{"Engineering", "Software Engineer"},
	{"Engineering", "Site Reliability Engineer"},
	{"IT", "Systems Administrator"},
}
