// Command cutover-env is a multi-call binary (in the style of hyperkube) that
// runs each part of the local Kubernetes world as its own process, and
// orchestrates them:
//
//	cutover-env up|down|env|status|compact --state DIR [...]
//	cutover-env stop|start|restart PART --state DIR [--kill]
//	cutover-env etcd|kube-apiserver|kube-controller-manager|kubelet|sim [flags]
//
// The upstream kube-apiserver and kube-controller-manager cobra commands set
// up signal handling that panics when done twice in one process, so every
// part runs in a process of its own.
package main

import (
	"fmt"
	"os"

	"k8s.io/component-base/cli"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"

	"cutover.dev/tests/env/internal/etcd"
	"cutover.dev/tests/env/internal/kubelet"
	"cutover.dev/tests/env/internal/sim"
	"cutover.dev/tests/env/internal/world"
)

const usage = `usage: cutover-env COMMAND [flags]

World:
  up       start every part (idempotent), wait until healthy, write kubeconfigs
  down     stop exactly the processes up started
  env      print export lines for KUBECONFIG and PROMETHEUS_URL
  status   show each part, its PID, RSS and health
  compact  compact etcd now: older resourceVersions get 410 Gone

One part of a running world (PART: apiserver, prometheus, etcd, controller-manager,
kubelet, sim); it keeps its port, and world.json its PID:
  stop PART     stop it (SIGTERM; --kill: SIGKILL); up starts it again
  start PART    start a stopped part, wait until it serves
  restart PART  stop, then start (--kill: crash it instead of a clean shutdown)

Parts (started by up, one process each):
  etcd | kube-apiserver | kube-controller-manager | kubelet | sim
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "up", "down", "env", "status", "compact":
		os.Exit(world.Main(os.Args[1], args))
	case "stop", "start", "restart":
		os.Exit(world.Control(os.Args[1], args))
	case "etcd":
		os.Exit(etcd.Main(args))
	case "kube-apiserver":
		cmd := apiserver.NewAPIServerCommand()
		cmd.SetArgs(args)
		os.Exit(cli.Run(cmd))
	case "kube-controller-manager":
		cmd := controllermanager.NewControllerManagerCommand()
		cmd.SetArgs(args)
		os.Exit(cli.Run(cmd))
	case "kubelet":
		os.Exit(kubelet.Main(args))
	case "sim":
		os.Exit(sim.Main(args))
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "cutover-env: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
}
