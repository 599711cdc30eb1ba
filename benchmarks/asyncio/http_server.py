#!/usr/bin/env python3
"""The HTTP server W5 fetches from: an aiohttp web server with the tutorial's API, every
answer delayed by --latency-ms (20 by default).

    /usr/bin/python3 http_server.py [--port 0] [--latency-ms 20]

GET /users/<name> answers {"login": "<name>", "id": 1} as JSON. The first line printed is
"listening on http://127.0.0.1:<port>" (with --port 0 the port is a free one), flushed at once,
so compare.py can read the port; the server runs until it is terminated. Needs aiohttp
(Debian: python3-aiohttp); exits 77 without it.
"""
import argparse
import asyncio
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    args = parser.parse_args()
    try:
        from aiohttp import web
    except ImportError:
        print("aiohttp is not installed (Debian: python3-aiohttp)", file=sys.stderr)
        return 77
    latency = args.latency_ms / 1000

    async def user(request):
        await asyncio.sleep(latency)
        return web.json_response({"login": request.match_info["name"], "id": 1})

    async def serve():
        app = web.Application()
        app.router.add_get("/users/{name}", user)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", args.port, backlog=1024)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        print(f"listening on http://127.0.0.1:{port}", flush=True)
        await asyncio.Event().wait()  # until terminated

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
