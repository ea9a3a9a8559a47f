package input

import (
	"fmt"
	"strings"

	"vigil/internal/jsontext"
)

// Shape is the kind of record a file holds.
type Shape uint8

// The shapes vigil reads.
const (
	ShapeUnknown         Shape = iota
	ShapeGraph                 // Microsoft Graph signIn objects (v1.0 or beta)
	ShapeAzureMonitor          // Azure Monitor diagnostic records (Event Hub, storage account)
	ShapeLogAnalytics          // Log Analytics rows exported as JSON
	ShapeLogAnalyticsCSV       // Log Analytics rows exported as CSV from the portal
	ShapeElastic               // Elastic documents (_source or search hits)
)

var shapeNames = [...]string{"unknown", "graph", "azure-monitor", "log-analytics", "log-analytics-csv", "elastic"}

func (s Shape) String() string { return shapeNames[s] }

// ShapeNames lists the names ParseShape accepts.
func ShapeNames() []string { return shapeNames[1:] }

// ParseShape returns the shape with the given name (as --format takes it).
func ParseShape(name string) (Shape, error) {
	for i, n := range shapeNames[1:] {
		if n == name {
			return Shape(i + 1), nil
		}
	}
	return ShapeUnknown, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(ShapeNames(), ", "))
}

// ShapeOf names the shape of a JSON record from its top-level members; the
// wrapper it came in (jsontext.Record.Wrapper) breaks ties. It returns
// ShapeUnknown when the record fits no shape.
func ShapeOf(data []byte, wrapper string) Shape {
	var d jsontext.Decoder
	d.Reset(data)
	if !d.Object() {
		return ShapeUnknown
	}
	var (
		properties, envelope, source, ecs, pascal, graph, typeCol bool
		upper, lower                                              int
	)
	for d.NextKey() {
		key := string(d.Key())
		switch key {
		case "properties":
			properties = d.Peek() == jsontext.Object
		case "category", "operationName", "time", "callerIpAddress", "resultType":
			envelope = true
		case "_source":
			source = true
		case "@timestamp", "azure", "event", "ecs", "data_stream":
			ecs = true
		case "TimeGenerated":
			pascal = true
		case "Type":
			typeCol = true
		case "createdDateTime", "userPrincipalName", "appId", "ipAddress", "status":
			graph = true
		}
		if c := key[0:min(1, len(key))]; c != "" {
			if c[0] >= 'A' && c[0] <= 'Z' {
				upper++
			} else if c[0] >= 'a' && c[0] <= 'z' {
				lower++
			}
		}
		d.Skip()
	}
	switch {
	case d.Failed():
		return ShapeUnknown
	case source || ecs || wrapper == "hits":
		return ShapeElastic
	case properties && envelope:
		return ShapeAzureMonitor
	case pascal || (typeCol && upper > lower):
		return ShapeLogAnalytics
	case graph:
		return ShapeGraph
	case wrapper == "records":
		return ShapeAzureMonitor
	case wrapper == "value":
		return ShapeGraph
	}
	return ShapeUnknown
}
