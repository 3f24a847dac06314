package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/cifbridge/cif-bridge/protocol/errcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fuzzCap is the small body limit the fuzz targets read with, so that
// short inputs reach the oversized-frame path too.
const fuzzCap = 64

// FuzzReader reads arbitrary bytes as frames. Reading must never panic,
// never return a body over the limit nor ask the stream for much more than
// it (a long length is skipped in small pieces, not allocated), and must
// end in one of the documented ways.
func FuzzReader(f *testing.F) {
	f.Add(frame(`{"jsonrpc":"2.0","id":1,"method":"hello"}`))
	f.Add(append(frame(""), frame("{}")...))
	f.Add(append(header(fuzzCap+1), bytes.Repeat([]byte("x"), fuzzCap+1)...))
	f.Add(append(header(fuzzCap+10), "short"...))
	f.Add(header(MaxResync + 1))
	f.Add(header(0xFFFFFFFF))
	f.Add([]byte{1, 0})
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	f.Fuzz(func(t *testing.T, stream []byte) {
		src := &countingReader{r: bytes.NewReader(stream)}
		r := NewReader(src, fuzzCap)
		for range len(stream) + 1 { // every frame consumes at least its header
			body, err := r.Read()
			assert.LessOrEqual(t, src.largest, max(fuzzCap, 64<<10), "a read asked for more than the limit")
			if err == nil {
				require.LessOrEqual(t, len(body), fuzzCap)
				continue
			}
			if tooLarge, ok := errors.AsType[*FrameTooLargeError](err); ok {
				assert.Greater(t, tooLarge.Size, int64(fuzzCap))
				assert.LessOrEqual(t, tooLarge.Size, int64(MaxResync))
				continue
			}
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrDesync) {
				t.Fatalf("undocumented error %v", err)
			}
			return
		}
		t.Fatal("the reader made no progress")
	})
}

// FuzzWriterReaderRoundTrip writes a body and reads it back: the same
// bytes within the limit, a typed error and a stream still in step beyond.
func FuzzWriterReaderRoundTrip(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"result":null}`))
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte("é"), fuzzCap))
	f.Fuzz(func(t *testing.T, body []byte) {
		var pipe bytes.Buffer
		w := NewWriter(&pipe)
		require.NoError(t, w.Write(body))
		require.NoError(t, w.Write([]byte("next")))
		r := NewReader(&pipe, fuzzCap)
		got, err := r.Read()
		if len(body) <= fuzzCap {
			require.NoError(t, err)
			assert.Equal(t, body, got)
		} else {
			assert.Equal(t, &FrameTooLargeError{Size: int64(len(body)), Limit: fuzzCap}, err)
		}
		got, err = r.Read()
		require.NoError(t, err)
		assert.Equal(t, "next", string(got), "the stream must stay in step")
		_, err = r.Read()
		assert.ErrorIs(t, err, io.EOF)
	})
}

// FuzzDecodeRequest decodes arbitrary frame bodies. It must never panic; a
// request it accepts is well formed; a refusal carries a documented code
// and an id that is null or the request's, and encodes as a response.
func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","id":7,"method":"createSession","params":{"input":{"templateName":"x"}}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","method":"ping"}`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":"a","method":"getSession","params":["s"]}`))
	f.Add([]byte(` [{"jsonrpc":"2.0","id":1,"method":"a"}]`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":{},"method":"a"}`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":null,"method":"a"}`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"method":"a","params":{"k":"\"[[[["}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":1,"method":"a","params":{"k":` + string(bytes.Repeat([]byte("["), 70)) + `}}`))
	f.Add([]byte("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\xff\"}"))
	f.Add([]byte(`null`))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		req, id, perr := DecodeRequest(body)
		if perr == nil {
			require.NotNil(t, req)
			assert.Equal(t, Version, req.JSONRPC)
			assert.NotEmpty(t, req.Method)
			if !req.IsNotification() {
				assertScalarID(t, id)
			}
			if p := bytes.TrimSpace(req.Params); len(p) > 0 {
				assert.True(t, p[0] == '{' || string(p) == "null", "params %s", p)
			}
			return
		}
		assert.Nil(t, req)
		assert.Contains(t, []errcode.Code{errcode.ParseError, errcode.InvalidRequest, errcode.InvalidParams}, perr.Code)
		assert.NotEmpty(t, perr.Message)
		if len(id) == 0 { // no id: answered with null all the same
			id = json.RawMessage("null")
		}
		if string(id) != "null" {
			assertScalarID(t, id)
		}
		var resp Response
		require.NoError(t, json.Unmarshal(EncodeError(id, perr), &resp), "the refusal must encode as a response")
		assert.JSONEq(t, string(id), string(resp.ID))
	})
}

func assertScalarID(t *testing.T, id json.RawMessage) {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(id, &v), "id %s", id)
	switch v.(type) {
	case string, float64:
	default:
		t.Fatalf("id %s is neither a string nor a number", id)
	}
}

// zeros is an endless stream of zero bytes that allocates nothing.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReaderAllocatesNothingForALengthAboveTheCap(t *testing.T) {
	const size = MaxResync // the largest length still skipped, not refused
	stream := io.MultiReader(bytes.NewReader(header(size)), io.LimitReader(zeros{}, size), bytes.NewReader(frame("{}")))
	r := NewReader(stream, 0)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := r.Read()
	runtime.ReadMemStats(&after)
	var tooLarge *FrameTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "skipping a 64 MiB body must not allocate it")

	body, err := r.Read()
	require.NoError(t, err)
	assert.Equal(t, "{}", string(body))
}

func TestDecodeRequestLimitsNesting(t *testing.T) {
	body := func(id string, depth int) []byte {
		// The request and its params are two levels already.
		return []byte(`{"jsonrpc":"2.0","id":` + id + `,"method":"m","params":{"k":` +
			strings.Repeat("[", depth-2) + strings.Repeat("]", depth-2) + `}}`)
	}
	_, _, perr := DecodeRequest(body("1", MaxNesting))
	assert.Nil(t, perr, "the limit itself is accepted")

	const msg = "request nests objects and arrays more than 64 levels deep, which cif-host does not accept; send flatter parameters"
	_, id, perr := DecodeRequest(body(`"deep"`, MaxNesting+1))
	require.NotNil(t, perr)
	assert.Equal(t, errcode.InvalidParams, perr.Code)
	assert.Equal(t, msg, perr.Message)
	assert.JSONEq(t, `"deep"`, string(id), "the refusal reaches the caller")

	_, id, perr = DecodeRequest(body("2", 20_000))
	require.NotNil(t, perr)
	assert.Equal(t, msg, perr.Message)
	assert.JSONEq(t, "null", string(id), "too deep for encoding/json to find the id")

	_, _, perr = DecodeRequest([]byte(`{"jsonrpc":"2.0","id":1,"method":"m","params":{"k":"` + strings.Repeat(`[{\"`, 100) + `"}}`))
	assert.Nil(t, perr, "brackets and escaped quotes inside strings do not count")
}
