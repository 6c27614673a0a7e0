"""A minimal HTTP/1.1 client on asyncio streams, for the load generator.

The load generator shares the 2 cores with the server it measures, so its own CPU per request
comes out of the server's share. httpx spent about 2 ms per request (its connection pool, header
models and state machine); this client writes a prepared request and reads a status line, the
headers and a Content-Length (or chunked) body, which costs a small fraction of that.

A connection is kept while the server keeps it (gunicorn's gthread worker keeps alive; its sync
worker closes after each response, and then each request opens a new connection). It serves one
request at a time: each simulated client owns one.
"""

import asyncio
import contextlib

MAX_HEAD_LINES = 100


class ServerClosed(ConnectionError):
    """The server closed a kept-alive connection before answering (nothing was processed)."""


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST `body`; returns (status, response body). A kept-alive connection that the server
        had closed is reopened once, before anything was read from it."""
        head = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        head += [f"{name}: {value}" for name, value in headers.items()]
        head.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        reused = self.writer is not None
        try:
            return await self._exchange(request)
        except (ServerClosed, ConnectionResetError):
            if not reused:
                raise
        return await self._exchange(request)

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        try:
            self.writer.write(request)
            await self.writer.drain()
            status_line = await self.reader.readline()
            if not status_line:
                raise ServerClosed()
            status = int(status_line.split(b" ", 2)[1])
            headers = await self._headers()
            body = await self._body(headers)
        except BaseException:
            await self.close()
            raise
        if headers.get(b"connection", b"").lower() == b"close":
            await self.close()
        return status, body

    async def _headers(self) -> dict[bytes, bytes]:
        headers = {}
        for _ in range(MAX_HEAD_LINES):
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                return headers
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        raise ConnectionError("response head too long")

    async def _body(self, headers: dict[bytes, bytes]) -> bytes:
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            chunks = []
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            return b"".join(chunks)
        if b"content-length" in headers:
            return await self.reader.readexactly(int(headers[b"content-length"]))
        body = await self.reader.read()  # no length: the body ends with the connection
        headers[b"connection"] = b"close"
        return body

    async def close(self) -> None:
        writer, self.reader, self.writer = self.writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
