package errcode

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEveryCodeHasOneNameAndAMeaning(t *testing.T) {
	names, codes := map[string]bool{}, map[Code]bool{}
	for _, d := range Defs() {
		assert.False(t, names[d.Name], "name %s twice", d.Name)
		assert.False(t, codes[d.Code], "code %d twice", d.Code)
		assert.NotEmpty(t, d.Meaning, d.Name)
		names[d.Name], codes[d.Code] = true, true
	}
	assert.Equal(t, "SessionLimit", SessionLimit.String())
	assert.Equal(t, "Code(42)", Code(42).String())
}

func TestAsKeepsACodeAndWrapsTheRest(t *testing.T) {
	e := Errorf(SessionLimit, "limit %d", 10)
	assert.Same(t, e, As(fmt.Errorf("wrapped: %w", e)))
	got := As(errors.New("disk on fire"))
	assert.Equal(t, Internal, got.Code)
	assert.Equal(t, "cif-host failed: disk on fire (see the host log; `cif-host doctor` prints where it is)", got.Message)
}

func TestClip(t *testing.T) {
	assert.Equal(t, "short", Clip("short"))
	long := strings.Repeat("é", 100)
	assert.Equal(t, strings.Repeat("é", 80)+"… (100 characters)", Clip(long))
}
