// Command ofrep-go evaluates feature flags over OFREP (the OpenFeature Remote Evaluation
// Protocol) with the OpenFeature Go SDK and its OFREP provider
// (github.com/open-feature/go-sdk-contrib/providers/ofrep): a real upstream client for the
// e2e tests, to check that an OFREP server answers as a Go application sees it.
//
// Usage:
//
//	ofrep-go --base-url URL [--token T | --api-key K] [--http-timeout 5s] COMMAND [flags]
//
//	eval  --flag KEY --type string|bool|int|float|object --default V [--context JSON]
//	      Evaluates once and prints one JSON line:
//	      {"flag":KEY,"value":...,"variant":...,"reason":...,"errorCode":...,"errorMessage":...}
//	      The value is the SDK's: the default when the evaluation failed (errorCode set).
//	      Exit 0 whenever a line was printed, whatever the errorCode.
//
//	watch --flag KEY --type T --default V [--context JSON] --expect V [--timeout 30s] [--interval 200ms]
//	      Evaluates every --interval until the value equals --expect (compared as JSON values
//	      of the flag's type), then prints {"flag":KEY,"elapsedMs":N,...details} and exits 0;
//	      after --timeout prints the last details with "timedOut":true and exits 1.
//
// --default and --expect are parsed by --type: "true"/"false", an integer, a number, any text
// for string, a JSON document for object. --context is a JSON object; its "targetingKey" is the
// targeting key, every other member an attribute. --token sends "Authorization: Bearer T",
// --api-key sends "X-API-Key: K".
//
// The OFREP provider (v0.1.6) calls the single-flag endpoint
// POST {base-url}/ofrep/v1/evaluate/flags/{key} on every evaluation; it neither caches nor
// polls the bulk endpoint, so a watch sees a server-side change on its next evaluation.
//
// Exit codes: 0 success, 1 watch timed out, 2 usage error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/open-feature/go-sdk-contrib/providers/ofrep"
	"github.com/open-feature/go-sdk/openfeature"
)

const usage = `usage: ofrep-go --base-url URL [--token T | --api-key K] [--http-timeout 5s] COMMAND [flags]

commands:
  eval  --flag KEY --type string|bool|int|float|object --default V [--context JSON]
  watch --flag KEY --type T --default V [--context JSON] --expect V [--timeout 30s] [--interval 200ms]

Run "ofrep-go COMMAND -h" for a command's flags.
`

// result is the one JSON line printed per evaluation.
type result struct {
	Flag         string         `json:"flag"`
	Value        any            `json:"value"`
	Variant      string         `json:"variant"`
	Reason       string         `json:"reason"`
	ErrorCode    string         `json:"errorCode"`
	ErrorMessage string         `json:"errorMessage,omitempty"`
	Metadata     map[string]any `json:"metadata,omitempty"`
	ElapsedMs    *int64         `json:"elapsedMs,omitempty"`
	TimedOut     bool           `json:"timedOut,omitempty"`
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("ofrep-go", flag.ContinueOnError)
	global.SetOutput(stderr)
	global.Usage = func() { fmt.Fprint(stderr, usage) }
	baseURL := global.String("base-url", "", "OFREP server base URL, e.g. http://127.0.0.1:8016 (required)")
	token := global.String("token", "", "bearer token (Authorization: Bearer T)")
	apiKey := global.String("api-key", "", "API key (X-API-Key: K)")
	httpTimeout := global.Duration("http-timeout", 5*time.Second, "timeout of one HTTP request")
	if err := global.Parse(args); err != nil {
		return 2
	}
	if *baseURL == "" || global.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}

	opts := []ofrep.Option{ofrep.WithClient(&http.Client{Timeout: *httpTimeout})}
	if *token != "" {
		opts = append(opts, ofrep.WithBearerToken(*token))
	}
	if *apiKey != "" {
		opts = append(opts, ofrep.WithApiKeyAuth(*apiKey))
	}
	if err := openfeature.SetProviderAndWait(ofrep.NewProvider(*baseURL, opts...)); err != nil {
		fmt.Fprintf(stderr, "ofrep-go: setting the provider: %v\n", err)
		return 2
	}
	client := openfeature.NewClient("ofrep-go")

	cmd, rest := global.Arg(0), global.Args()[1:]
	var err error
	switch cmd {
	case "eval":
		err = evalCommand(client, rest, stdout, stderr)
	case "watch":
		err = watchCommand(client, rest, stdout, stderr)
	default:
		err = usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "ofrep-go: %v\n", err)
		return 2
	case errors.Is(err, errTimedOut):
		return 1
	default:
		fmt.Fprintf(stderr, "ofrep-go: %v\n", err)
		return 2
	}
}

var errTimedOut = errors.New("timed out")

// evalFlags are the flags eval and watch share.
type evalFlags struct {
	key, typ, def, ctx string
}

func (f *evalFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.key, "flag", "", "flag key (required)")
	fs.StringVar(&f.typ, "type", "", "string|bool|int|float|object (required)")
	fs.StringVar(&f.def, "default", "", "default value, parsed by --type (required)")
	fs.StringVar(&f.ctx, "context", "{}", `evaluation context as a JSON object, e.g. {"targetingKey":"u1","email":"a@b.c"}`)
}

func (f *evalFlags) check(fs *flag.FlagSet) (evaluation, error) {
	if fs.NArg() != 0 {
		return evaluation{}, usageError{fmt.Sprintf("unexpected arguments: %v", fs.Args())}
	}
	if f.key == "" || f.typ == "" {
		return evaluation{}, usageError{"--flag and --type are required"}
	}
	seen := false
	fs.Visit(func(fl *flag.Flag) { seen = seen || fl.Name == "default" })
	if !seen {
		return evaluation{}, usageError{"--default is required"}
	}
	def, err := parseValue(f.typ, f.def)
	if err != nil {
		return evaluation{}, usageError{fmt.Sprintf("--default: %v", err)}
	}
	evalCtx, err := parseContext(f.ctx)
	if err != nil {
		return evaluation{}, usageError{fmt.Sprintf("--context: %v", err)}
	}
	return evaluation{key: f.key, typ: f.typ, def: def, ctx: evalCtx}, nil
}

func evalCommand(client *openfeature.Client, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f evalFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	e, err := f.check(fs)
	if err != nil {
		return err
	}
	return printJSON(stdout, e.evaluate(context.Background(), client))
}

func watchCommand(client *openfeature.Client, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f evalFlags
	f.register(fs)
	expectText := fs.String("expect", "", "the value to wait for, parsed by --type (required)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	interval := fs.Duration("interval", 200*time.Millisecond, "time between evaluations")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	e, err := f.check(fs)
	if err != nil {
		return err
	}
	seen := false
	fs.Visit(func(fl *flag.Flag) { seen = seen || fl.Name == "expect" })
	if !seen {
		return usageError{"--expect is required"}
	}
	expect, err := parseValue(f.typ, *expectText)
	if err != nil {
		return usageError{fmt.Sprintf("--expect: %v", err)}
	}
	if *interval <= 0 {
		return usageError{"--interval must be positive"}
	}

	start := time.Now()
	deadline := start.Add(*timeout)
	for {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		r := e.evaluate(ctx, client)
		cancel()
		elapsed := time.Since(start).Milliseconds()
		r.ElapsedMs = &elapsed
		if sameValue(r.Value, expect) && r.ErrorCode == "" {
			return printJSON(stdout, r)
		}
		if time.Now().Add(*interval).After(deadline) {
			r.TimedOut = true
			if err := printJSON(stdout, r); err != nil {
				return err
			}
			return errTimedOut
		}
		time.Sleep(*interval)
	}
}

type evaluation struct {
	key, typ string
	def      any
	ctx      openfeature.EvaluationContext
}

func (e evaluation) evaluate(ctx context.Context, client *openfeature.Client) result {
	var value any
	var d openfeature.EvaluationDetails
	// The error is also in d.ErrorCode/ErrorMessage; the value is then the default.
	switch e.typ {
	case "bool":
		r, _ := client.BooleanValueDetails(ctx, e.key, e.def.(bool), e.ctx)
		value, d = r.Value, r.EvaluationDetails
	case "string":
		r, _ := client.StringValueDetails(ctx, e.key, e.def.(string), e.ctx)
		value, d = r.Value, r.EvaluationDetails
	case "int":
		r, _ := client.IntValueDetails(ctx, e.key, e.def.(int64), e.ctx)
		value, d = r.Value, r.EvaluationDetails
	case "float":
		r, _ := client.FloatValueDetails(ctx, e.key, e.def.(float64), e.ctx)
		value, d = r.Value, r.EvaluationDetails
	case "object":
		r, _ := client.ObjectValueDetails(ctx, e.key, e.def, e.ctx)
		value, d = r.Value, r.EvaluationDetails
	}
	return result{
		Flag:         e.key,
		Value:        value,
		Variant:      d.Variant,
		Reason:       string(d.Reason),
		ErrorCode:    string(d.ErrorCode),
		ErrorMessage: d.ErrorMessage,
		Metadata:     d.FlagMetadata,
	}
}

// parseValue reads a --default or --expect by the flag type.
func parseValue(typ, text string) (any, error) {
	switch typ {
	case "bool":
		return strconv.ParseBool(text)
	case "string":
		return text, nil
	case "int":
		return strconv.ParseInt(text, 10, 64)
	case "float":
		return strconv.ParseFloat(text, 64)
	case "object":
		var v any
		if err := json.Unmarshal([]byte(text), &v); err != nil {
			return nil, fmt.Errorf("not JSON: %w", err)
		}
		return v, nil
	default:
		return nil, fmt.Errorf("unknown --type %q (string|bool|int|float|object)", typ)
	}
}

// parseContext reads --context: a JSON object, "targetingKey" (a string) apart.
func parseContext(text string) (openfeature.EvaluationContext, error) {
	var attrs map[string]any
	dec := json.NewDecoder(strings.NewReader(text))
	if err := dec.Decode(&attrs); err != nil {
		return openfeature.EvaluationContext{}, fmt.Errorf("not a JSON object: %w", err)
	}
	targetingKey := ""
	if tk, ok := attrs["targetingKey"]; ok {
		s, isString := tk.(string)
		if !isString {
			return openfeature.EvaluationContext{}, errors.New(`"targetingKey" must be a string`)
		}
		targetingKey = s
		delete(attrs, "targetingKey")
	}
	return openfeature.NewEvaluationContext(targetingKey, attrs), nil
}

// sameValue compares two values as JSON documents: both sides were made for the same --type,
// so this only matters for objects (map order, numbers as float64).
func sameValue(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	if errA != nil || errB != nil {
		return reflect.DeepEqual(a, b)
	}
	var va, vb any
	if json.Unmarshal(ja, &va) != nil || json.Unmarshal(jb, &vb) != nil {
		return string(ja) == string(jb)
	}
	return reflect.DeepEqual(va, vb)
}

func printJSON(w io.Writer, r result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
