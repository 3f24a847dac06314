package icons

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestThePNGsAreDrawnFromTheSVG fails when cif-bridge.svg changed and the
// PNGs were not drawn again.
func TestThePNGsAreDrawnFromTheSVG(t *testing.T) {
	for _, size := range Sizes {
		want, err := Render(Source, size)
		require.NoError(t, err)
		f, err := os.Open(filepath.Join("..", "..", "extension", filepath.FromSlash(File(size))))
		require.NoError(t, err, "run `go generate ./extension`")
		got, err := png.Decode(f)
		f.Close()
		require.NoError(t, err)
		assert.Equal(t, image.Rect(0, 0, size, size), got.Bounds())
		same := true
		for y := 0; y < size && same; y++ {
			for x := 0; x < size && same; x++ {
				r1, g1, b1, a1 := got.At(x, y).RGBA()
				r2, g2, b2, a2 := want.At(x, y).RGBA()
				same = r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
			}
		}
		assert.True(t, same, "%s is stale: run `go generate ./extension`", File(size))
	}
}

func TestRenderRefusesWhatItCannotDraw(t *testing.T) {
	for svg, want := range map[string]string{
		`<svg viewBox="0 0 8 8"><ellipse fill="#000000"/></svg>`:                      "<ellipse> is not drawn",
		`<svg viewBox="0 0 8 8"><path d="M 0 0 C 1 1 2 2 3 3" fill="#000000"/></svg>`: "only the absolute commands",
		`<svg viewBox="0 0 8 8"><circle cx="4" cy="4" r="4" fill="red"/></svg>`:       "write it #rrggbb",
		`<svg><circle cx="4" cy="4" r="4" fill="#ff0000"/></svg>`:                     "needs a viewBox",
	} {
		_, err := Render([]byte(svg), 16)
		require.Error(t, err, svg)
		assert.Contains(t, err.Error(), want)
	}
}

func TestRenderPaintsInOrderAndSmoothsEdges(t *testing.T) {
	img, err := Render([]byte(`<svg viewBox="0 0 4 4"><rect x="0" y="0" width="4" height="4" fill="#0000ff"/><rect x="0" y="0" width="2" height="4" fill="#ff0000"/><circle cx="4" cy="4" r="0.01" fill="#00ff00"/></svg>`), 4)
	require.NoError(t, err)
	assert.Equal(t, uint8(255), img.NRGBAAt(0, 0).R, "the later shape is on top")
	assert.Equal(t, uint8(255), img.NRGBAAt(3, 0).B)
	assert.Equal(t, uint8(255), img.NRGBAAt(3, 0).A)
	half, err := Render([]byte(`<svg viewBox="0 0 2 2"><rect x="0" y="0" width="1" height="2" fill="#000000"/></svg>`), 1)
	require.NoError(t, err)
	assert.InDelta(t, 128, int(half.NRGBAAt(0, 0).A), 1, "a pixel half covered is half opaque")
}
