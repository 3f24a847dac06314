// Package migrate copies one organisation into another: the embedded
// SQLite file into a team's PostgreSQL database, or back. Records keep
// their ids, values and lookups; createdon, modifiedon, versionnumber and
// a case's ticketnumber are the target's own, as with any import.
//
// A copy is idempotent: records already in the target with the same
// values are left as they are (their versions too), so running it twice
// changes nothing the second time, and a copy that was interrupted is
// finished by running it again.
package migrate

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/records/metadata"
	"github.com/cifbridge/cif-bridge/host/records/transfer"
)

// Batch is how many records one transaction of the target takes.
const Batch = 500

// Progress hears how far a copy is: done of total records, the entity
// being copied; and, once, when the lookups are being set.
type Progress interface {
	Records(done, total int, entity string)
	Lookups(done, total int)
}

// Stats is what a copy did.
type Stats struct {
	// Records counts, by entity, the records created, updated and left
	// as they were.
	Records records.ImportStats
	// LookupsSet and LookupsUnchanged count the lookups set after every
	// record existed (those that pointed at records copied later).
	LookupsSet, LookupsUnchanged int
}

// Total is how many records were copied, whatever happened to each.
func (s Stats) Total() int {
	n := 0
	for _, m := range []map[string]int{s.Records.Created, s.Records.Updated, s.Records.Unchanged} {
		for _, v := range m {
			n += v
		}
	}
	return n
}

// link is a lookup set once its target exists.
type link struct {
	entity, id, key string
	value           any
}

// Copy copies every record of from into to. Entities whose required
// lookups need others (cases need their customer) go after those;
// a lookup to a record not yet copied is set in a last pass.
func Copy(ctx context.Context, from, to records.Store, p Progress) (Stats, error) {
	cat := from.Catalog()
	order := Order(cat)
	total := 0
	for _, name := range order {
		if _, ok := to.Catalog().Entity(name); !ok {
			return Stats{}, fmt.Errorf("the target has no entity %s; give it the same entities.json (settings.json's records.entities) first", name)
		}
		n, err := from.Count(ctx, name)
		if err != nil {
			return Stats{}, err
		}
		total += n
	}
	stats := Stats{Records: records.ImportStats{Created: map[string]int{}, Updated: map[string]int{}, Unchanged: map[string]int{}}}
	copied := map[string]bool{} // "entity/id"
	var links []link
	done := 0
	p.Records(0, total, "")
	for _, name := range order {
		e, _ := cat.Entity(name)
		var batch []records.Item
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			st, err := to.Import(ctx, batch)
			if err != nil {
				return fmt.Errorf("copying %s: %w", e.DisplayCollectionName, err)
			}
			add(stats.Records.Created, st.Created)
			add(stats.Records.Updated, st.Updated)
			add(stats.Records.Unchanged, st.Unchanged)
			for _, it := range batch {
				copied[name+"/"+fmt.Sprint(it.Data[e.PrimaryIDAttribute])] = true
			}
			done += len(batch)
			p.Records(done, total, name)
			batch = batch[:0]
			return nil
		}
		err := from.Export(ctx, name, func(r *records.Record) error {
			data := full(cat, r)
			for key, v := range data {
				ref, ok := bindTarget(cat, key, v)
				if !ok || copied[ref] || inBatch(batch, ref, cat) {
					continue
				}
				delete(data, key)
				links = append(links, link{entity: name, id: r.ID, key: key, value: v})
			}
			batch = append(batch, records.Item{Entity: name, Data: data})
			if len(batch) == Batch {
				return flush()
			}
			return nil
		})
		if err == nil {
			err = flush()
		}
		if err != nil {
			return stats, err
		}
	}
	p.Lookups(0, len(links))
	for start := 0; start < len(links); start += Batch {
		chunk := links[start:min(start+Batch, len(links))]
		items := make([]records.Item, len(chunk))
		for i, l := range chunk {
			e, _ := cat.Entity(l.entity)
			items[i] = records.Item{Entity: l.entity, Data: records.Data{e.PrimaryIDAttribute: l.id, l.key: l.value}}
		}
		st, err := to.Import(ctx, items)
		if err != nil {
			return stats, fmt.Errorf("setting lookups: %w", err)
		}
		for _, n := range st.Updated {
			stats.LookupsSet += n
		}
		for _, n := range st.Unchanged {
			stats.LookupsUnchanged += n
		}
		p.Lookups(start+len(chunk), len(links))
	}
	return stats, nil
}

func add(into, from map[string]int) {
	for k, v := range from {
		into[k] += v
	}
}

// Order is the entities in the order they are copied: each after the
// entities its lookups point at, where lookups make no cycle (an account's
// primary contact and a contact's account do: then the entity whose
// required lookups are all placed goes first, and the lookups of the
// cycle are set in the last pass).
func Order(cat *metadata.Catalog) []string {
	left := cat.Names()
	var order []string
	placed := map[string]bool{}
	ready := func(name string, requiredOnly bool) bool {
		e, _ := cat.Entity(name)
		for _, a := range e.Attributes {
			if !a.Type.IsLookup() || requiredOnly && a.RequiredLevel != metadata.RequiredSystem {
				continue
			}
			for _, t := range a.Targets {
				if t.Entity != name && !placed[t.Entity] {
					return false
				}
			}
		}
		return true
	}
	for len(left) > 0 {
		i := slices.IndexFunc(left, func(n string) bool { return ready(n, false) })
		if i < 0 {
			i = max(0, slices.IndexFunc(left, func(n string) bool { return ready(n, true) }))
		}
		placed[left[i]] = true
		order = append(order, left[i])
		left = slices.Delete(left, i, i+1)
	}
	return order
}

// full is a record in Create's shape with every attribute it has no
// value for set to null, so that the target's copy loses what the source
// does not have.
func full(cat *metadata.Catalog, r *records.Record) records.Data {
	d := transfer.Data(cat, r)
	for _, a := range r.Entity.Attributes {
		switch {
		case a.LogicalName == r.Entity.PrimaryIDAttribute || a.ReadOnly:
		case a.Type.IsLookup():
			if r.Values[a.LogicalName] == nil && len(a.Targets) > 0 && a.RequiredLevel != metadata.RequiredSystem {
				d[a.Targets[0].Navigation+"@odata.bind"] = nil
			}
		default:
			if _, ok := d[a.LogicalName]; !ok {
				d[a.LogicalName] = nil
			}
		}
	}
	return d
}

// bindTarget reads a bind's target as "entity/id".
func bindTarget(cat *metadata.Catalog, key string, v any) (string, bool) {
	if !strings.HasSuffix(key, "@odata.bind") {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		return "", false
	}
	set, rest, ok := strings.Cut(strings.TrimPrefix(s, "/"), "(")
	if !ok {
		return "", false
	}
	for _, name := range cat.Names() {
		if e, _ := cat.Entity(name); e.EntitySetName == set {
			return name + "/" + strings.TrimSuffix(rest, ")"), true
		}
	}
	return "", false
}

// inBatch reports whether the batch creates the record (Import links
// records within one batch itself).
func inBatch(batch []records.Item, ref string, cat *metadata.Catalog) bool {
	name, id, _ := strings.Cut(ref, "/")
	e, ok := cat.Entity(name)
	if !ok {
		return false
	}
	for _, it := range batch {
		if it.Entity == name && fmt.Sprint(it.Data[e.PrimaryIDAttribute]) == id {
			return true
		}
	}
	return false
}
