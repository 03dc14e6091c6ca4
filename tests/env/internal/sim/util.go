package sim

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

var createOpts = metav1.CreateOptions{FieldManager: "cutover-sim"}

func metaName(name, ns string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: ns}
}
