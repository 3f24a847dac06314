// Package icons draws the extension's icons from their SVG source,
// cif-bridge.svg, at every size the stores and toolbars need. It reads the
// little of SVG the icon uses: rect (with rx), circle, and paths of
// straight lines (M, L, H, V, Z, absolute), each with a solid #rrggbb fill,
// painted in order and smoothed by supersampling. A drawing needing more
// fails rather than drawing something else.
package icons

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "embed"
)

// Source is the icon's SVG.
//
//go:embed cif-bridge.svg
var Source []byte

// Sizes are the PNGs' sizes: 16 and 32 for toolbars and menus, 48 for the
// extensions page, 96 and 128 for the stores and high-density screens.
var Sizes = []int{16, 32, 48, 96, 128}

// File is the PNG's path inside the extension for a size.
func File(size int) string { return fmt.Sprintf("icons/cif-bridge-%d.png", size) }

// shape is one painted element.
type shape struct {
	fill   color.NRGBA
	inside func(x, y float64) bool
}

// drawing is a parsed SVG: its view box and shapes, bottom first.
type drawing struct {
	width, height float64
	shapes        []shape
}

// Render draws the SVG at size × size pixels.
func Render(svg []byte, size int) (*image.NRGBA, error) {
	d, err := parse(svg)
	if err != nil {
		return nil, err
	}
	const n = 8 // samples per pixel along each axis
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	sx, sy := d.width/float64(size), d.height/float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for j := 0; j < n; j++ {
				for i := 0; i < n; i++ {
					x := (float64(px) + (float64(i)+0.5)/n) * sx
					y := (float64(py) + (float64(j)+0.5)/n) * sy
					if c, ok := d.at(x, y); ok {
						r, g, b, a = r+float64(c.R), g+float64(c.G), b+float64(c.B), a+1
					}
				}
			}
			if a > 0 {
				img.SetNRGBA(px, py, color.NRGBA{R: round(r / a), G: round(g / a), B: round(b / a), A: round(255 * a / (n * n))})
			}
		}
	}
	return img, nil
}

// at is the colour of the topmost shape at a point.
func (d drawing) at(x, y float64) (color.NRGBA, bool) {
	for i := len(d.shapes) - 1; i >= 0; i-- {
		if d.shapes[i].inside(x, y) {
			return d.shapes[i].fill, true
		}
	}
	return color.NRGBA{}, false
}

func round(v float64) uint8 { return uint8(math.Min(255, math.Round(v))) }

// element is any SVG element, with the attributes the icon uses.
type element struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Content []element  `xml:",any"`
}

func (e element) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (e element) num(name string) (float64, error) {
	v, err := strconv.ParseFloat(e.attr(name), 64)
	if err != nil {
		return 0, fmt.Errorf("<%s %s=%q>: a number is needed", e.XMLName.Local, name, e.attr(name))
	}
	return v, nil
}

func parse(svg []byte) (drawing, error) {
	var root element
	if err := xml.NewDecoder(bytes.NewReader(svg)).Decode(&root); err != nil {
		return drawing{}, fmt.Errorf("the icon's SVG: %w", err)
	}
	var d drawing
	box := strings.Fields(root.attr("viewBox"))
	if len(box) != 4 || box[0] != "0" || box[1] != "0" {
		return d, fmt.Errorf("the icon's SVG needs a viewBox \"0 0 W H\", not %q", root.attr("viewBox"))
	}
	var err error
	if d.width, err = strconv.ParseFloat(box[2], 64); err != nil {
		return d, err
	}
	if d.height, err = strconv.ParseFloat(box[3], 64); err != nil {
		return d, err
	}
	for _, e := range root.Content {
		if e.XMLName.Local == "title" || e.XMLName.Local == "desc" {
			continue
		}
		s, err := shapeOf(e)
		if err != nil {
			return d, err
		}
		d.shapes = append(d.shapes, s)
	}
	return d, nil
}

func shapeOf(e element) (shape, error) {
	var s shape
	fill, err := hexColor(e.attr("fill"))
	if err != nil {
		return s, fmt.Errorf("<%s>: %w", e.XMLName.Local, err)
	}
	s.fill = fill
	switch e.XMLName.Local {
	case "rect":
		s.inside, err = rect(e)
	case "circle":
		s.inside, err = circle(e)
	case "path":
		s.inside, err = polygon(e.attr("d"))
	default:
		err = fmt.Errorf("<%s> is not drawn by internal/icons: use rect, circle or path", e.XMLName.Local)
	}
	return s, err
}

func hexColor(s string) (color.NRGBA, error) {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if !strings.HasPrefix(s, "#") || len(s) != 7 || err != nil {
		return color.NRGBA{}, fmt.Errorf("fill %q: write it #rrggbb", s)
	}
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}, nil
}

func rect(e element) (func(x, y float64) bool, error) {
	var v [5]float64
	for i, name := range []string{"x", "y", "width", "height", "rx"} {
		if name == "rx" && e.attr(name) == "" {
			continue
		}
		n, err := e.num(name)
		if err != nil {
			return nil, err
		}
		v[i] = n
	}
	x0, y0, x1, y1, r := v[0], v[1], v[0]+v[2], v[1]+v[3], v[4]
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		// Within a corner's square, the point must be within its circle.
		cx, cy := math.Max(x0+r, math.Min(x, x1-r)), math.Max(y0+r, math.Min(y, y1-r))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}, nil
}

func circle(e element) (func(x, y float64) bool, error) {
	var v [3]float64
	for i, name := range []string{"cx", "cy", "r"} {
		n, err := e.num(name)
		if err != nil {
			return nil, err
		}
		v[i] = n
	}
	return func(x, y float64) bool { return (x-v[0])*(x-v[0])+(y-v[1])*(y-v[1]) <= v[2]*v[2] }, nil
}

// polygon reads a path of straight lines, filled by the even-odd rule.
func polygon(d string) (func(x, y float64) bool, error) {
	var pts [][2]float64
	var cur [2]float64
	fields := strings.Fields(strings.ReplaceAll(d, ",", " "))
	for i := 0; i < len(fields); {
		cmd := fields[i]
		i++
		next := func() (float64, error) {
			if i >= len(fields) {
				return 0, fmt.Errorf("path %q ends in the middle of %s", d, cmd)
			}
			i++
			return strconv.ParseFloat(fields[i-1], 64)
		}
		var err error
		switch cmd {
		case "M", "L":
			if cur[0], err = next(); err == nil {
				cur[1], err = next()
			}
		case "H":
			cur[0], err = next()
		case "V":
			cur[1], err = next()
		case "Z", "z":
			continue
		default:
			return nil, fmt.Errorf("path %q: only the absolute commands M, L, H, V and Z are drawn, each followed by its numbers", d)
		}
		if err != nil {
			return nil, fmt.Errorf("path %q: %w", d, err)
		}
		pts = append(pts, cur)
	}
	if len(pts) < 3 {
		return nil, fmt.Errorf("path %q has fewer than three points", d)
	}
	return func(x, y float64) bool {
		in := false
		for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
			a, b := pts[i], pts[j]
			if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
		return in
	}, nil
}

// Write draws every size into the extension folder dir.
func Write(dir string) error {
	for _, size := range Sizes {
		img, err := Render(Source, size)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(File(size))), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write the %d px icon: %w", size, err)
		}
	}
	return nil
}
