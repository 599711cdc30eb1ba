"""Servers nobody here wrote, for aio::http::Session's interop test: Python's http.server or an
aiohttp web server, both serving the same small API. The script starts the chosen server on an
ephemeral port, runs the client program given on the command line with the server's base URL as
its last argument, and exits with the client's status.

    python3 peer_servers.py http.server|aiohttp <client> [client args...]

The API (both peers):
    GET  /users/<name>   {"login": "<name>", "id": 1}   (Content-Length)
    GET  /chunked        "hello, chunked world" in three chunks (Transfer-Encoding: chunked)
    GET  /close          "bye" and "Connection: close"
    GET  /big            1 MiB of 'x' (Content-Length)
    POST /echo           the request body
    GET  /connections    how many TCP connections this server has seen, as text
    anything else        404

Idle keep-alive connections are closed after 0.3 s, so the client can test that it replaces a
pooled connection the server has closed. Exit 77 (ctest: skipped) if aiohttp is missing.
"""
import asyncio
import http.server
import json
import subprocess
import sys
import threading

BIG = b"x" * (1 << 20)
IDLE_TIMEOUT_S = 0.3


def run_client(command, base_url):
    return subprocess.run([*command, base_url], timeout=120).returncode


# ---- http.server ---------------------------------------------------------------------------

def serve_with_http_server(command):
    seen = set()
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive by default, like a real server
        timeout = IDLE_TIMEOUT_S  # socketserver: an idle connection's read times out, it closes

        def log_message(self, *args):
            pass

        def setup(self):
            super().setup()
            with lock:
                seen.add(self.client_address)

        def send_body(self, status, body, content_type="text/plain", close=False):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self):
            path = self.path
            if path.startswith("/users/") and len(path) > len("/users/"):
                body = json.dumps({"login": path[len("/users/"):], "id": 1}).encode()
                self.send_body(200, body, "application/json")
            elif path == "/chunked":
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for piece in (b"hello, ", b"chunked ", b"world"):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            elif path == "/close":
                self.send_body(200, b"bye", close=True)
            elif path == "/big":
                self.send_body(200, BIG)
            elif path == "/connections":
                with lock:
                    count = len(seen)
                self.send_body(200, str(count).encode())
            else:
                self.send_body(404, b"not found")

        do_HEAD = do_GET

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if self.path == "/echo":
                self.send_body(200, body)
            else:
                self.send_body(404, b"not found")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        return run_client(command, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()


# ---- aiohttp -------------------------------------------------------------------------------

def serve_with_aiohttp(command):
    try:
        from aiohttp import web
    except ImportError:
        print("aiohttp is not installed (Debian: python3-aiohttp): skipped")
        return 77

    seen = set()

    async def user(request):
        return web.json_response({"login": request.match_info["name"], "id": 1})

    async def chunked(request):
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for piece in (b"hello, ", b"chunked ", b"world"):
            await response.write(piece)
        await response.write_eof()
        return response

    async def close(request):
        return web.Response(text="bye", headers={"Connection": "close"})

    async def big(request):
        return web.Response(body=BIG)

    async def echo(request):
        return web.Response(body=await request.read())

    async def connections(request):
        return web.Response(text=str(len(seen)))

    @web.middleware
    async def count_connections(request, handler):
        seen.add(request.transport.get_extra_info("peername"))
        return await handler(request)

    async def main():
        app = web.Application(middlewares=[count_connections])
        app.router.add_get("/users/{name}", user)
        app.router.add_get("/chunked", chunked)
        app.router.add_get("/close", close)
        app.router.add_get("/big", big)
        app.router.add_post("/echo", echo)
        app.router.add_get("/connections", connections)
        runner = web.AppRunner(app, keepalive_timeout=IDLE_TIMEOUT_S, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            return await asyncio.to_thread(run_client, command, f"http://127.0.0.1:{port}")
        finally:
            await runner.cleanup()

    return asyncio.run(main())


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("http.server", "aiohttp"):
        print(__doc__)
        return 2
    serve = serve_with_http_server if sys.argv[1] == "http.server" else serve_with_aiohttp
    return serve(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
