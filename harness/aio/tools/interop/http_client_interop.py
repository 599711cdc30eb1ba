"""Python's http.client against awaitlings_http_server: keep-alive on one connection (the
server's /stats counts one accepted connection), a chunked request body, an error status, a
malformed request answered 400 and closed. Exit 77 (ctest: skipped) if python3 is missing."""
import http.client
import json
import signal
import socket
import subprocess
import sys


def main(server):
    proc = subprocess.Popen([server, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        port = int(first.rsplit(":", 1)[1].strip().rstrip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for name in ["python", "django", "fastapi"]:
            conn.request("GET", "/users/" + name)
            response = conn.getresponse()
            assert response.status == 200, response.status
            assert json.loads(response.read())["login"] == name
        conn.request("POST", "/echo", body=iter([b"chun", b"ked"]),
                     encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
        response = conn.getresponse()
        assert response.read() == b"chunked", "echo"
        conn.request("GET", "/missing")
        response = conn.getresponse()
        assert response.status == 404, response.status
        response.read()
        conn.request("GET", "/stats")
        stats = json.loads(conn.getresponse().read())
        assert stats["connections_accepted"] == 1, stats  # keep-alive: one connection for all
        conn.close()

        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        reply = b""
        while chunk := raw.recv(4096):
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 400 "), reply
        assert b"Connection: close\r\n" in reply, reply
        raw.close()
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=10)
    assert code == 0, "the server exited %d on SIGINT" % code
    print("http.client interop: ok")


if __name__ == "__main__":
    main(sys.argv[1])
