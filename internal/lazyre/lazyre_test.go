package lazyre

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAPatternCompilesOnceOnFirstUse(t *testing.T) {
	digits := New(`^[0-9]+$`)
	first := digits()
	require.True(t, first.MatchString("0143"))
	require.False(t, first.MatchString("01a3"))
	require.Same(t, first, digits(), "compiled once")
}

func TestABadPatternPanicsOnFirstUseNotBefore(t *testing.T) {
	bad := New(`(`)
	require.PanicsWithValue(t, "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`", func() { bad() })
}
