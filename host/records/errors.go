package records

import (
	"errors"
	"fmt"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/odata"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// The errors a Store returns. Each is an *errcode.Error; where Dataverse
// has its own text (a missing record), the message starts with it.

// EntityNotFound is an entity the catalog does not have.
func EntityNotFound(c *metadata.Catalog, entity string) *errcode.Error {
	_, err := c.Find(entity)
	return errcode.Errorf(errcode.EntityNotFound, "%v", err)
}

// Entity finds an entity or returns EntityNotFound.
func Entity(c *metadata.Catalog, entity string) (*metadata.Entity, error) {
	if entity == "" {
		return nil, errcode.Errorf(errcode.InvalidParams, "the entity name is blank; give an entity's logical name, such as contact")
	}
	if e, ok := c.Entity(entity); ok {
		return e, nil
	}
	return nil, EntityNotFound(c, entity)
}

// RecordNotFound is a record that does not exist, in Dataverse's words.
func RecordNotFound(entity, id string) *errcode.Error {
	return errcode.Errorf(errcode.RecordNotFound,
		"Entity '%s' With Id = %s Does Not Exist; check the id, or find the record with searchAndOpenRecords", entity, errcode.Clip(id))
}

// Invalid is a call's data that cannot be written or read: a value of the
// wrong type, an unknown attribute, an oversized value.
func Invalid(format string, args ...any) *errcode.Error {
	return errcode.Errorf(errcode.InvalidParams, format, args...)
}

// Conflict is an update whose If-Match no longer holds.
func Conflict(entity, id, ifMatch string, version int64) *errcode.Error {
	return errcode.Errorf(errcode.RecordConflict,
		"the %s %s changed since the version the update was based on (If-Match %s; it is now %s); retrieve it again and reapply your change", entity, id, errcode.Clip(ifMatch), ETag(version))
}

// Unavailable is an organisation database that cannot be used.
func Unavailable(format string, args ...any) *errcode.Error {
	return errcode.Errorf(errcode.RecordsUnavailable, format, args...)
}

// QueryError turns a query's fault into InvalidQuery; other errors pass.
func QueryError(err error) error {
	if err == nil {
		return nil
	}
	if e, ok := errors.AsType[*odata.Error](err); ok {
		return errcode.Errorf(errcode.InvalidQuery, "the query cannot be used: %s", e.Error())
	}
	return err
}

// ID checks a record id: a GUID, which it returns in lower case.
func ID(entity, id string) (string, error) {
	if id == "" {
		return "", Invalid("the record id is blank; give the %s's id, a GUID such as 00000000-0000-0000-0000-000000000001", entity)
	}
	g, ok := ParseGUID(id)
	if !ok {
		return "", Invalid("the record id %q is not a GUID; a %s's id looks like 00000000-0000-0000-0000-000000000001", errcode.Clip(id), entity)
	}
	return g, nil
}

// ETag is a version's ETag, as the Web API writes it: W/"12".
func ETag(version int64) string { return fmt.Sprintf(`W/"%d"`, version) }
