package world

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/grpclog"
	"k8s.io/apiserver/pkg/storage/etcd3"
)

// compact compacts etcd to its current revision with the same protocol the
// apiserver's own compactor uses (a CAS on compact_rev_key), so the apiserver
// learns the new compacted revision. Afterwards, watches and lists from any
// older resourceVersion fail with 410 Gone ("too old resource version").
func compact(p paths) int {
	w, err := load(p)
	if err != nil {
		fmt.Fprintf(os.Stderr, "cutover world not up in %s\n", p.dir)
		return 1
	}
	rev, err := compactEtcd(fmt.Sprintf("127.0.0.1:%d", w.Ports["etcd-client"]))
	if err != nil {
		fmt.Fprintf(os.Stderr, "compact: %v\n", err)
		return 1
	}
	fmt.Printf("compacted etcd to revision %d; resourceVersions below it are now too old (410 Gone)\n", rev)
	return 0
}

func compactEtcd(endpoint string) (int64, error) {
	// Dial cancellations on Close are not worth a warning.
	grpclog.SetLoggerV2(grpclog.NewLoggerV2(io.Discard, io.Discard, io.Discard))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{endpoint}, DialTimeout: 5 * time.Second})
	if err != nil {
		return 0, err
	}
	defer cli.Close()
	for attempt := 0; attempt < 5; attempt++ {
		resp, err := cli.Get(ctx, "compact_rev_key")
		if err != nil {
			return 0, err
		}
		var version int64
		if len(resp.Kvs) > 0 {
			version = resp.Kvs[0].Version
		}
		rev := resp.Header.Revision
		newVersion, _, compacted, err := etcd3.Compact(ctx, cli, version, rev)
		if err != nil {
			return 0, err
		}
		if newVersion == version+1 && compacted == rev {
			return rev, nil
		}
		// Lost a race with the apiserver's compactor: try again.
	}
	return 0, fmt.Errorf("could not win the compaction CAS")
}
