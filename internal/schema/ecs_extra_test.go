package schema

import (
	"context"
	"testing"

	"vigil/internal/event"
	"vigil/internal/exec"
	"vigil/internal/normalize"
	"vigil/internal/plan"
	"vigil/internal/query/kuery"
)

// ecsExtraMembers are properties vigil has no canonical field for, as a
// newer Entra schema writes them: a member of its own, members inside
// known objects, an empty one, and one inside location, which the
// pipeline removes.
const ecsExtraMembers = `"agentSignIn": {"agentType": "notAgentic", "parentAppId": ""}, "deviceDetail": {"browser": "Edge 124.0.0", "newMember": "x"}, "status": {"errorCode": 0, "errorDetailCode": 7}, "emptyThing": "", "location": {"city": "Seattle", "futureThing": 1}`

// TestECSExtraProperties: every properties member is indexed, snake-cased
// under azure.signinlogs.properties, as the pipeline does, whether vigil
// has a field for it or not; a Kuery rule on one matches.
func TestECSExtraProperties(t *testing.T) {
	ev := ecsEventOf(t, ecsPatchRecord(t, ecsExtraMembers, ``))
	c := NewECS([]event.SignIn{ev}, nil, ECSOptions{})
	cols, _ := c.Columns(ECSSignInLogs)
	doc := ecsFlattenDoc(ECSDocument(cols, scanECS(t, c, ECSSignInLogs)[0]))
	for path, want := range map[string]string{
		"azure.signinlogs.properties.agent_sign_in.agent_type":    `"notAgentic"`,
		"azure.signinlogs.properties.device_detail.new_member":    `"x"`,
		"azure.signinlogs.properties.device_detail.browser":       `"Edge 124.0.0"`,
		"azure.signinlogs.properties.status.error_detail_code":    `7`,
		"azure.signinlogs.properties.status.error_code":           `0`,
		"azure.signinlogs.properties.agent_sign_in.parent_app_id": ``, // empty: removed
		"azure.signinlogs.properties.empty_thing":                 ``,
		"azure.signinlogs.properties.location.future_thing":       ``, // location is removed
		"azure.signinlogs.properties.agentSignIn.agentType":       ``,
	} {
		if got := doc[path]; got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}

	for _, tc := range []struct {
		query string
		want  int
	}{
		{`azure.signinlogs.properties.agent_sign_in.agent_type: "notAgentic"`, 1},
		{`azure.signinlogs.properties.device_detail.new_member: x and azure.signinlogs.properties.device_detail.browser: "Edge 124.0.0"`, 1},
		{`azure.signinlogs.properties.status.error_detail_code: 7`, 1},
		{`azure.signinlogs.properties.agent_sign_in: *`, 1},
		{`azure.signinlogs.properties.agent_sign_in.parent_app_id: *`, 0},
		{`azure.signinlogs.properties.location.future_thing: *`, 0},
	} {
		scan := &plan.Scan{Table: ECSSignInLogs}
		f, err := kuery.Compile(tc.query, scan, c)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		info, err := plan.Check(f, c)
		if err != nil {
			t.Fatal(err)
		}
		need := c.Needs(ECSSignInLogs, plan.TableColumns(f, info)[ECSSignInLogs])
		if !need.Extra {
			t.Errorf("%s: the projection does not keep unknown members", tc.query)
		}
		res, err := exec.Run(context.Background(), f, c, exec.Options{Now: at("2024-05-03T00:00:00Z").Time()})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != tc.want {
			t.Errorf("%s: %d rows, want %d", tc.query, len(res.Rows), tc.want)
		}
	}
}

// TestECSExtraPropertiesEveryShape: a Graph object's own members and an
// Elastic document's fields under azure.signinlogs.properties are
// properties too; the document the view renders reads back the same.
func TestECSExtraPropertiesEveryShape(t *testing.T) {
	want := dyn(t, `{"agent_sign_in":{"agent_type":"notAgentic"},"device_detail":{"new_member":"x"}}`)
	n := normalize.NewNormalizer()
	var graph event.SignIn
	if err := n.Graph([]byte(`{"id":"g1","createdDateTime":"2024-05-02T09:01:12Z","userPrincipalName":"a@contoso.example","agentSignIn":{"agentType":"notAgentic"},"deviceDetail":{"newMember":"x"},"@odata.type":"#microsoft.graph.signIn"}`), &graph); err != nil {
		t.Fatal(err)
	}
	c := NewECS([]event.SignIn{graph}, nil, ECSOptions{})
	got, _ := ecsField(c, ECSSignInLogs, scanECS(t, c, ECSSignInLogs)[0], ECSPropertiesColumn)
	if !event.Equal(got, want) {
		t.Errorf("graph: %v, want %v", got, want)
	}
	cols, _ := c.Columns(ECSSignInLogs)
	text := ECSDocument(cols, scanECS(t, c, ECSSignInLogs)[0]).AppendJSON(nil)
	var back event.SignIn
	var row event.Row
	if isRow, err := n.Elastic(text, &back, &row); err != nil || isRow {
		t.Fatalf("reading the document back: isRow=%v err=%v", isRow, err)
	}
	c2 := NewECS([]event.SignIn{back}, nil, ECSOptions{})
	got, _ = ecsField(c2, ECSSignInLogs, scanECS(t, c2, ECSSignInLogs)[0], ECSPropertiesColumn)
	if !event.Equal(got, want) {
		t.Errorf("read back from Elastic: %v, want %v", got, want)
	}
}

// TestECSFieldProblem: the fields a rule can name on the sign-in table,
// and why the others never hold a value.
func TestECSFieldProblem(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"azure.signinlogs.properties.app_id", ""},
		{"azure.signinlogs.properties.status", ""},
		{"azure.signinlogs.properties.agent_sign_in.agent_type", ""},
		{"azure.signinlogs.properties.authentication_details.succeeded", ""},
		{"azure.signinlogs.properties.authentication_processing_details.Is CAE Token", ""},
		{"azure.signinlogs.properties.tenantId", "the pipeline snake-cases the keys of properties: 'tenantId' is indexed as 'tenant_id'"},
		{"azure.signinlogs.properties.agentSignIn.agent_type", "the pipeline snake-cases the keys of properties: 'agentSignIn' is indexed as 'agent_sign_in'"},
		{"azure.signinlogs.properties.location.city", "the pipeline moves properties.location to geo.* and removes the rest of it"},
		{"azure.signinlogs.properties.status.error_code.x", "'azure.signinlogs.properties.status.error_code' is long, not an object"},
		{"source.geo.country_name", "the azure.signinlogs view has no field 'source.geo.country_name'"},
		{"user.email", "the azure.signinlogs view has no field 'user.email'"},
	} {
		if got := ECSFieldProblem(tc.name); got != tc.want {
			t.Errorf("ECSFieldProblem(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func ecsEventOf(t *testing.T, rec string) event.SignIn {
	t.Helper()
	var ev event.SignIn
	var row event.Row
	if isRow, err := normalize.NewNormalizer().AzureMonitor([]byte(rec), &ev, &row); err != nil || isRow {
		t.Fatalf("normalize: isRow=%v err=%v", isRow, err)
	}
	return ev
}
