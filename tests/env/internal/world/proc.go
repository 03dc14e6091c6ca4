package world

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Proc is one process the world started.
type Proc struct {
	Name string `json:"name"`
	PID  int    `json:"pid"`
	// Start is the process start time from /proc/PID/stat (clock ticks since
	// boot). With the PID it identifies the process even if PIDs are reused.
	Start uint64   `json:"start"`
	Log   string   `json:"log"`
	Args  []string `json:"args"`
	// Stopped marks a part stopped on purpose (`cutover-env stop`): down and
	// status know it is not running, and up starts it again.
	Stopped bool `json:"stopped,omitempty"`
}

// startDetached starts argv in its own session (setsid), with stdin from
// /dev/null and stdout+stderr appended to logPath, and does not wait for it.
func startDetached(name, logPath string, argv []string, env []string) (Proc, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return Proc{}, err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "=== %s: %s\n", time.Now().Format(time.RFC3339), strings.Join(argv, " "))
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return Proc{}, fmt.Errorf("start %s: %w", name, err)
	}
	p := Proc{Name: name, PID: cmd.Process.Pid, Log: logPath, Args: argv}
	p.Start, _ = procStart(p.PID)
	// Reap it in the background while we live; once we exit, init adopts it.
	go func() { _ = cmd.Wait() }()
	return p, nil
}

// procStart reads field 22 (starttime) of /proc/PID/stat; zombies count as
// gone.
func procStart(pid int) (uint64, error) {
	return readStat(pid, false)
}

// procStartAny is procStart that also reports zombies.
func procStartAny(pid int) (uint64, error) {
	return readStat(pid, true)
}

func readStat(pid int, zombies bool) (uint64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, errors.New("bad stat")
	}
	fields := strings.Fields(string(data[i+1:]))
	if len(fields) < 20 {
		return 0, errors.New("short stat")
	}
	if fields[0] == "Z" && !zombies {
		return 0, errors.New("zombie")
	}
	return strconv.ParseUint(fields[19], 10, 64)
}

// Alive reports whether the very process we started still runs.
func (p Proc) Alive() bool {
	if p.PID <= 0 {
		return false
	}
	st, err := procStart(p.PID)
	return err == nil && st == p.Start
}

// RSS returns the resident set size in bytes, 0 if unknown.
func (p Proc) RSS() int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.PID))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "VmRSS:") {
			fs := strings.Fields(line)
			if len(fs) >= 2 {
				kb, _ := strconv.ParseInt(fs[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// stop sends SIGTERM to each live process, waits up to grace, then SIGKILLs
// whatever is left and waits for it to disappear. Only the exact processes
// recorded are signalled.
func stop(procs []Proc, grace time.Duration) []string {
	var live []Proc
	for _, p := range procs {
		if p.Alive() {
			_ = syscall.Kill(p.PID, syscall.SIGTERM)
			live = append(live, p)
		}
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !anyAlive(live) {
			waitReaped(live, 5*time.Second)
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	var killed []string
	for _, p := range live {
		if p.Alive() {
			_ = syscall.Kill(p.PID, syscall.SIGKILL)
			killed = append(killed, p.Name)
		}
	}
	deadline = time.Now().Add(5 * time.Second)
	for anyAlive(live) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	waitReaped(live, 5*time.Second)
	return killed
}

// waitReaped waits until the exited processes have been reaped by their
// parent (init, once up has exited), so that no zombie named cutover-env
// lingers in the process table after down.
func waitReaped(ps []Proc, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		left := false
		for _, p := range ps {
			if _, err := os.Stat(fmt.Sprintf("/proc/%d", p.PID)); err == nil {
				if st, err := procStartAny(p.PID); err == nil && st == p.Start {
					left = true
				}
			}
		}
		if !left {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func anyAlive(ps []Proc) bool {
	for _, p := range ps {
		if p.Alive() {
			return true
		}
	}
	return false
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
