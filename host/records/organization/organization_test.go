package organization

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cifbridge/cif-bridge/host/config"
	"github.com/cifbridge/cif-bridge/host/records/postgres/pgtest"
	"github.com/cifbridge/cif-bridge/host/records/sample"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

func dirs(t *testing.T) config.Dirs {
	root := t.TempDir()
	return config.Dirs{Config: filepath.Join(root, "config"), State: filepath.Join(root, "state"), Data: filepath.Join(root, "data")}
}

func TestOpenIsLazyAndFollowsTheSettings(t *testing.T) {
	d := dirs(t)
	require.NoError(t, os.MkdirAll(d.Config, 0o700))
	require.NoError(t, os.WriteFile(d.EntitiesFile(), []byte(`{"attributes": {"contact": [{"logicalName": "new_tier", "type": "String"}, {"logicalName": "bad", "type": "String"}]}}`), 0o600))
	elsewhere := filepath.Join(t.TempDir(), "org.db")
	org, problems := Open(d, config.Settings{Records: config.RecordsSettings{Database: elsewhere}}, nil)
	defer org.Close()
	require.Len(t, problems, 1)
	assert.Equal(t, "bad", problems[0].Attribute)
	contact, _ := org.Catalog().Entity("contact")
	_, ok := contact.Attribute("new_tier")
	assert.True(t, ok, "entities.json is read at Open")
	assert.False(t, org.Opened())
	_, err := os.Stat(elsewhere)
	assert.True(t, os.IsNotExist(err), "the database is not touched before the first call")
	n, err := org.Count(t.Context(), "contact")
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = os.Stat(elsewhere)
	assert.NoError(t, err, "records.database is where the organisation is")
}

func TestTheSampleIsLoadedOnFirstUseOnce(t *testing.T) {
	d := dirs(t)
	settings := config.Settings{Records: config.RecordsSettings{Sample: true}}
	// Two hosts start on the same new organisation at once.
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			org, _ := Open(d, settings, nil)
			defer org.Close()
			_, err := org.Count(t.Context(), "contact")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	org, _ := Open(d, settings, nil)
	defer org.Close()
	n, err := org.Count(t.Context(), "contact")
	require.NoError(t, err)
	assert.Equal(t, sample.Contacts, n)
	n, err = org.Count(t.Context(), "incident")
	require.NoError(t, err)
	assert.Equal(t, sample.Cases, n)
}

func TestNoDataFolder(t *testing.T) {
	org, _ := Open(config.Dirs{}, config.Settings{}, nil)
	defer org.Close()
	_, err := org.Count(t.Context(), "contact")
	assert.EqualError(t, err, "cannot tell where to keep the organisation's database: set $HOME or $XDG_DATA_HOME, or records.database in settings.json")
}

func TestATeamsOrganisationOnPostgreSQL(t *testing.T) {
	d := dirs(t)
	url := pgtest.Database(t)
	pwFile := filepath.Join(t.TempDir(), "pgpassword")
	require.NoError(t, os.WriteFile(pwFile, []byte("wrong\n"), 0o600))
	settings := config.Settings{Records: config.RecordsSettings{Database: url, PasswordFile: pwFile, Sample: true}}
	org, _ := Open(d, settings, nil)
	defer org.Close()
	_, err := org.Count(t.Context(), "contact")
	e, ok := errors.AsType[*errcode.Error](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, errcode.RecordsUnavailable, e.Code)
	assert.Contains(t, e.Message, "the server refused the login: check the user in records.database and the password in records.passwordFile")
	assert.NotContains(t, e.Message, "wrong", "the password is never shown")

	// Fixing the file heals the store without a restart.
	require.NoError(t, os.WriteFile(pwFile, []byte(pgtest.Password+"\n"), 0o600))
	n, err := org.Count(t.Context(), "contact")
	require.NoError(t, err)
	assert.Equal(t, sample.Contacts, n, "records.sample loads the sample into the team's empty organisation")

	// PGPASSWORD, as libpq reads it, when settings.json names no password.
	t.Setenv("PGPASSWORD", pgtest.Password)
	other, _ := Open(d, config.Settings{Records: config.RecordsSettings{Database: url}}, nil)
	defer other.Close()
	n, err = other.Count(t.Context(), "incident")
	require.NoError(t, err)
	assert.Equal(t, sample.Cases, n)
}
