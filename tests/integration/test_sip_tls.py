"""SIP over TLS (sofia's TLS transport) with a self-signed certificate made for the test: a
client on Python's ssl module (OpenSSL) checks the server's certificate against it and
registers with digest authentication over the encrypted connection."""

import os
import socket
import ssl
import subprocess
import unittest

import junction_harness as h
import sip_digest_client as digest


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
    return digest.parse_response(data)


@unittest.skipUnless(os.path.exists("/usr/bin/openssl"), "openssl is not installed")
class SipTlsTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        tls_dir = os.path.join(self.sandbox.dir, "tls")
        os.makedirs(tls_dir)
        self.cert = make_certificate(tls_dir)
        self.tls_port = h.free_port()
        self.uri = f"sip:127.0.0.1:{self.tls_port};transport=tls"
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
        stream.sendall(digest.register_request(self.uri, "1001", "127.0.0.1",
                                               f"sips:1001@{local[0]}:{local[1]};transport=tls", cseq,
                                               transport="TLS", scheme="sips", authorization=authorization))
        return read_response(stream)

    def test_registration_over_tls_with_a_verified_certificate(self):
        context = ssl.create_default_context(cafile=self.cert)  # verifies chain and host name
        with socket.create_connection((h.HOST, self.tls_port), timeout=10) as raw, \
                context.wrap_socket(raw, server_hostname="127.0.0.1") as stream:
            self.assertEqual(stream.getpeercert()["subject"], ((("commonName", "junction.test"),),))
            status, head = self.register(stream, 1)
            self.assertEqual(status, 401, head)
            answer = digest.authorization(head, "MD5", "1001", "change-me-1001", "REGISTER", self.uri)
            status, head = self.register(stream, 2, answer)
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
