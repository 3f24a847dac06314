// Package records is the organisation's records back end: the Store
// interface that CIF's record methods and the record pages call, the
// Record a store returns (shaped as Dataverse's Web API returns it), the
// checks every write passes (types, sizes, lookups, state and status), and
// the typed errors, each carrying a stable errcode.
//
// Packages beside it: metadata (the entities), odata (the query options),
// sqlstore (a Store over SQL, dialect-aware), sqlite (the embedded
// organisation file), sample (a deterministic sample organisation) and
// transfer (import and export as JSON and CSV).
//
// # For the host API layer
//
// Open the store lazily: sqlite.Open does no I/O, the first call opens the
// file and applies the schema, so cif-host's hello is not delayed:
//
//	store := sqlite.Open(sqlite.Options{Path: dirs.OrganizationFile(), Catalog: catalog, Logger: logger})
//	defer store.Close()
//
// createRecord(entityName, data): data is the JSON string CIF passes.
//
//	data, err := records.DecodeData([]byte(params.Data))
//	if err != nil { return errcode.As(err) }            // InvalidParams
//	id, err := store.Create(ctx, "contact", data)       // {"entityType":"contact","id":id}
//
// A screen pop, searchAndOpenRecords("contact", "?$filter=telephone1 eq '+1 206 555 0143'&$select=fullname", false)
// or with "$search=+1 206 555 0143": phone attributes match by digits, so
// the caller's number in any format finds the contact.
//
//	q, err := odata.Parse(queryString)                  // InvalidQuery (wrap with records.QueryError)
//	found, err := store.Query(ctx, "contact", q)
//	json.Marshal(records.Indexed(found))                // {"0":{…},"1":{…}}, as CIF resolves
//
// retrieveRecord(entityName, id, "?$select=fullname&$expand=parentcustomerid_account($select=name)"):
//
//	rec, err := store.Retrieve(ctx, "contact", id, q)
//	json.Marshal(rec)  // {"@odata.etag":"W/\"12\"","contactid":"…","fullname":"Ann Lee","parentcustomerid_account":{…}}
//
// Every error a Store returns is an *errcode.Error (find it with
// errcode.As) whose message says what to do: EntityNotFound,
// RecordNotFound, InvalidQuery, RecordConflict, RecordsUnavailable, or
// InvalidParams for a value of the wrong type, an unknown attribute or an
// oversized value. A failed call writes nothing.
package records

import (
	"context"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
)

// Store is the organisation's records. Every method runs in one
// transaction: it happens entirely or not at all. A Store is safe for
// concurrent use, and several Stores (several cif-hosts) may share one
// organisation.
type Store interface {
	// Catalog is the organisation's metadata.
	Catalog() *metadata.Catalog

	// Create makes a record from data in the Web API's shape (attributes
	// by logical name, lookups as "<nav>@odata.bind": "/<set>(<id>)") and
	// returns its id. data may carry the primary id to choose it.
	Create(ctx context.Context, entity string, data Data) (id string, err error)

	// Retrieve returns one record; q may hold $select and $expand (nil
	// for every attribute).
	Retrieve(ctx context.Context, entity, id string, q *odata.Query) (*Record, error)

	// Update changes the attributes data names and returns the record's
	// new ETag. A non-empty ifMatch (an ETag such as W/"12", or *) makes
	// the update fail with RecordConflict when the record has changed
	// since.
	Update(ctx context.Context, entity, id string, data Data, ifMatch string) (etag string, err error)

	// Delete removes a record; lookups of other records that pointed at it
	// are cleared, as Dataverse's "remove link" relationships do.
	Delete(ctx context.Context, entity, id string) error

	// Query returns the records that q selects: $filter, $orderby, $top
	// (at most MaxRows records either way), $select, $expand. With
	// $search it is a relevance search over the entity's searchable
	// attributes, best matches first, $filter narrowing it.
	Query(ctx context.Context, entity string, q *odata.Query) ([]*Record, error)

	// Related returns, for each lookup of any entity that can point at
	// the record, up to limit records pointing at it, newest first: a
	// contact's cases, phone calls and tasks. Sets with no records are
	// left out.
	Related(ctx context.Context, entity, id string, limit int) ([]Related, error)

	// Import creates or, when a record with the id exists, updates every
	// item, all in one transaction; lookups may point at records anywhere
	// in the batch.
	Import(ctx context.Context, items []Item) (ImportStats, error)

	// Export calls each with every record of the entity, oldest first,
	// with all attributes.
	Export(ctx context.Context, entity string, each func(*Record) error) error

	// Count returns how many records the entity has.
	Count(ctx context.Context, entity string) (int, error)

	// Close releases the database; calls after it fail with
	// RecordsUnavailable.
	Close() error
}

// MaxRows is the most records one Query returns, Dataverse's page size.
const MaxRows = 5000

// Related is the records of one entity whose lookup points at a record.
type Related struct {
	Entity    *metadata.Entity
	Attribute *metadata.Attribute
	Records   []*Record
}

// Item is one record to import: its entity and its data, in Create's
// shape (with its primary id to keep it).
type Item struct {
	Entity string
	Data   Data
}

// ImportStats counts what Import did, by entity. A record whose values
// are already those imported is left as it is (Unchanged), so importing
// a file twice changes nothing the second time.
type ImportStats struct {
	Created   map[string]int
	Updated   map[string]int
	Unchanged map[string]int
}
