package e2e

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sessionID = regexp.MustCompile(`^session-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// TestReferenceExample runs the createSession reference page's example
// unchanged, then fills the workspace to CIF's limit of 10 sessions.
func TestReferenceExample(t *testing.T) {
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			res := runPage(t, b, newWorld(t), "skeleton.html")

			var logged string
			res.step(t, "example logged").value(t, &logged)
			assert.Regexp(t, sessionID, logged, "the example's success callback logs the new session's id")

			var second string
			res.step(t, "second session").value(t, &second)
			assert.Regexp(t, sessionID, second)
			assert.NotEqual(t, logged, second)

			for _, name := range []string{"session 3", "session 10"} {
				var id string
				res.step(t, name).value(t, &id)
				assert.Regexp(t, sessionID, id)
			}

			limit := res.step(t, "eleventh session").failure(t)
			assert.Equal(t, cifError{
				Message:   "Cannot add the Session. Maximum Sessions limit reached. Limit: 10. The agent must close a session first; canCreateSession tells when one can be created",
				MsdynName: "createSession",
				ErrorCode: 1003,
			}, limit)

			var can bool
			res.step(t, "canCreateSession at the limit").value(t, &can)
			assert.False(t, can)

			var all []string
			res.step(t, "getAllSessions").value(t, &all)
			require.Len(t, all, 10)
			assert.Equal(t, logged, all[0], "sessions are listed oldest first")

			unknown := res.step(t, "unknown template").failure(t)
			assert.Equal(t, 1001, unknown.ErrorCode)
			assert.Contains(t, unknown.Message, "Did not find template by name (contoso_no_such_template).")
		})
	}
}
