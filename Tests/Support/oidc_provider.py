"""An external OIDC identity provider for the integration tests, minting with PyJWT.

GET /jwks.json publishes an RSA key (kid rsa-1) and a P-256 key (kid ec-1); with --single-key
only the RSA key, without a kid. POST /mint takes {"claims": {...}, "key": "rsa"|"ec"|"stranger",
"alg": "RS256"|"ES256"|"none"|"HS256-public", "kid": "..."|null, "tamper": bool} and answers
{"token": "..."}: PyJWT signs (an independent JOSE implementation), except for the forgeries
PyJWT refuses to make, which are assembled by hand.
"""
import argparse
import base64
import hashlib
import hmac
import json
from http.server import BaseHTTPRequestHandler

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from standin import serve


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--single-key", action="store_true")
    args = parser.parse_args()

    keys = {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec": ec.generate_private_key(ec.SECP256R1()),
        # Never published: tokens it signs name a kid the JWKS lacks (or a published one).
        "stranger": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }

    def jwk(name, kid):
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys[name].public_key())) if name != "ec" \
            else json.loads(jwt.algorithms.ECAlgorithm.to_jwk(keys[name].public_key()))
        if kid is not None:
            public["kid"] = kid
        public["use"] = "sig"
        return public

    jwks = {"keys": [jwk("rsa", None)]} if args.single_key else {"keys": [jwk("rsa", "rsa-1"), jwk("ec", "ec-1")]}

    def mint(request):
        claims = request["claims"]
        alg = request.get("alg", "RS256")
        headers = {}
        if request.get("kid") is not None:
            headers["kid"] = request["kid"]
        if alg == "none":
            header = b64url(json.dumps({"alg": "none", "typ": "JWT", **headers}).encode())
            token = header + "." + b64url(json.dumps(claims).encode()) + "."
        elif alg == "HS256-public":
            # The classic confusion: HMAC keyed with the issuer's public key text.
            secret = keys["rsa"].public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", **headers}).encode())
            body = b64url(json.dumps(claims).encode())
            signature = hmac.new(secret, (header + "." + body).encode(), hashlib.sha256).digest()
            token = header + "." + body + "." + b64url(signature)
        else:
            token = jwt.encode(claims, keys[request.get("key", "rsa")], algorithm=alg, headers=headers or None)
        if request.get("tamper"):
            header, body, signature = token.split(".")
            payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            payload["roles"] = ["palisade-admins"]
            token = header + "." + b64url(json.dumps(payload).encode()) + "." + signature
        return token

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.answer(200, jwks) if self.path == "/jwks.json" else self.answer(404, {})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            request = json.loads(self.rfile.read(length) or b"{}")
            self.answer(200, {"token": mint(request)})

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_):
            pass

    serve(Handler, args.port_file)


if __name__ == "__main__":
    main()
