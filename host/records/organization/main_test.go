package organization

import (
	"os"
	"testing"

	"github.com/cifbridge/cif-bridge/host/records/postgres/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
