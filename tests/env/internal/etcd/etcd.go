// Package etcd runs an embedded single-member etcd on loopback.
package etcd

import (
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

// Main is the `cutover-env etcd` entry point.
func Main(args []string) int {
	fs := flag.NewFlagSet("etcd", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "data directory (required)")
	clientPort := fs.Int("client-port", 2379, "loopback client port")
	peerPort := fs.Int("peer-port", 2380, "loopback peer port")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "etcd: --data-dir is required")
		return 2
	}
	cfg := embed.NewConfig()
	cfg.Name = "cutover"
	cfg.Dir = *dataDir
	client := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", *clientPort)}
	peer := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", *peerPort)}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	// A throw-away test store: durability is not wanted, speed is.
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "warn"
	// NewConfig leaves this at 0, which logs every request as "expensive".
	cfg.WarningUnaryRequestDuration = time.Second
	cfg.LogOutputs = []string{"stderr"}
	// Keep the store small; the apiserver compacts it too.
	cfg.QuotaBackendBytes = 2 << 30

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		log.Printf("etcd: start: %v", err)
		return 1
	}
	select {
	case <-e.Server.ReadyNotify():
		log.Printf("etcd: ready, serving %s", client.String())
	case <-time.After(60 * time.Second):
		e.Server.Stop()
		log.Printf("etcd: not ready after 60s")
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case s := <-sig:
		log.Printf("etcd: %v, stopping", s)
		e.Close()
		return 0
	case err := <-e.Err():
		log.Printf("etcd: %v", err)
		e.Close()
		return 1
	}
}
