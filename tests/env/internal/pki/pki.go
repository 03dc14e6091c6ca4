// Package pki creates the certificates and keys of the local world: a CA, the
// apiserver serving certificate (127.0.0.1 and localhost), a client
// certificate for a system:masters user, and the service-account signing key.
// Everything is written as PEM into one directory and reused when present.
package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Files names the PEM files inside the PKI directory.
type Files struct {
	Dir string
}

func (f Files) CACert() string            { return filepath.Join(f.Dir, "ca.crt") }
func (f Files) CAKey() string             { return filepath.Join(f.Dir, "ca.key") }
func (f Files) ServingCert() string       { return filepath.Join(f.Dir, "apiserver.crt") }
func (f Files) ServingKey() string        { return filepath.Join(f.Dir, "apiserver.key") }
func (f Files) ClientCert() string        { return filepath.Join(f.Dir, "cert-user.crt") }
func (f Files) ClientKey() string         { return filepath.Join(f.Dir, "cert-user.key") }
func (f Files) ServiceAccountKey() string { return filepath.Join(f.Dir, "sa.key") }
func (f Files) ServiceAccountPub() string { return filepath.Join(f.Dir, "sa.pub") }

// ClientCN and ClientOrg identify the client-certificate user.
const (
	ClientCN  = "cutover-e2e-cert"
	ClientOrg = "system:masters"
)

// Ensure creates every missing file. Existing files are kept, so kubeconfigs
// written earlier stay valid across restarts of the world.
func Ensure(dir string) (Files, error) {
	f := Files{Dir: dir}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return f, err
	}
	if !exists(f.CACert()) || !exists(f.CAKey()) {
		// A new CA invalidates everything signed by the old one.
		for _, p := range []string{f.ServingCert(), f.ServingKey(), f.ClientCert(), f.ClientKey()} {
			_ = os.Remove(p)
		}
		if err := newCA(f); err != nil {
			return f, err
		}
	}
	ca, caKey, err := loadCA(f)
	if err != nil {
		return f, err
	}
	if !exists(f.ServingCert()) || !exists(f.ServingKey()) {
		tmpl := &x509.Certificate{
			Subject:     pkix.Name{CommonName: "kube-apiserver"},
			DNSNames:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		if err := signLeaf(ca, caKey, tmpl, f.ServingCert(), f.ServingKey()); err != nil {
			return f, err
		}
	}
	if !exists(f.ClientCert()) || !exists(f.ClientKey()) {
		tmpl := &x509.Certificate{
			Subject:     pkix.Name{CommonName: ClientCN, Organization: []string{ClientOrg}},
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		}
		if err := signLeaf(ca, caKey, tmpl, f.ClientCert(), f.ClientKey()); err != nil {
			return f, err
		}
	}
	if !exists(f.ServiceAccountKey()) || !exists(f.ServiceAccountPub()) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return f, err
		}
		der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
		if err != nil {
			return f, err
		}
		if err := writePEM(f.ServiceAccountKey(), "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), 0o600); err != nil {
			return f, err
		}
		if err := writePEM(f.ServiceAccountPub(), "PUBLIC KEY", der, 0o644); err != nil {
			return f, err
		}
	}
	return f, nil
}

func newCA(f Files) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "cutover-local-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writePEM(f.CAKey(), "EC PRIVATE KEY", keyDER, 0o600); err != nil {
		return err
	}
	return writePEM(f.CACert(), "CERTIFICATE", der, 0o644)
}

func loadCA(f Files) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPEM, err := os.ReadFile(f.CACert())
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(f.CAKey())
	if err != nil {
		return nil, nil, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, errors.New("pki: cannot decode CA PEM files in " + f.Dir)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

func signLeaf(ca *x509.Certificate, caKey *ecdsa.PrivateKey, tmpl *x509.Certificate, certPath, keyPath string) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl.SerialNumber = serial()
	tmpl.NotBefore = now.Add(-time.Hour)
	tmpl.NotAfter = now.AddDate(5, 0, 0)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("pki: sign %s: %w", certPath, err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writePEM(keyPath, "EC PRIVATE KEY", keyDER, 0o600); err != nil {
		return err
	}
	return writePEM(certPath, "CERTIFICATE", der, 0o644)
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err)
	}
	return n
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
