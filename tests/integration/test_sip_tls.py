"""SIP over TLS (sofia's TLS transport) with a self-signed certificate made for the test: a
client on Python's ssl module (OpenSSL) checks the server's certificate against it and
registers with digest authentication over the encrypted connection."""

import hashlib
import os
import re
import socket
import ssl
import subprocess
import unittest

import junction_harness as h


def make_certificate(directory):
    """agent.pem (key + certificate) and cafile.pem, as sofia's TLS directory wants them."""
    key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=junction.test", "-addext",
                    "subjectAltName=DNS:junction.test,IP:127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    with open(os.path.join(directory, "agent.pem"), "w", encoding="ascii") as agent:
        agent.write(open(key, encoding="ascii").read() + open(cert, encoding="ascii").read())
    with open(os.path.join(directory, "cafile.pem"), "w", encoding="ascii") as ca:
        ca.write(open(cert, encoding="ascii").read())
    return cert


def read_response(stream):
    """One SIP response from a TLS stream: (status, headers text)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = stream.recv(4096)
        if not chunk:
            raise AssertionError(f"connection closed after {data!r}")
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode()
    return int(head.split(" ", 2)[1]), head


@unittest.skipUnless(os.path.exists("/usr/bin/openssl"), "openssl is not installed")
class SipTlsTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        tls_dir = os.path.join(self.sandbox.dir, "tls")
        os.makedirs(tls_dir)
        self.cert = make_certificate(tls_dir)
        self.tls_port = h.free_port()
        text = h.replace_once(self.sandbox.config_text, "      realm: junction\n",
                              "      realm: test.local\n      digest_algorithms: [md5]\n")
        text = h.replace_once(text, f"        - {{ transport: tcp, address: 127.0.0.1, port: {self.sandbox.sip_port} }}\n",
                              f"        - {{ transport: tcp, address: 127.0.0.1, port: {self.sandbox.sip_port} }}\n"
                              f"        - {{ transport: tls, address: 127.0.0.1, port: {self.tls_port}, "
                              f"certificate_directory: {tls_dir} }}\n")
        self.sandbox.write_config(text)
        self.daemon = h.start_daemon(self, self.sandbox.config_path)

    def register(self, stream, cseq, authorization=""):
        local = stream.getsockname()
        request = (f"REGISTER sip:127.0.0.1:{self.tls_port};transport=tls SIP/2.0\r\n"
                   f"Via: SIP/2.0/TLS {local[0]}:{local[1]};branch=z9hG4bK-tls-{cseq};rport\r\n"
                   f"Max-Forwards: 70\r\nFrom: <sips:1001@127.0.0.1>;tag=tls1\r\nTo: <sips:1001@127.0.0.1>\r\n"
                   f"Call-ID: tls-register-1\r\nCSeq: {cseq} REGISTER\r\n"
                   f"Contact: <sips:1001@{local[0]}:{local[1]};transport=tls>\r\nExpires: 600\r\n"
                   f"{authorization}Content-Length: 0\r\n\r\n")
        stream.sendall(request.encode())
        return read_response(stream)

    def test_registration_over_tls_with_a_verified_certificate(self):
        context = ssl.create_default_context(cafile=self.cert)  # verifies chain and host name
        with socket.create_connection((h.HOST, self.tls_port), timeout=10) as raw, \
                context.wrap_socket(raw, server_hostname="127.0.0.1") as stream:
            self.assertEqual(stream.getpeercert()["subject"], ((("commonName", "junction.test"),),))
            status, head = self.register(stream, 1)
            self.assertEqual(status, 401, head)
            challenge = re.search(r'WWW-Authenticate: Digest (.*)', head).group(1)
            realm = re.search(r'realm="([^"]+)"', challenge).group(1)
            nonce = re.search(r'nonce="([^"]+)"', challenge).group(1)
            uri = f"sip:127.0.0.1:{self.tls_port};transport=tls"
            md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731 (the digest's H)
            ha1 = md5(f"1001:{realm}:change-me-1001")
            ha2 = md5(f"REGISTER:{uri}")
            response = md5(f"{ha1}:{nonce}:00000001:abcdef:auth:{ha2}")
            authorization = (f'Authorization: Digest username="1001", realm="{realm}", nonce="{nonce}", '
                             f'uri="{uri}", response="{response}", algorithm=MD5, qop=auth, nc=00000001, '
                             f'cnonce="abcdef"\r\n')
            status, head = self.register(stream, 2, authorization)
            self.assertEqual(status, 200, head)
            self.assertRegex(head, r"Contact: <sips:1001@127\.0\.0\.1:\d+;transport=tls>;expires=600")
        _, _, metrics = h.http_get(self.sandbox.admin_port, "/metrics")
        self.assertRegex(metrics, r"(?m)^junction_location_bindings 1$")

    def test_a_client_that_does_not_trust_the_certificate_gets_nowhere(self):
        context = ssl.create_default_context()  # the system's CAs: our self-signed one is unknown
        with socket.create_connection((h.HOST, self.tls_port), timeout=10) as raw:
            with self.assertRaises(ssl.SSLCertVerificationError):
                context.wrap_socket(raw, server_hostname="127.0.0.1")
        self.daemon.wait_for(r"ready:")  # and the daemon is still up
        status, _, _ = h.http_get(self.sandbox.admin_port, "/health")
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
