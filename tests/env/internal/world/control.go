package world

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Control verbs act on one part of a running world:
//
//	cutover-env stop    PART --state DIR
//	cutover-env start   PART --state DIR
//	cutover-env restart PART --state DIR [--kill]
//
// A part comes back with its recorded command line, so it keeps its port:
// kubeconfigs, the prometheus-url file and every client stay valid. world.json
// stays true at every moment: a stopped part is marked `stopped` (down skips
// it, status shows it, up starts it again), and a started one is recorded
// with its new PID and start time before the command waits for it.

// partAliases maps the names a user may type to the recorded part names.
var partAliases = map[string]string{
	"etcd":                    PartEtcd,
	"apiserver":               PartAPIServer,
	"kube-apiserver":          PartAPIServer,
	"controller-manager":      PartController,
	"kube-controller-manager": PartController,
	"kubelet":                 PartKubelet,
	"sim":                     PartSim,
	"prometheus":              PartPrometheus,
}

// resolvePart returns the recorded name of a part, or an error that lists the
// valid names.
func resolvePart(arg string) (string, error) {
	if name, ok := partAliases[arg]; ok {
		return name, nil
	}
	return "", fmt.Errorf("unknown part %q: want one of etcd, apiserver, controller-manager, kubelet, sim, prometheus", arg)
}

// controlArgs splits `PART [flags]` or `[flags] PART`: the Go flag package
// stops at the first non-flag argument.
func controlArgs(fs *flag.FlagSet, args []string) (string, error) {
	var part string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		part, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if part == "" && fs.NArg() > 0 {
		part = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return "", fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if part == "" {
		return "", errors.New("which part? e.g. `restart apiserver` or `stop prometheus`")
	}
	return resolvePart(part)
}

// Control runs stop, start or restart.
func Control(verb string, args []string) int {
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	state := fs.String("state", os.Getenv("CUTOVER_CLUSTER_STATE"), "state directory (default $CUTOVER_CLUSTER_STATE)")
	kill := fs.Bool("kill", false, "stop with SIGKILL at once instead of SIGTERM (a crash, not a shutdown)")
	timeout := fs.Duration("timeout", 60*time.Second, "how long start waits for the part to be healthy")
	part, err := controlArgs(fs, args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "cutover-env %s: %v\n", verb, err)
		return 2
	}
	if *state == "" {
		fmt.Fprintln(os.Stderr, "cutover-env: --state or CUTOVER_CLUSTER_STATE is required")
		return 2
	}
	dir, err := filepath.Abs(*state)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	p := paths{dir}
	return withLock(p, func() int {
		w, err := load(p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "cutover world not up in %s (%v): run scripts/cluster up\n", p.dir, err)
			return 1
		}
		o := controlOptions{kill: *kill, timeout: *timeout, ready: readiness(p, part)}
		t0 := time.Now()
		before, _ := w.proc(part)
		switch verb {
		case "stop":
			err = w.stopPart(p, part, o)
		case "start":
			err = w.startPart(p, part, o)
		case "restart":
			if err = w.stopPart(p, part, o); err == nil {
				err = w.startPart(p, part, o)
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "cutover-env %s %s: %v\n", verb, part, err)
			if pr, ok := w.proc(part); ok && verb != "stop" {
				fmt.Fprintf(os.Stderr, "---- last lines of %s ----\n%s\n----\n", pr.Log, tail(pr.Log, 40))
			}
			return 1
		}
		after, _ := w.proc(part)
		took := time.Since(t0).Round(10 * time.Millisecond)
		switch verb {
		case "stop":
			fmt.Printf("%s stopped in %s (pid %d); `scripts/cluster start %s` or `up` starts it again\n", part, took, before.PID, part)
		default:
			fmt.Printf("%s %sed in %s (pid %d -> %d, %s)\n", part, verb, took, before.PID, after.PID, endpoint(w, part))
		}
		return 0
	})
}

type controlOptions struct {
	kill    bool
	timeout time.Duration
	// ready reports nil once the part serves; it is polled after each launch.
	ready func(w *World, launched time.Time) error
}

// stopPart stops a running part (SIGTERM with a 10 s grace, or SIGKILL with
// kill) and records it as stopped. A part that is already stopped is left so.
func (w *World) stopPart(p paths, name string, o controlOptions) error {
	i := w.procIndex(name)
	if i < 0 {
		return fmt.Errorf("world.json records no %s", name)
	}
	pr := w.Procs[i]
	if pr.Alive() {
		if o.kill {
			killNow(pr)
		} else {
			stop([]Proc{pr}, 10*time.Second)
		}
		if pr.Alive() {
			return fmt.Errorf("pid %d is still running after SIGKILL", pr.PID)
		}
	}
	w.Procs[i].Stopped = true
	return w.save(p)
}

// startPart starts a part that is not running with its recorded command line
// and waits until it is ready. A part that runs already is left alone. When
// the new process exits before it is ready (its port briefly taken by another
// socket, say), it is launched again until the timeout.
func (w *World) startPart(p paths, name string, o controlOptions) error {
	i := w.procIndex(name)
	if i < 0 {
		return fmt.Errorf("world.json records no %s", name)
	}
	if w.Procs[i].Alive() {
		w.Procs[i].Stopped = false
		return w.save(p)
	}
	deadline := time.Now().Add(o.timeout)
	for attempt := 1; ; attempt++ {
		old := w.Procs[i]
		pr, err := startDetached(old.Name, old.Log, old.Args, os.Environ())
		if err != nil {
			return err
		}
		w.Procs[i] = pr
		if err := w.save(p); err != nil {
			return err
		}
		launched := time.Now()
		var last error
		for time.Now().Before(deadline) && pr.Alive() {
			if last = o.ready(w, launched); last == nil {
				return nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		if pr.Alive() {
			return fmt.Errorf("not ready within %s: %v", o.timeout, last)
		}
		if time.Now().Add(time.Second).After(deadline) {
			return fmt.Errorf("exited during start-up (attempt %d); see %s", attempt, pr.Log)
		}
		time.Sleep(time.Second)
	}
}

// resumeStopped starts every part marked stopped, in start order, so that
// `up` brings a world with a stopped part back without a fresh start.
func (w *World) resumeStopped(p paths, timeout time.Duration) error {
	for _, pr := range w.Procs {
		if !pr.Stopped {
			continue
		}
		fmt.Printf("starting %s (it was stopped)\n", pr.Name)
		if err := w.startPart(p, pr.Name, controlOptions{timeout: timeout, ready: readiness(p, pr.Name)}); err != nil {
			return fmt.Errorf("%s: %w", pr.Name, err)
		}
	}
	return nil
}

func (w *World) procIndex(name string) int {
	for i, pr := range w.Procs {
		if pr.Name == name {
			return i
		}
	}
	return -1
}

// killNow sends SIGKILL and waits until the process is gone and reaped.
func killNow(pr Proc) {
	_ = syscall.Kill(pr.PID, syscall.SIGKILL)
	deadline := time.Now().Add(5 * time.Second)
	for pr.Alive() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	waitReaped([]Proc{pr}, 5*time.Second)
}

// readiness is the check that says a restarted part serves again: the same
// endpoints up waits for. The controller manager and the kubelet have no
// endpoint; they count as ready once they have stayed up for a second.
func readiness(p paths, name string) func(*World, time.Time) error {
	switch name {
	case PartEtcd:
		return func(w *World, _ time.Time) error {
			return httpOK(plainClient, fmt.Sprintf("http://127.0.0.1:%d/health", w.Ports["etcd-client"]), `"health":"true"`)
		}
	case PartAPIServer:
		return func(w *World, _ time.Time) error {
			c, err := adminHTTPClient(p, 2*time.Second)
			if err != nil {
				return err
			}
			return httpOK(c, fmt.Sprintf("https://127.0.0.1:%d/readyz", w.Ports[PartAPIServer]), "ok")
		}
	case PartSim:
		return func(w *World, _ time.Time) error {
			return httpOK(plainClient, fmt.Sprintf("http://127.0.0.1:%d/metrics", w.Ports[PartSim]), "cutover_sim_targets")
		}
	case PartPrometheus:
		return func(w *World, _ time.Time) error {
			return httpOK(plainClient, fmt.Sprintf("http://127.0.0.1:%d/-/ready", w.Ports[PartPrometheus]), "")
		}
	}
	return func(_ *World, launched time.Time) error {
		if time.Since(launched) < time.Second {
			return errors.New("just started")
		}
		return nil
	}
}
