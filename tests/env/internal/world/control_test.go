package world

import (
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestResolvePartAcceptsAliases(t *testing.T) {
	for arg, want := range map[string]string{
		"apiserver": PartAPIServer, "kube-apiserver": PartAPIServer, "prometheus": PartPrometheus,
		"controller-manager": PartController, "etcd": PartEtcd, "sim": PartSim, "kubelet": PartKubelet,
	} {
		got, err := resolvePart(arg)
		if err != nil || got != want {
			t.Errorf("resolvePart(%q) = %q, %v; want %q", arg, got, err, want)
		}
	}
	if _, err := resolvePart("etc"); err == nil || !strings.Contains(err.Error(), "apiserver, controller-manager") {
		t.Errorf("resolvePart(etc) error should list the parts, got %v", err)
	}
}

func TestControlArgsTakesThePartBeforeOrAfterFlags(t *testing.T) {
	for _, args := range [][]string{
		{"prometheus", "--state", "/s", "--kill"},
		{"--state", "/s", "--kill", "prometheus"},
	} {
		fs := flag.NewFlagSet("restart", flag.ContinueOnError)
		state := fs.String("state", "", "")
		kill := fs.Bool("kill", false, "")
		part, err := controlArgs(fs, args)
		if err != nil || part != PartPrometheus || *state != "/s" || !*kill {
			t.Errorf("controlArgs(%q) = %q, %v (state %q, kill %v)", args, part, err, *state, *kill)
		}
	}
	fs := flag.NewFlagSet("stop", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := controlArgs(fs, nil); err == nil {
		t.Error("controlArgs without a part should fail")
	}
	if _, err := controlArgs(fs, []string{"apiserver", "sim"}); err == nil {
		t.Error("controlArgs with two parts should fail")
	}
}

// aWorld records one real process (sleep) as the part `kubelet`, whose
// readiness is "still running a second after the launch".
func aWorld(t *testing.T) (*World, paths) {
	t.Helper()
	p := paths{t.TempDir()}
	pr, err := startDetached(PartKubelet, filepath.Join(p.dir, "kubelet.log"), []string{"/bin/sleep", "60"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &World{State: p.dir, Ports: map[string]int{}, Procs: []Proc{pr}}
	t.Cleanup(func() {
		if cur, ok := w.proc(PartKubelet); ok && cur.Alive() {
			killNow(cur)
		}
	})
	if err := w.save(p); err != nil {
		t.Fatal(err)
	}
	return w, p
}

func TestStopRecordsTheStoppedPartAndStartBringsItBack(t *testing.T) {
	w, p := aWorld(t)
	o := controlOptions{timeout: 10 * time.Second, ready: readiness(p, PartKubelet)}
	first := w.Procs[0]

	if err := w.stopPart(p, PartKubelet, o); err != nil {
		t.Fatal(err)
	}
	if first.Alive() {
		t.Fatal("the process still runs after stop")
	}
	saved, err := load(p)
	if err != nil || !saved.Procs[0].Stopped {
		t.Fatalf("world.json does not mark the part stopped: %+v, %v", saved, err)
	}
	// Stopping again is a no-op.
	if err := w.stopPart(p, PartKubelet, o); err != nil {
		t.Fatal(err)
	}

	if err := w.resumeStopped(p, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	second := w.Procs[0]
	if !second.Alive() || second.PID == first.PID || second.Stopped {
		t.Fatalf("after start: %+v (first pid %d)", second, first.PID)
	}
	if saved, _ := load(p); saved.Procs[0].PID != second.PID || saved.Procs[0].Start != second.Start || saved.Procs[0].Stopped {
		t.Fatalf("world.json is not the running process: %+v, want pid %d", saved.Procs[0], second.PID)
	}
	if strings.Join(second.Args, " ") != "/bin/sleep 60" {
		t.Errorf("restarted with other arguments: %q", second.Args)
	}

	// restart --kill: a new process again.
	o.kill = true
	if err := w.stopPart(p, PartKubelet, o); err != nil {
		t.Fatal(err)
	}
	if err := w.startPart(p, PartKubelet, o); err != nil {
		t.Fatal(err)
	}
	if third := w.Procs[0]; !third.Alive() || third.PID == second.PID || second.Alive() {
		t.Fatalf("restart --kill: old %+v, new %+v", second, third)
	}
}

func TestStartFailsWhenThePartKeepsExiting(t *testing.T) {
	w, p := aWorld(t)
	o := controlOptions{timeout: 2500 * time.Millisecond, ready: readiness(p, PartKubelet)}
	if err := w.stopPart(p, PartKubelet, o); err != nil {
		t.Fatal(err)
	}
	w.Procs[0].Args = []string{"/bin/sh", "-c", "exit 1"}
	t0 := time.Now()
	err := w.startPart(p, PartKubelet, o)
	if err == nil || !strings.Contains(err.Error(), "exited during start-up") {
		t.Fatalf("start of a part that exits: %v", err)
	}
	if took := time.Since(t0); took > 5*time.Second {
		t.Errorf("gave up after %s, want about the 2.5 s timeout", took)
	}
}

func TestStopOfAnUnknownPartNamesIt(t *testing.T) {
	w, p := aWorld(t)
	err := w.stopPart(p, PartPrometheus, controlOptions{})
	if err == nil || !strings.Contains(err.Error(), "prometheus") {
		t.Fatalf("got %v", err)
	}
}
