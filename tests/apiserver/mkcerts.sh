#!/bin/sh
# mkcerts.sh DIR: throwaway TLS material for the stand-in apiserver tests.
#
# Makes, with the openssl command line tool and EC P-256 keys (fast):
#   ca.crt ca.key          a test CA
#   server.crt server.key  a server cert for 127.0.0.1, ::1 and localhost
#   client.crt client.key  a client cert, CN=system:kube-proxy,
#                          O=system:node-proxier, for client-cert auth
# all valid for 2 days.  Never use these anywhere but in a test.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -sha256 -days 2 -out ca.crt \
	-subj "/CN=kp-test-ca" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# sign NAME SUBJECT EXTENSIONS: NAME.key, NAME.crt signed by the CA
sign() {
	key "$1.key"
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
	printf '%s\n' "$3" > "$1.ext"
	openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key \
		-CAcreateserial -days 2 -sha256 -extfile "$1.ext" \
		-out "$1.crt" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}

sign server "/CN=kp-test-apiserver" \
"basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"

sign client "/O=system:node-proxier/CN=system:kube-proxy" \
"basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

rm -f ca.srl
chmod 644 ca.crt server.crt client.crt
