package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/cifbridge/cif-bridge/host/records"
	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// slugTimeout bounds one {$odata…} slug's query. A session's title and
// tabs resolve while the call that opens it waits, so a slow or locked
// organisation costs that call at most this per slug
// (templates.MaxODataSlugs per text).
const slugTimeout = 2 * time.Second

// odataSlugs answers the templates' {$odata…} slugs from the
// organisation: one query, of at most one record, per slug. A failure
// (an entity, attribute or option the organisation does not have, a
// database that cannot be opened) leaves the slug empty and is logged
// with what to fix, since it is a fault of the templates file. Nil when
// there is no organisation.
func odataSlugs(store records.Store, log *slog.Logger) templates.OData {
	if store == nil {
		return nil
	}
	return func(entity, attribute, options string) (string, error) {
		text, err := firstValue(store, entity, attribute, options)
		if err != nil {
			log.Warn("a {$odata…} slug of the templates file failed; it resolves to empty text until it is fixed in templates.json (see docs/templates.md)",
				"entity", errcode.Clip(entity), "attribute", errcode.Clip(attribute), "options", errcode.Clip(options), "error", err)
		}
		return text, err
	}
}

// firstValue is the value of the Web API key attribute in the first
// record of entity that options select, as slug text.
func firstValue(store records.Store, entity, attribute, options string) (string, error) {
	q, err := query(&options)
	if err != nil {
		return "", err
	}
	if q == nil {
		return "", errcode.Errorf(errcode.InvalidQuery, "a {$odata…} slug needs query options, such as ?$filter=incidentid eq '{caseId}'")
	}
	q.Top = 1
	ctx, cancel := context.WithTimeout(context.Background(), slugTimeout)
	defer cancel()
	found, err := store.Query(ctx, entity, q)
	if err != nil || len(found) == 0 {
		return "", err
	}
	b, err := json.Marshal(found[0])
	if err != nil {
		return "", err
	}
	var keys map[string]any
	if err := json.Unmarshal(b, &keys); err != nil {
		return "", err
	}
	return templates.Text(keys[attribute]), nil
}
