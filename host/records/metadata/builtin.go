package metadata

// The built-in entities, with Dataverse's logical names, entity set names,
// object type codes, attributes and option values. Only the attributes an
// agent desktop needs are here; the administrator adds others in
// entities.json.

// Builtin returns a fresh copy of the built-in entities: contact, account,
// incident, phonecall, task.
func Builtin() []*Entity {
	return []*Entity{contact(), account(), incident(), phonecall(), task()}
}

// BuiltinCatalog is a Catalog of the built-in entities alone.
func BuiltinCatalog() *Catalog { return newCatalog(Builtin()) }

func ptr(v int) *int { return &v }

func id(name, display string) *Attribute {
	return &Attribute{LogicalName: name, DisplayName: display, Type: Uniqueidentifier, RequiredLevel: RequiredSystem}
}

func str(name, display, format string, maxLength int) *Attribute {
	return &Attribute{LogicalName: name, DisplayName: display, Type: String, Format: format, MaxLength: maxLength, RequiredLevel: RequiredNone}
}

func searchable(a *Attribute) *Attribute { a.Searchable = true; return a }

func required(level string, a *Attribute) *Attribute { a.RequiredLevel = level; return a }

func readOnly(a *Attribute) *Attribute { a.ReadOnly = true; return a }

func memo(name, display string, maxLength int) *Attribute {
	return &Attribute{LogicalName: name, DisplayName: display, Type: Memo, Format: FormatTextArea, MaxLength: maxLength, RequiredLevel: RequiredNone}
}

func integer(name, display, format string, lo, hi float64) *Attribute {
	return &Attribute{LogicalName: name, DisplayName: display, Type: Integer, Format: format, MinValue: lo, MaxValue: hi, RequiredLevel: RequiredNone}
}

func money(name, display string, lo, hi float64) *Attribute {
	return &Attribute{LogicalName: name, DisplayName: display, Type: Money, MinValue: lo, MaxValue: hi, Precision: 2, RequiredLevel: RequiredNone}
}

func boolean(name, display, falseLabel, trueLabel string, def int) *Attribute {
	return &Attribute{LogicalName: name, DisplayName: display, Type: Boolean, Default: ptr(def), RequiredLevel: RequiredNone,
		Options: []Option{{Value: 0, Label: falseLabel}, {Value: 1, Label: trueLabel}}}
}

func datetime(name, display, format string) *Attribute {
	return &Attribute{LogicalName: name, DisplayName: display, Type: DateTime, Format: format, RequiredLevel: RequiredNone}
}

func picklist(name, display string, def *int, options ...Option) *Attribute {
	return &Attribute{LogicalName: name, DisplayName: display, Type: Picklist, Default: def, Options: options, RequiredLevel: RequiredNone}
}

func lookup(name, display string, targets ...Target) *Attribute {
	t := Lookup
	if len(targets) == 2 && targets[0].Entity == "account" && targets[1].Entity == "contact" {
		t = Customer
	}
	return &Attribute{LogicalName: name, DisplayName: display, Type: t, Targets: targets, RequiredLevel: RequiredNone}
}

// stateStatus returns statecode and statuscode with their options.
func stateStatus(states []Option, statuses []Option) []*Attribute {
	return []*Attribute{
		{LogicalName: "statecode", DisplayName: "Status", Type: State, Options: states, Default: ptr(states[0].Value), RequiredLevel: RequiredSystem},
		{LogicalName: "statuscode", DisplayName: "Status Reason", Type: Status, Options: statuses, Default: ptr(states[0].DefaultStatus), RequiredLevel: RequiredNone},
	}
}

// activeInactive is the state model of contact, account and custom
// entities.
func activeInactive() []*Attribute {
	return stateStatus(
		[]Option{{Value: 0, Label: "Active", DefaultStatus: 1}, {Value: 1, Label: "Inactive", DefaultStatus: 2}},
		[]Option{{Value: 1, Label: "Active", State: 0}, {Value: 2, Label: "Inactive", State: 1}})
}

// system returns the attributes every entity has.
func system() []*Attribute {
	return []*Attribute{
		readOnly(datetime("createdon", "Created On", FormatDateAndTime)),
		readOnly(datetime("modifiedon", "Modified On", FormatDateAndTime)),
		readOnly(&Attribute{LogicalName: "versionnumber", DisplayName: "Version Number", Type: BigInt, RequiredLevel: RequiredNone}),
	}
}

func attrs(groups ...[]*Attribute) []*Attribute {
	var all []*Attribute
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

func address() []*Attribute {
	return []*Attribute{
		str("address1_line1", "Address 1: Street 1", FormatText, 250),
		str("address1_city", "Address 1: City", FormatText, 80),
		str("address1_postalcode", "Address 1: ZIP/Postal Code", FormatText, 20),
		str("address1_country", "Address 1: Country/Region", FormatText, 80),
	}
}

func contact() *Entity {
	return &Entity{
		LogicalName: "contact", EntitySetName: "contacts", DisplayName: "Contact", DisplayCollectionName: "Contacts",
		PrimaryIDAttribute: "contactid", PrimaryNameAttribute: "fullname", ObjectTypeCode: 2,
		Attributes: attrs([]*Attribute{
			id("contactid", "Contact"),
			searchable(readOnly(str("fullname", "Full Name", FormatText, 160))),
			searchable(str("firstname", "First Name", FormatText, 50)),
			searchable(required(RequiredApplication, str("lastname", "Last Name", FormatText, 50))),
			str("jobtitle", "Job Title", FormatText, 100),
			lookup("parentcustomerid", "Company Name",
				Target{"account", "parentcustomerid_account"}, Target{"contact", "parentcustomerid_contact"}),
			searchable(str("emailaddress1", "Email", FormatEmail, 100)),
			searchable(str("telephone1", "Business Phone", FormatPhone, 50)),
			searchable(str("telephone2", "Home Phone", FormatPhone, 50)),
			searchable(str("mobilephone", "Mobile Phone", FormatPhone, 50)),
			picklist("preferredcontactmethodcode", "Preferred Method of Contact", ptr(1),
				Option{Value: 1, Label: "Any"}, Option{Value: 2, Label: "Email"}, Option{Value: 3, Label: "Phone"},
				Option{Value: 4, Label: "Fax"}, Option{Value: 5, Label: "Mail"}),
			boolean("donotphone", "Do not allow Phone Calls", "Allow", "Do Not Allow", 0),
			datetime("birthdate", "Birthday", FormatDateOnly),
			money("creditlimit", "Credit Limit", 0, 1000000000000),
		}, address(), []*Attribute{memo("description", "Description", 2000)}, activeInactive(), system()),
	}
}

func account() *Entity {
	return &Entity{
		LogicalName: "account", EntitySetName: "accounts", DisplayName: "Account", DisplayCollectionName: "Accounts",
		PrimaryIDAttribute: "accountid", PrimaryNameAttribute: "name", ObjectTypeCode: 1,
		Attributes: attrs([]*Attribute{
			id("accountid", "Account"),
			searchable(required(RequiredApplication, str("name", "Account Name", FormatText, 160))),
			searchable(str("accountnumber", "Account Number", FormatText, 20)),
			searchable(str("telephone1", "Main Phone", FormatPhone, 50)),
			searchable(str("telephone2", "Other Phone", FormatPhone, 50)),
			searchable(str("emailaddress1", "Email", FormatEmail, 100)),
			str("websiteurl", "Website", FormatURL, 200),
			lookup("primarycontactid", "Primary Contact", Target{"contact", "primarycontactid"}),
			lookup("parentaccountid", "Parent Account", Target{"account", "parentaccountid"}),
			picklist("industrycode", "Industry", nil, industries()...),
			money("revenue", "Annual Revenue", 0, 100000000000000),
			integer("numberofemployees", "Number of Employees", FormatNone, 0, 1000000000),
		}, address(), []*Attribute{memo("description", "Description", 2000)}, activeInactive(), system()),
	}
}

func industries() []Option {
	labels := []string{
		"Accounting", "Agriculture and Non-petrol Natural Resource Extraction", "Broadcasting Printing and Publishing",
		"Brokers", "Building Supply Retail", "Business Services", "Consulting", "Consumer Services",
		"Design, Direction and Creative Management", "Distributors, Dispatchers and Processors",
		"Doctor's Offices and Clinics", "Durable Manufacturing", "Eating and Drinking Places", "Entertainment Retail",
		"Equipment Rental and Leasing", "Financial", "Food and Tobacco Processing", "Inbound Capital Intensive Processing",
		"Inbound Repair and Services", "Insurance", "Legal Services", "Non-Durable Merchandise Retail",
		"Outbound Consumer Service", "Petrochemical Extraction and Distribution", "Service Retail", "SIG Affiliations",
		"Social Services", "Special Outbound Trade Contractors", "Specialty Realty", "Transportation",
		"Utility Creation and Distribution", "Vehicle Retail", "Wholesale",
	}
	options := make([]Option, len(labels))
	for i, l := range labels {
		options[i] = Option{Value: i + 1, Label: l}
	}
	return options
}

func incident() *Entity {
	return &Entity{
		LogicalName: "incident", EntitySetName: "incidents", DisplayName: "Case", DisplayCollectionName: "Cases",
		PrimaryIDAttribute: "incidentid", PrimaryNameAttribute: "title", ObjectTypeCode: 112,
		Attributes: attrs([]*Attribute{
			id("incidentid", "Case"),
			searchable(required(RequiredApplication, str("title", "Case Title", FormatText, 200))),
			searchable(readOnly(str("ticketnumber", "Case Number", FormatText, 100))),
			required(RequiredSystem, lookup("customerid", "Customer",
				Target{"account", "customerid_account"}, Target{"contact", "customerid_contact"})),
			lookup("primarycontactid", "Contact", Target{"contact", "primarycontactid"}),
			picklist("casetypecode", "Case Type", nil,
				Option{Value: 1, Label: "Question"}, Option{Value: 2, Label: "Problem"}, Option{Value: 3, Label: "Request"}),
			picklist("caseorigincode", "Origin", nil,
				Option{Value: 1, Label: "Phone"}, Option{Value: 2, Label: "Email"}, Option{Value: 3, Label: "Web"},
				Option{Value: 2483, Label: "Facebook"}, Option{Value: 3986, Label: "Twitter"}, Option{Value: 700610000, Label: "IoT"}),
			picklist("prioritycode", "Priority", ptr(2),
				Option{Value: 1, Label: "High"}, Option{Value: 2, Label: "Normal"}, Option{Value: 3, Label: "Low"}),
			memo("description", "Description", 2000),
		}, stateStatus(
			[]Option{{Value: 0, Label: "Active", DefaultStatus: 1}, {Value: 1, Label: "Resolved", DefaultStatus: 5}, {Value: 2, Label: "Canceled", DefaultStatus: 6}},
			[]Option{
				{Value: 1, Label: "In Progress", State: 0}, {Value: 2, Label: "On Hold", State: 0},
				{Value: 3, Label: "Waiting for Details", State: 0}, {Value: 4, Label: "Researching", State: 0},
				{Value: 5, Label: "Problem Solved", State: 1}, {Value: 1000, Label: "Information Provided", State: 1},
				{Value: 6, Label: "Canceled", State: 2}, {Value: 2000, Label: "Merged", State: 2},
			}), system()),
	}
}

// activityPriority is the priority of phone calls and tasks.
func activityPriority() *Attribute {
	return picklist("prioritycode", "Priority", ptr(1),
		Option{Value: 0, Label: "Low"}, Option{Value: 1, Label: "Normal"}, Option{Value: 2, Label: "High"})
}

// regarding is an activity's regardingobjectid, whose navigation
// properties carry the activity's name: regardingobjectid_contact_phonecall.
func regarding(activity string) *Attribute {
	var targets []Target
	for _, t := range []string{"account", "contact", "incident"} {
		targets = append(targets, Target{t, "regardingobjectid_" + t + "_" + activity})
	}
	return lookup("regardingobjectid", "Regarding", targets...)
}

func phonecall() *Entity {
	return &Entity{
		LogicalName: "phonecall", EntitySetName: "phonecalls", DisplayName: "Phone Call", DisplayCollectionName: "Phone Calls",
		PrimaryIDAttribute: "activityid", PrimaryNameAttribute: "subject", ObjectTypeCode: 4210, IsActivity: true,
		Attributes: attrs([]*Attribute{
			id("activityid", "Phone Call"),
			searchable(required(RequiredApplication, str("subject", "Subject", FormatText, 200))),
			searchable(str("phonenumber", "Phone Number", FormatPhone, 200)),
			boolean("directioncode", "Direction", "Incoming", "Outgoing", 1),
			regarding("phonecall"),
			integer("actualdurationminutes", "Duration", FormatDuration, 0, MaxInteger),
			datetime("scheduledend", "Due", FormatDateAndTime),
			activityPriority(),
			memo("description", "Description", 2000),
		}, stateStatus(
			[]Option{{Value: 0, Label: "Open", DefaultStatus: 1}, {Value: 1, Label: "Completed", DefaultStatus: 2}, {Value: 2, Label: "Canceled", DefaultStatus: 3}},
			[]Option{{Value: 1, Label: "Open", State: 0}, {Value: 2, Label: "Made", State: 1}, {Value: 4, Label: "Received", State: 1}, {Value: 3, Label: "Canceled", State: 2}},
		), system()),
	}
}

func task() *Entity {
	return &Entity{
		LogicalName: "task", EntitySetName: "tasks", DisplayName: "Task", DisplayCollectionName: "Tasks",
		PrimaryIDAttribute: "activityid", PrimaryNameAttribute: "subject", ObjectTypeCode: 4212, IsActivity: true,
		Attributes: attrs([]*Attribute{
			id("activityid", "Task"),
			searchable(required(RequiredApplication, str("subject", "Subject", FormatText, 200))),
			regarding("task"),
			datetime("scheduledend", "Due Date", FormatDateAndTime),
			activityPriority(),
			integer("percentcomplete", "Percent Complete", FormatNone, 0, 100),
			integer("actualdurationminutes", "Duration", FormatDuration, 0, MaxInteger),
			memo("description", "Description", 2000),
		}, stateStatus(
			[]Option{{Value: 0, Label: "Open", DefaultStatus: 2}, {Value: 1, Label: "Completed", DefaultStatus: 5}, {Value: 2, Label: "Canceled", DefaultStatus: 6}},
			[]Option{
				{Value: 2, Label: "Not Started", State: 0}, {Value: 3, Label: "In Progress", State: 0},
				{Value: 4, Label: "Waiting on someone else", State: 0}, {Value: 7, Label: "Deferred", State: 0},
				{Value: 5, Label: "Completed", State: 1}, {Value: 6, Label: "Canceled", State: 2},
			}), system()),
	}
}
