package migrate

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cifbridge/cif-bridge/host/records/metadata"
)

func TestEntitiesGoAfterWhatTheirLookupsPointAt(t *testing.T) {
	// account and contact point at each other: account goes first, as
	// neither has a required lookup; cases need their customer; calls
	// and tasks may be about a case.
	assert.Equal(t, []string{"account", "contact", "incident", "phonecall", "task"}, Order(metadata.BuiltinCatalog()))
}
