"""A stand-in LLM provider: OpenAI chat completions and embeddings, Anthropic messages, whole
or streamed, answering canned replies chosen by the request's `model`, and recording every
request it received (path, headers, body) as a JSON line."""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from standin import serve

ANTHROPIC_KEY = "sk-ant-api03-" + "Qm9vZ2llV29vZ2ll" * 5 + "AA"
REPLIES = {
    "plain": "Hello! How can I help you today?",
    "secret": f"Sure. Your key is {ANTHROPIC_KEY} - keep it safe.",
    "card": "The card on file is 4111 1111 1111 1111, expiring soon.",
    "secret-and-card": f"Key {ANTHROPIC_KEY} and card 4111 1111 1111 1111 are both here.",
    "email": "Write to jane.roe@mailbox.org for the contract.",
    # JSON mode: the answer is a JSON document, its secret known by its member's name.
    "json-secret": '{"user": "jane", "password": "Zq8v3LmT9xPk2Wn7"}',
    "json-keyed": '{"jane.roe@mailbox.org": "subscribed", "ops@mailbox.org": "bounced", "total": 2}',
    # Served with the @ as a JSON \u escape, which only a parsed answer shows.
    "escaped": "Write to jane.roe@mailbox.org for the contract.",
}
TOOL_ARGUMENTS = {
    "tool-card": {"card": "4111 1111 1111 1111", "amount": 12, "password": "Zq8v3LmT9xPk2Wn7"},
    # Nothing the raw scan of the whole answer sees: the name is behind an escaped quote.
    "tool-password": {"user": "jane", "password": "Zq8v3LmT9xPk2Wn7"},
}
ERRORS = {
    "error-429": (429, {"error": {"message": "Rate limit reached", "type": "rate_limit_error", "code": "rate_limit_exceeded"}}),
    "error-500": (500, {"error": {"message": "The server had an error", "type": "server_error", "code": None}}),
}

lock = threading.Lock()


def token_detail(pieces):
    """OpenAI's logprobs for these tokens: each token's text and bytes."""
    return {"content": [{"token": piece, "logprob": -0.1, "bytes": list(piece.encode()), "top_logprobs": []} for piece in pieces]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--chunk", type=int, default=3, help="characters per streamed delta")
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            with lock, open(args.log, "a", encoding="utf-8") as out:
                out.write(json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                                      "body": body}) + "\n")
            model = (body or {}).get("model", "plain")
            if model == "slow":
                time.sleep(3)
            if model == "text-secret" and not (body or {}).get("stream"):
                # What a proxy in front of the provider might answer: not JSON at all.
                return self.reply_raw(200, "text/plain", f"upstream note: the key {ANTHROPIC_KEY} was rotated".encode())
            if model == "deep-secret":
                # Valid JSON, nested deeper than a gateway's reader follows, the key at the bottom.
                nested = "[" * 200 + json.dumps(f"key {ANTHROPIC_KEY}") + "]" * 200
                return self.reply_raw(200, "application/json", ('{"id": "chatcmpl-1", "trace": ' + nested + "}").encode())
            if model in ERRORS:
                status, error = ERRORS[model]
                return self.reply(status, error)
            text = REPLIES.get(model, REPLIES["plain"])
            stream = bool((body or {}).get("stream"))
            if self.path.endswith("/embeddings"):
                return self.reply(200, {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2]}],
                                        "model": model, "usage": {"prompt_tokens": 3, "total_tokens": 3}})
            anthropic = self.path.endswith("/messages")
            pieces = [text[i:i + args.chunk] for i in range(0, len(text), args.chunk)]
            logprobs = bool((body or {}).get("logprobs"))
            if model in TOOL_ARGUMENTS and not stream:
                # The model hands a card number or a password to a tool: arguments are JSON text
                # (OpenAI) or an object (Anthropic).
                arguments = TOOL_ARGUMENTS[model]
                if anthropic:
                    return self.reply(200, {"id": "msg_1", "type": "message", "role": "assistant", "model": model,
                                            "content": [{"type": "text", "text": "Paying now."},
                                                        {"type": "tool_use", "id": "toolu_1", "name": "pay", "input": arguments}],
                                            "stop_reason": "tool_use", "usage": {"input_tokens": 5, "output_tokens": 9}})
                return self.reply(200, {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
                                        "choices": [{"index": 0, "message": {"role": "assistant", "content": None, "tool_calls": [
                                            {"id": "call_1", "type": "function",
                                             "function": {"name": "pay", "arguments": json.dumps(arguments)}}]},
                                                     "finish_reason": "tool_calls"}],
                                        "usage": {"prompt_tokens": 5, "completion_tokens": 9, "total_tokens": 14}})
            if not stream:
                if anthropic:
                    return self.reply(200, {"id": "msg_1", "type": "message", "role": "assistant", "model": model,
                                            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                                            "usage": {"input_tokens": 5, "output_tokens": 9}})
                return self.reply(200, {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
                                        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                                     "logprobs": token_detail(pieces) if logprobs else None,
                                                     "finish_reason": "stop"}],
                                        "usage": {"prompt_tokens": 5, "completion_tokens": 9, "total_tokens": 14}})
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if model in TOOL_ARGUMENTS:
                self.stream_tool_call(anthropic, json.dumps(TOOL_ARGUMENTS[model]))
            elif model == "thinking-card" and anthropic:
                thought = [REPLIES["card"][i:i + args.chunk] for i in range(0, len(REPLIES["card"]), args.chunk)]
                self.chunk("event: content_block_start\ndata: " + json.dumps({"type": "content_block_start", "index": 0,
                                                                               "content_block": {"type": "thinking", "thinking": ""}}) + "\n\n")
                for piece in thought:
                    self.chunk("event: content_block_delta\ndata: " + json.dumps({"type": "content_block_delta", "index": 0, "delta": {
                        "type": "thinking_delta", "thinking": piece}}) + "\n\n")
                self.chunk("event: content_block_stop\ndata: " + json.dumps({"type": "content_block_stop", "index": 0}) + "\n\n")
                self.chunk("event: message_stop\ndata: " + json.dumps({"type": "message_stop"}) + "\n\n")
            elif anthropic:
                events = [("message_start", {"type": "message_start", "message": {"id": "msg_1", "role": "assistant", "content": []}}),
                          ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})]
                events += [("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                    "delta": {"type": "text_delta", "text": piece}}) for piece in pieces]
                events += [("content_block_stop", {"type": "content_block_stop", "index": 0}),
                           ("message_stop", {"type": "message_stop"})]
                for name, data in events:
                    self.chunk(f"event: {name}\ndata: {json.dumps(data)}\n\n")
            else:
                self.chunk("data: " + json.dumps({"id": "c1", "object": "chat.completion.chunk", "choices": [
                    {"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]}) + "\n\n")
                if model == "text-secret":
                    # An event that is not JSON, as a misbehaving hop in between might send.
                    self.chunk(f"data: upstream note: the key {ANTHROPIC_KEY} was rotated\n\n")
                for piece in pieces:
                    self.chunk("data: " + json.dumps({"id": "c1", "object": "chat.completion.chunk", "choices": [
                        {"index": 0, "delta": {"content": piece}, "logprobs": token_detail([piece]) if logprobs else None,
                         "finish_reason": None}]}) + "\n\n")
                self.chunk("data: " + json.dumps({"id": "c1", "object": "chat.completion.chunk", "choices": [
                    {"index": 0, "delta": {}, "finish_reason": "stop"}]}) + "\n\n")
                self.chunk("data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def stream_tool_call(self, anthropic, arguments):
            """A tool call whose arguments arrive a few characters an event, as providers send them."""
            pieces = [arguments[i:i + args.chunk] for i in range(0, len(arguments), args.chunk)]
            if anthropic:
                self.chunk("event: content_block_start\ndata: " + json.dumps({"type": "content_block_start", "index": 0, "content_block": {
                    "type": "tool_use", "id": "toolu_1", "name": "pay", "input": {}}}) + "\n\n")
                for piece in pieces:
                    self.chunk("event: content_block_delta\ndata: " + json.dumps({"type": "content_block_delta", "index": 0, "delta": {
                        "type": "input_json_delta", "partial_json": piece}}) + "\n\n")
                self.chunk("event: content_block_stop\ndata: " + json.dumps({"type": "content_block_stop", "index": 0}) + "\n\n")
                self.chunk("event: message_stop\ndata: " + json.dumps({"type": "message_stop"}) + "\n\n")
                return
            call = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "pay", "arguments": ""}}
            for delta in [{"role": "assistant", "tool_calls": [call]}] + [
                    {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]} for piece in pieces]:
                self.chunk("data: " + json.dumps({"id": "c1", "object": "chat.completion.chunk", "choices": [
                    {"index": 0, "delta": delta, "finish_reason": None}]}) + "\n\n")
            self.chunk("data: [DONE]\n\n")

        def chunk(self, text):
            data = text.encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def reply(self, status, payload):
            data = json.dumps(payload).encode()
            if (payload.get("model") == "escaped"):
                data = data.replace(b"@", b"\\u0040")
            self.reply_raw(status, "application/json", data)

        def reply_raw(self, status, content_type, data):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    serve(Handler, args.port_file)


if __name__ == "__main__":
    main()
