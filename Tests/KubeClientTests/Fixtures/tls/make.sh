#!/bin/sh
# Regenerates the test PKI (100-year validity): a CA, a server certificate for 127.0.0.1 and a
# client certificate, as a kubeconfig's certificate-authority/client-certificate/client-key.
set -eu
cd "$(dirname "$0")"
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=kpx-test-ca" -keyout ca.key -out ca.crt
openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout server.key -out server.csr
printf "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n" > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 36500 -extfile server.ext -out server.crt
openssl req -newkey rsa:2048 -nodes -subj "/CN=system:kube-proxy/O=system:node-proxier" -keyout client.key -out client.csr
printf "extendedKeyUsage=clientAuth\n" > client.ext
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 36500 -extfile client.ext -out client.crt
openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=other-ca" -keyout other-ca.key -out other-ca.crt
rm -f server.csr client.csr server.ext client.ext ca.srl ca.key other-ca.key
