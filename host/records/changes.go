package records

import "context"

// Changed is one change of the organisation's records, by any host: what
// cif-host tells the extension's views as cifbridge.recordChanged, so
// that an open record page shows another agent's change without a
// reload. Its JSON is the event's params:
//
//	{"entityName":"contact","id":"…","version":1234}   a record created or updated; version is its ETag's
//	{"entityName":"contact","id":"…","deleted":true}    a record deleted
//	{"entityName":"contact"}                            many records of the entity changed at once (an import)
//	{}                                                  changes may have been missed: refresh what is shown
type Changed struct {
	Entity  string `json:"entityName,omitempty"`
	ID      string `json:"id,omitempty"`
	Version int64  `json:"version,omitempty"`
	Deleted bool   `json:"deleted,omitempty"`
}

// Watcher is a Store whose changes, made by any host sharing its
// organisation, can be followed.
type Watcher interface {
	// Watch calls deliver with the changes every host commits, this one's
	// too, in the order they became known, until ctx ends or the store
	// closes; it calls ready once it hears every change committed from
	// then on. deliver runs on Watch's goroutine and must not block long.
	// Watch returns ctx's error, or why it cannot watch at all.
	Watch(ctx context.Context, ready func(), deliver func([]Changed)) error
}

// MaxChangesEach bounds the changes one transaction announces one by
// one: beyond it (an import), each entity it touched is announced once,
// without an id.
const MaxChangesEach = 32

// Summarise returns the changes a transaction announces: each one, or,
// past MaxChangesEach, one per entity in first-touched order.
func Summarise(changes []Changed) []Changed {
	if len(changes) <= MaxChangesEach {
		return changes
	}
	var out []Changed
	seen := map[string]bool{}
	for _, c := range changes {
		if !seen[c.Entity] {
			seen[c.Entity] = true
			out = append(out, Changed{Entity: c.Entity})
		}
	}
	return out
}
