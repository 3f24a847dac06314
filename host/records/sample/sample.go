// Package sample makes a deterministic sample organisation for the demo,
// the docs and the tests: a few hundred fictitious accounts, contacts,
// cases, phone calls and tasks. Every name is invented (companies are
// Microsoft's fictitious ones), every phone number is in the 555-0100 to
// 555-0199 range that North American numbering keeps for fiction, every
// email address is at an .example domain. The same call always gives the
// same records, ids included.
package sample

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// Sizes of the sample organisation.
const (
	Accounts   = 30
	Contacts   = 300
	Cases      = 200
	PhoneCalls = 120
	Tasks      = 60
)

var companies = []string{
	"Contoso", "Fabrikam", "Northwind Traders", "Adventure Works", "Tailspin Toys", "Wide World Importers",
	"Litware", "Proseware", "Fourth Coffee", "Coho Winery", "Alpine Ski House", "Woodgrove Bank",
	"Trey Research", "Lucerne Publishing", "Margie's Travel", "Blue Yonder Airlines", "City Power & Light",
	"Humongous Insurance", "Graphic Design Institute", "School of Fine Art", "Wingtip Toys", "VanArsdel",
	"Relecloud", "Southridge Video", "Consolidated Messenger", "A. Datum Corporation", "Bellows College",
	"Munson's Pickles and Preserves", "Tailwind Traders", "Lamna Healthcare",
}

var firstNames = []string{
	"Ann", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jamal", "Kari", "Liam",
	"Maya", "Nikolai", "Olivia", "Pedro", "Qing", "Rosa", "Sven", "Tamar", "Umar", "Vera", "Wei", "Ximena",
	"Yusuf", "Zoë", "Aoife", "Bjørn", "Chloé", "Dara", "Emeka", "Freya", "Gus", "Hana", "Ivan", "Jonas",
}

var lastNames = []string{
	"Lee", "García", "Novak", "Okafor", "Schmidt", "Tanaka", "Rossi", "Dubois", "Kowalski", "Haddad",
	"Andersen", "Moreau", "Silva", "Nguyen", "O'Brien", "Müller", "Kim", "Fischer", "Costa", "Ivanova",
	"Brennan", "Petrov", "Santos", "Bakker", "Lindqvist", "Mensah", "Patel", "Yilmaz", "Hughes", "Ortiz",
}

var jobTitles = []string{"Purchasing Manager", "Office Manager", "IT Director", "Accountant", "Owner",
	"Operations Lead", "Sales Representative", "Facilities Coordinator", "CFO", "Receptionist"}

var cities = []string{"Seattle", "Redmond", "Portland", "Chicago", "Boston", "Denver", "Austin", "Toronto", "Vancouver", "Atlanta"}

var areaCodes = []string{"206", "425", "503", "312", "617", "303", "512", "416", "604", "404"}

var caseTitles = []string{
	"Invoice shows the wrong amount", "Order arrived damaged", "Cannot sign in to the portal",
	"Request for a product demo", "Question about the warranty", "Delivery is late", "Password reset",
	"Change of billing address", "Device keeps restarting", "Refund not received", "Upgrade the subscription",
	"Missing item in the order",
}

var callSubjects = []string{"Follow-up on the case", "Callback requested", "Billing question", "Order status",
	"Welcome call", "Renewal reminder"}

var taskSubjects = []string{"Send the quote", "Check the delivery", "Schedule a visit", "Update the contract",
	"Review the invoice"}

// gen is the sample's random source: a fixed seed, so every run is the
// same.
type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, 0x5eed))} }

func (g *gen) id() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func pick[T any](g *gen, s []T) T { return s[g.r.IntN(len(s))] }

func domain(company string) string {
	d := strings.ToLower(company)
	d = strings.NewReplacer(" ", "", "'", "", ".", "", "&", "and").Replace(d)
	return d + ".example"
}

func ascii(s string) string {
	return strings.NewReplacer("í", "i", "é", "e", "ë", "e", "ø", "o", "ü", "u", "'", "", " ", "").Replace(strings.ToLower(s))
}

// phone is a fictitious number: +1 (AAA) 555-01NN.
func (g *gen) phone() string {
	return fmt.Sprintf("+1 (%s) 555-01%02d", pick(g, areaCodes), g.r.IntN(100))
}

// Organization returns the sample organisation as records to import, in
// Create's shape with their ids.
func Organization() []records.Item {
	g := newGen(2026)
	var items []records.Item
	accountIDs := make([]string, Accounts)
	for i := range Accounts {
		accountIDs[i] = g.id()
		name := companies[i%len(companies)]
		items = append(items, records.Item{Entity: "account", Data: records.Data{
			"accountid": accountIDs[i], "name": name, "accountnumber": fmt.Sprintf("ACC-%04d", 1001+i),
			"telephone1": g.phone(), "emailaddress1": "info@" + domain(name), "websiteurl": "https://www." + domain(name),
			"industrycode": int64(1 + g.r.IntN(33)), "revenue": float64(50000 * (1 + g.r.IntN(2000))),
			"numberofemployees": int64(5 + g.r.IntN(5000)), "address1_city": pick(g, cities),
		}})
	}
	contactIDs := make([]string, Contacts)
	for i := range Contacts {
		contactIDs[i] = g.id()
		first, last := pick(g, firstNames), pick(g, lastNames)
		acc := g.r.IntN(Accounts)
		d := records.Data{
			"contactid": contactIDs[i], "firstname": first, "lastname": last,
			"jobtitle": pick(g, jobTitles), "telephone1": g.phone(),
			"emailaddress1": ascii(first) + "." + ascii(last) + "@" + domain(companies[acc%len(companies)]),
			"address1_city": pick(g, cities), "preferredcontactmethodcode": int64(1 + g.r.IntN(3)),
			"parentcustomerid_account@odata.bind": "/accounts(" + accountIDs[acc] + ")",
		}
		if g.r.IntN(3) == 0 {
			d["mobilephone"] = g.phone()
		}
		if g.r.IntN(10) == 0 {
			d["donotphone"] = true
		}
		if g.r.IntN(4) == 0 {
			d["birthdate"] = fmt.Sprintf("%d-%02d-%02d", 1950+g.r.IntN(50), 1+g.r.IntN(12), 1+g.r.IntN(28))
		}
		items = append(items, records.Item{Entity: "contact", Data: d})
	}
	// Each account's primary contact is one of its people, when it has any.
	for i := range Accounts {
		for j, it := range items[Accounts:] {
			if it.Data["parentcustomerid_account@odata.bind"] == "/accounts("+accountIDs[i]+")" {
				items[i].Data["primarycontactid@odata.bind"] = "/contacts(" + contactIDs[j] + ")"
				break
			}
		}
	}
	caseIDs := make([]string, Cases)
	for i := range Cases {
		caseIDs[i] = g.id()
		c := g.r.IntN(Contacts)
		d := records.Data{
			"incidentid": caseIDs[i], "title": pick(g, caseTitles),
			"customerid_contact@odata.bind": "/contacts(" + contactIDs[c] + ")",
			"primarycontactid@odata.bind":   "/contacts(" + contactIDs[c] + ")",
			"caseorigincode":                pick(g, []int64{1, 1, 1, 2, 2, 3}), "casetypecode": int64(1 + g.r.IntN(3)),
			"prioritycode": int64(1 + g.r.IntN(3)),
			"description":  "Reported by phone; see the phone calls for details.",
		}
		if g.r.IntN(4) == 0 {
			d["statuscode"] = pick(g, []int64{5, 1000, 6})
		} else {
			d["statuscode"] = pick(g, []int64{1, 2, 3, 4})
		}
		items = append(items, records.Item{Entity: "incident", Data: d})
	}
	for range PhoneCalls {
		c := g.r.IntN(Contacts)
		phone := items[Accounts+c].Data["telephone1"]
		d := records.Data{
			"activityid": g.id(), "subject": pick(g, callSubjects), "phonenumber": phone,
			"directioncode": g.r.IntN(2) == 0, "actualdurationminutes": int64(1 + g.r.IntN(45)),
			"scheduledend": fmt.Sprintf("2026-0%d-%02dT%02d:%02d:00Z", 1+g.r.IntN(3), 1+g.r.IntN(28), 8+g.r.IntN(9), 15*g.r.IntN(4)),
			"statuscode":   pick(g, []int64{1, 2, 4}),
		}
		if g.r.IntN(2) == 0 {
			d["regardingobjectid_incident_phonecall@odata.bind"] = "/incidents(" + caseIDs[g.r.IntN(Cases)] + ")"
		} else {
			d["regardingobjectid_contact_phonecall@odata.bind"] = "/contacts(" + contactIDs[c] + ")"
		}
		items = append(items, records.Item{Entity: "phonecall", Data: d})
	}
	for range Tasks {
		items = append(items, records.Item{Entity: "task", Data: records.Data{
			"activityid": g.id(), "subject": pick(g, taskSubjects),
			"regardingobjectid_incident_task@odata.bind": "/incidents(" + caseIDs[g.r.IntN(Cases)] + ")",
			"scheduledend": fmt.Sprintf("2026-04-%02dT17:00:00Z", 1+g.r.IntN(28)),
			"prioritycode": int64(g.r.IntN(3)), "statuscode": pick(g, []int64{2, 3, 5}),
		}})
	}
	return items
}

// ManyContacts returns n fictitious contacts for benchmarks, each with
// its own phone number (+1 AAA NNN NNNN from its index, written in one of
// several styles) and no lookups.
func ManyContacts(n int) []records.Item {
	g := newGen(100000)
	items := make([]records.Item, n)
	for i := range n {
		first, last := pick(g, firstNames), pick(g, lastNames)
		phone := ContactPhone(i)
		items[i] = records.Item{Entity: "contact", Data: records.Data{
			"contactid": g.id(), "firstname": first, "lastname": last, "telephone1": phone,
			"emailaddress1": fmt.Sprintf("%s.%s.%d@contoso.example", ascii(first), ascii(last), i),
			"jobtitle":      pick(g, jobTitles), "address1_city": pick(g, cities),
		}}
	}
	return items
}

// ContactPhone is ManyContacts' ith phone number.
func ContactPhone(i int) string {
	area := 200 + i%800
	rest := 1000000 + i*7919%9000000
	switch i % 3 {
	case 0:
		return fmt.Sprintf("+1 (%d) %03d-%04d", area, rest/10000, rest%10000)
	case 1:
		return fmt.Sprintf("%d.%03d.%04d", area, rest/10000, rest%10000)
	}
	return fmt.Sprintf("1%d%07d", area, rest)
}

// Load imports the sample organisation into an organisation that has no
// accounts, contacts or cases yet.
func Load(ctx context.Context, s records.Store) (records.ImportStats, error) {
	for _, e := range []string{"account", "contact", "incident"} {
		n, err := s.Count(ctx, e)
		if err != nil {
			return records.ImportStats{}, err
		}
		if n > 0 {
			return records.ImportStats{}, errcode.Errorf(errcode.InvalidParams,
				"the organisation already has %d %s records; the sample goes into an empty organisation only: export yours first (cif-host records export), or point records.database in settings.json at a new file", n, e)
		}
	}
	return s.Import(ctx, Organization())
}
