package templates

// PageType is what an application tab shows.
type PageType string

// Page types, as in Dynamics' application tab templates.
const (
	Dashboard         PageType = "dashboard"
	EntityList        PageType = "entityList"
	EntityRecord      PageType = "entityRecord"
	Search            PageType = "search"
	ThirdPartyWebsite PageType = "thirdPartyWebsite"
	WebResource       PageType = "webResource"
	Control           PageType = "control"
	Custom            PageType = "custom"
)

// ParamType says how a parameter's value is converted once its slugs are
// resolved.
type ParamType string

// Parameter types.
const (
	String  ParamType = "string"  // slugs resolved, kept as text
	Number  ParamType = "number"  // "42" becomes 42
	Boolean ParamType = "boolean" // "false" becomes false, as a reader expects
	JSON    ParamType = "json"    // a JSON text becomes the value it encodes
)

// ParamSpec describes one parameter of a page type.
type ParamSpec struct {
	Name     string
	Type     ParamType
	Required bool
}

// pageTypes lists each page type's parameters, from Dynamics' application
// tab template documentation.
var pageTypes = map[PageType][]ParamSpec{
	Dashboard:         {{"dashboardId", String, true}},
	EntityList:        {{"entityName", String, true}, {"viewId", String, false}},
	EntityRecord:      {{"entityName", String, true}, {"entityId", String, false}, {"formId", String, false}, {"validateRecord", Boolean, false}, {"data", JSON, false}},
	Search:            {{"searchText", String, true}, {"searchType", Number, false}, {"entityName", String, false}},
	ThirdPartyWebsite: {{"url", String, true}, {"data", String, false}},
	WebResource:       {{"webresourceName", String, true}, {"data", String, false}},
	Control:           {{"controlName", String, true}, {"data", String, false}},
	Custom:            {{"name", String, true}, {"entityName", String, false}, {"recordId", String, false}},
}

// Params returns the parameters of a page type, and false for an unknown
// page type.
func (p PageType) Params() ([]ParamSpec, bool) {
	specs, ok := pageTypes[p]
	return specs, ok
}
