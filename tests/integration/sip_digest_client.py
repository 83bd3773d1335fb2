"""A minimal SIP client for tests that SIPp cannot do (SHA-256 digest, TLS): builds REGISTER
requests, reads responses and answers digest challenges (RFC 7616 / RFC 8760, qop=auth)."""

import hashlib
import re

HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def register_request(uri, user, host, contact, cseq, transport="UDP", scheme="sip", authorization=""):
    """A REGISTER for `user` at `host`, with `contact` (a URI) and an optional Authorization line."""
    return (f"REGISTER {uri} SIP/2.0\r\n"
            f"Via: SIP/2.0/{transport} {contact.split('@', 1)[1].split(';')[0]};branch=z9hG4bK-py-{cseq};rport\r\n"
            f"Max-Forwards: 70\r\nFrom: <{scheme}:{user}@{host}>;tag=py1\r\nTo: <{scheme}:{user}@{host}>\r\n"
            f"Call-ID: py-register-{user}\r\nCSeq: {cseq} REGISTER\r\nContact: <{contact}>\r\nExpires: 600\r\n"
            f"{authorization}Content-Length: 0\r\n\r\n").encode()


def parse_response(data):
    """(status, head text) of a response's bytes."""
    head = data.split(b"\r\n\r\n", 1)[0].decode()
    return int(head.split(" ", 2)[1]), head


def challenges(head):
    """{algorithm: (realm, nonce, opaque)} from every WWW-Authenticate header, in order."""
    offered = {}
    for value in re.findall(r"(?mi)^WWW-Authenticate: Digest (.*)$", head):
        algorithm = (re.search(r"algorithm=([\w-]+)", value) or [None, "MD5"])[1]
        realm = re.search(r'realm="([^"]+)"', value).group(1)
        nonce = re.search(r'nonce="([^"]+)"', value).group(1)
        opaque = (re.search(r'opaque="([^"]+)"', value) or [None, None])[1]
        offered[algorithm] = (realm, nonce, opaque)
    return offered


def authorization(head, algorithm, user, password, method, uri):
    """The Authorization line answering the `algorithm` challenge in a 401's head."""
    realm, nonce, opaque = challenges(head)[algorithm]
    digest = lambda text: HASHES[algorithm](text.encode()).hexdigest()  # noqa: E731 (RFC 7616's H)
    cnonce, nc = "0a4f113b", "00000001"
    response = digest(f"{digest(f'{user}:{realm}:{password}')}:{nonce}:{nc}:{cnonce}:auth:{digest(f'{method}:{uri}')}")
    line = (f'Authorization: Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
            f'response="{response}", algorithm={algorithm}, qop=auth, nc={nc}, cnonce="{cnonce}"')
    if opaque:
        line += f', opaque="{opaque}"'
    return line + "\r\n"
