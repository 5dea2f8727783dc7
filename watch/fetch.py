"""Fetching watched pages as a well-behaved client (httpx, asyncio). No database here: the runner hands in what
to fetch and stores what comes back.

- Concurrency: at most settings.WATCH_PER_HOST requests at once to one host, WATCH_CONCURRENCY in all.
- Conditional GET: the source's last ETag and Last-Modified go out as If-None-Match / If-Modified-Since; 304
  means unchanged, and nothing is downloaded.
- Redirects are followed here, not by httpx, so every hop's address is checked: at most 5; a URL seen twice is a
  loop.
- The body is streamed and dropped as soon as it passes settings.WATCH_MAX_BYTES. A body over
  WATCH_SPOOL_BYTES waits on disk (a spooled temporary file) until a reader takes it: many fetches in flight do
  not mean many large pages in memory.
- 5xx answers and timeouts are retried (WATCH_RETRIES times, backoff doubling from WATCH_RETRY_BACKOFF_SECONDS);
  4xx answers never are: the server has said no.
- Addresses (SSRF): the host is resolved and every address it resolves to is checked; loopback, private,
  link-local, multicast and reserved addresses are refused unless WATCH_ALLOW_PRIVATE_ADDRESSES.
"""
from __future__ import annotations

import asyncio
import ipaddress
import socket
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 5
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Fetch:
    """What to fetch: a source's URL and the validators it last saw."""

    key: int
    url: str
    etag: str = ""
    last_modified: str = ""


@dataclass
class Fetched:
    key: int
    url: str  # after redirects
    outcome: str  # "ok", "not_modified", "error"
    http_status: int | None = None
    headers: dict = field(default_factory=dict)
    error: str = ""
    timed_out: bool = False
    spool: IO[bytes] | None = field(default=None, repr=False)
    size: int = 0  # bytes downloaded

    @cached_property
    def body(self) -> bytes:
        """The body, read from its spool when first asked for (by the reader), then kept with this result."""
        if self.spool is None:
            return b""
        self.spool.seek(0)
        data = self.spool.read()
        self.spool.close()
        return data

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class Refused(Exception):
    """A URL the watch will not fetch; the message is one line."""


def user_agent() -> str:
    return f"RightsDesk policy watch (+{settings.SITE_URL})"


def check_url(url: str) -> tuple[str, int]:
    """The host and port of an http(s) URL; Refused when it is malformed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused(_("%(url)s is not a valid URL.") % {"url": url}) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(_("%(url)s is not an http or https URL.") % {"url": url})
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified


def check_addresses(host: str, addresses: list[str]) -> None:
    if settings.WATCH_ALLOW_PRIVATE_ADDRESSES:
        return
    for address in addresses:
        if _refused_address(address):
            raise Refused(
                _("%(host)s resolves to %(address)s, a private or loopback address, which the watch does not fetch.")
                % {"host": host, "address": address}
            )


def resolve(host: str, port: int) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
    except (socket.gaierror, UnicodeError):
        raise Refused(_("%(host)s does not resolve to an address.") % {"host": host}) from None


def check_url_allowed(url: str) -> None:
    """Refused unless `url` is an http(s) URL whose host resolves only to addresses the watch may fetch."""
    host, port = check_url(url)
    check_addresses(host, resolve(host, port))


async def _check_url_allowed_async(url: str) -> None:
    host, port = check_url(url)
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(_("%(host)s does not resolve to an address.") % {"host": host}) from None
    check_addresses(host, sorted({info[4][0] for info in infos}))


class _TooLarge(Exception):
    pass


class Fetcher:
    def __init__(self, client: httpx.AsyncClient):
        self.client = client
        self.total = asyncio.Semaphore(settings.WATCH_CONCURRENCY)
        self.hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(settings.WATCH_PER_HOST))
        self.max_bytes = settings.WATCH_MAX_BYTES

    async def fetch(self, job: Fetch) -> Fetched:
        url, seen = job.url, {job.url}
        headers = {}
        if job.etag:
            headers["If-None-Match"] = job.etag
        if job.last_modified:
            headers["If-Modified-Since"] = job.last_modified
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                await _check_url_allowed_async(url)
                result = await self._get_with_retries(job.key, url, headers)
                if result.outcome != "redirect":
                    return result
                if "location" not in result.headers:
                    return Fetched(job.key, url, "error", result.http_status, error=_("A redirect without a Location."))
                url = urljoin(url, result.headers["location"])
                if url in seen:
                    return Fetched(job.key, url, "error", result.http_status, error=_("The redirects loop back to %(url)s.") % {"url": url})
                seen.add(url)
            return Fetched(job.key, url, "error", result.http_status, error=_("More than %(n)s redirects.") % {"n": MAX_REDIRECTS})
        except Refused as e:
            return Fetched(job.key, url, "error", error=str(e))

    async def _get_with_retries(self, key: int, url: str, headers: dict) -> Fetched:
        retries, backoff = settings.WATCH_RETRIES, settings.WATCH_RETRY_BACKOFF_SECONDS
        for attempt in range(retries + 1):
            result = await self._get(key, url, headers)
            retryable = result.timed_out or (result.outcome == "error" and (result.http_status or 0) >= 500)
            if not retryable or attempt == retries:
                return result
            await asyncio.sleep(backoff * 2**attempt)
        raise AssertionError("unreachable")

    async def _get(self, key: int, url: str, headers: dict) -> Fetched:
        host = urlsplit(url).hostname or ""
        async with self.total, self.hosts[host]:
            try:
                async with self.client.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    response_headers = {k.lower(): v for k, v in response.headers.items()}
                    if status == 304:
                        return Fetched(key, url, "not_modified", status, response_headers)
                    if status in _REDIRECTS:
                        return Fetched(key, url, "redirect", status, response_headers)
                    if status >= 400:
                        return Fetched(key, url, "error", status, response_headers, error=_("HTTP %(status)s") % {"status": status})
                    spool, size = await self._read(response)
                    return Fetched(key, url, "ok", status, response_headers, spool=spool, size=size)
            except _TooLarge:
                return Fetched(
                    key, url, "error", status,
                    error=_("The page is larger than %(mb)s MB.") % {"mb": f"{self.max_bytes / 1048576:g}"},
                )  # fmt: skip
            except httpx.TimeoutException:
                return Fetched(
                    key, url, "error", timed_out=True,
                    error=_("The server did not answer in time (%(s)s s).") % {"s": f"{settings.WATCH_TIMEOUT_SECONDS:g}"},
                )  # fmt: skip
            except httpx.HTTPError as e:
                return Fetched(key, url, "error", error=" ".join(f"{type(e).__name__}: {e}".split())[:300])

    async def _read(self, response: httpx.Response) -> tuple[IO[bytes], int]:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _TooLarge
        spool = tempfile.SpooledTemporaryFile(max_size=settings.WATCH_SPOOL_BYTES)  # closed when read
        size = 0
        try:
            # Counted after decompression: a small gzip body that inflates past the limit is stopped too.
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise _TooLarge
                spool.write(chunk)
        except BaseException:
            spool.close()
            raise
        return spool, size


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """The network under httpx: it resolves the host itself, checks every address (check_addresses) and connects
    to an address it checked. A host that resolved to a public address for the watch's own check and to a private
    one a moment later (DNS rebinding) is refused here, at the connection."""

    def __init__(self):
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as e:
            raise httpcore.ConnectError(f"{host} does not resolve: {e}") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        check_addresses(host, addresses)
        error = None
        for address in addresses:
            try:
                return await self._backend.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as e:
                error = e
        raise error

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("the watch does not connect to unix sockets")

    async def sleep(self, seconds):
        await self._backend.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on a connection pool whose network is GuardedBackend (httpx offers no argument for it)."""

    def __init__(self, *, limits: httpx.Limits):
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(),
        )


def client() -> httpx.AsyncClient:
    timeout = httpx.Timeout(settings.WATCH_TIMEOUT_SECONDS, connect=min(10.0, settings.WATCH_TIMEOUT_SECONDS))
    limits = httpx.Limits(max_connections=settings.WATCH_CONCURRENCY, max_keepalive_connections=settings.WATCH_CONCURRENCY)
    return httpx.AsyncClient(
        transport=GuardedTransport(limits=limits),
        timeout=timeout,
        follow_redirects=False,
        headers={"User-Agent": user_agent(), "Accept": "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5"},
        trust_env=False,
    )


async def fetch_all(jobs: list[Fetch]) -> list[Fetched]:
    """Fetch every job concurrently within the limits; one result per job, in the jobs' order. Never raises for a
    failed fetch: its error is in the result."""
    async with client() as http:
        fetcher = Fetcher(http)
        return list(await asyncio.gather(*(fetcher.fetch(job) for job in jobs)))


def fetch_many(jobs: list[Fetch]) -> list[Fetched]:
    return asyncio.run(fetch_all(jobs)) if jobs else []
