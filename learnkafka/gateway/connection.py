"""One TCP connection from a real Kafka client, in Kafka's order of things.

First the client may ask ApiVersions (answered here: the gateway knows what it
speaks), then SaslHandshake (PLAIN only) and SaslAuthenticate, whose username
is a sandbox's connect token: a wrong one is refused with
SASL_AUTHENTICATION_FAILED and the connection closed, as a Kafka broker does
(kafka's SaslServerAuthenticator). Any other request before that closes the
connection. From then on every request becomes one `wire_request` command of
that sandbox's simulation and its `wire_response` goes back as the Kafka
response of the version the client asked for (link.py, translate.py).

Requests on one connection are handled one at a time, in order, as a Kafka
broker does (it mutes a channel until its response is sent), so responses
come back in request order.

A malformed or oversized frame, an API we do not speak, or a request the
simulator refuses closes this connection with one log line; nothing else is
touched.
"""
from __future__ import annotations

import asyncio
import logging
import secrets

from channels.db import database_sync_to_async
from kio.schema.index import api_key_map

from learnkafka.sandbox.policy import Refused

from . import apis, codec, limits, link, records, services
from .translate import from_plain, to_plain

log = logging.getLogger(__name__)

PARTIAL_FRAME_TIMEOUT_S = 30.0   # a frame started must be finished within this
AUTH_TIMEOUT_S = 30.0            # and a connection must authenticate within this

SASL_AUTHENTICATION_FAILED = 58
UNSUPPORTED_SASL_MECHANISM = 33
ILLEGAL_SASL_STATE = 34
UNSUPPORTED_VERSION = 35


class Close(Exception):
    """End this connection (the reason is logged once)."""


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 broker: int, advertise):
        self.reader, self.writer = reader, writer
        self.broker = broker
        self.advertise = advertise          # (api, plain response) -> plain response
        self.client = "gw-" + secrets.token_hex(4)
        self.client_id = ""
        self.software = ""
        self.mechanism_ok = False
        self.raw_sasl_next = False          # SaslHandshake v0: the token comes unframed
        self.link: link.SandboxLink | None = None
        self.budget: limits.SandboxBudget | None = None
        self.public_id: str | None = None
        self.connected = False              # the simulation knows this client
        self.disconnected = asyncio.Event()
        peer = writer.get_extra_info("peername")
        self.peer_host = str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"
        self.name = f"gateway connection {self.client} from {peer} to broker {broker}"

    # ---- the loop ----------------------------------------------------------------

    async def serve(self) -> None:
        try:
            await self._serve()
        except Close as err:
            log.info("%s closed: %s", self.name, err)
        except codec.Malformed as err:
            log.info("%s closed: malformed request: %s", self.name, err)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except Exception:  # never let one connection's bug reach another
            log.exception("%s failed", self.name)
        finally:
            await self._cleanup()

    async def _serve(self) -> None:
        while not self.disconnected.is_set():
            timeout = None if self.link else AUTH_TIMEOUT_S
            frame = await self._read_frame(timeout)
            if frame is None:
                return
            if self.raw_sasl_next:
                self.raw_sasl_next = False
                await self._authenticate(frame, None)
                continue
            request = codec.decode_request(frame)
            await self._handle(request)

    async def _read_frame(self, timeout: float | None) -> bytes | None:
        read_prefix = self.reader.readexactly(4)
        disconnected = asyncio.ensure_future(self.disconnected.wait())
        reading = asyncio.ensure_future(read_prefix)
        try:
            done, _ = await asyncio.wait({reading, disconnected}, timeout=timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            disconnected.cancel()
        if reading not in done:
            reading.cancel()
            if self.disconnected.is_set():
                raise Close(f"the simulation dropped it ({self._drop_reason})")
            raise Close("no authentication in time")
        try:
            prefix = reading.result()
        except asyncio.IncompleteReadError as err:
            if err.partial:
                raise codec.Malformed("connection closed inside a size prefix") from None
            return None
        size = codec.frame_size(prefix)
        try:
            return await asyncio.wait_for(self.reader.readexactly(size),
                                          PARTIAL_FRAME_TIMEOUT_S)
        except asyncio.IncompleteReadError:
            raise codec.Malformed(f"truncated frame (announced {size} bytes)") from None
        except TimeoutError:
            raise codec.Malformed(f"frame of {size} bytes not finished in time") from None

    async def _write(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def _respond(self, request: codec.Request, response) -> None:
        await self._write(codec.encode_response(request.correlation_id, response))

    # ---- dispatch ----------------------------------------------------------------

    async def _handle(self, request: codec.Request) -> None:
        if request.api_key == codec.API_VERSIONS:
            await self._api_versions(request)
            return
        if request.body is None:
            raise Close(f"unsupported version {request.api_version} of API {request.api_key}")
        if request.api_key == apis.SASL_HANDSHAKE:
            await self._handshake(request)
            return
        if request.api_key == apis.SASL_AUTHENTICATE:
            if not self.mechanism_ok or self.link is not None:
                raise Close("SaslAuthenticate out of order")
            await self._authenticate(request.body.auth_bytes, request)
            return
        if self.link is None:
            raise Close(f"{api_key_map.get(request.api_key, request.api_key)} request "
                        "before SASL authentication")
        api = api_key_map.get(request.api_key)
        if request.api_version > apis.max_version(request.api_key):
            raise Close(f"{api} v{request.api_version} is newer than advertised")
        await self._forward(api, request)

    async def _api_versions(self, request: codec.Request) -> None:
        body = request.body
        if body is not None and request.api_version >= 3:
            self.software = f"{body.client_software_name} {body.client_software_version}"
        if body is None or request.api_version > apis.max_version(codec.API_VERSIONS):
            # Kafka answers a version it does not know with a v0 response and
            # UNSUPPORTED_VERSION, so the client can retry with one it has
            # (kafka's ApiVersionsRequest.getErrorResponse).
            response = apis.api_versions_response(0, error_code=UNSUPPORTED_VERSION)
        else:
            response = apis.api_versions_response(request.api_version)
        self.client_id = request.client_id or self.client_id
        await self._respond(request, response)

    async def _handshake(self, request: codec.Request) -> None:
        ok = request.body.mechanism == "PLAIN"
        cls = codec.response_class(apis.SASL_HANDSHAKE, request.api_version)
        response = from_plain(cls, {"error_code": 0 if ok else UNSUPPORTED_SASL_MECHANISM,
                                    "mechanisms": ["PLAIN"]})
        await self._respond(request, response)
        if not ok:
            raise Close(f"SASL mechanism {request.body.mechanism!r} is not PLAIN")
        self.mechanism_ok = True
        self.raw_sasl_next = request.api_version == 0

    async def _authenticate(self, auth_bytes: bytes, request: codec.Request | None) -> None:
        token = _plain_username(auth_bytes)
        row = await database_sync_to_async(services.sandbox_for_token)(token=token or "")
        error = None
        if row is None:
            error = "Unknown connect token: copy it from your playground page."
        else:
            self.budget = limits.enter(row.public_id)
            if self.budget is None:
                error = (f"This sandbox already has {limits.MAX_CONNECTIONS} gateway "
                         "connections; close some clients.")
            else:
                self.public_id = row.public_id
        if error is None:
            try:
                self.link = await link.acquire(row)
                await self.link.command({"type": "wire_connect", "client": self.client,
                                         "client_id": (self.client_id or "")[:200],
                                         "software": self.software[:200],
                                         "host": f"/{self.peer_host}"})
                self.connected = True
            except Refused as err:
                error = f"The simulation cannot take a client now: {err.message}"
        if error is None:
            self.link.on_disconnect(self.client, self.broker, self._dropped)
        await self._sasl_answer(request, error)
        if error is not None:
            raise Close(f"SASL authentication refused: {error}")

    async def _sasl_answer(self, request: codec.Request | None, error: str | None) -> None:
        if request is None:  # SaslHandshake v0: success is an empty frame, failure a close
            if error is None:
                await self._write(b"\x00\x00\x00\x00")
            return
        cls = codec.response_class(apis.SASL_AUTHENTICATE, request.api_version)
        response = from_plain(cls, {"error_code": SASL_AUTHENTICATION_FAILED if error else 0,
                                    "error_message": error, "auth_bytes": b"",
                                    "session_lifetime": 0})
        await self._respond(request, response)

    _drop_reason = ""

    def _dropped(self, reason: str) -> None:
        # The simulation closed this client's connection to the broker, but the
        # client (its wire_connect) lives on there until wire_close: _cleanup still
        # sends it, or every reconnect to a crashed broker would leak one of the
        # simulation's MAX_WIRE_CLIENTS slots and lock the client out of the others.
        self._drop_reason = reason
        self.disconnected.set()

    # ---- requests to the simulation ------------------------------------------------

    async def _forward(self, api: str, request: codec.Request) -> None:
        plain = to_plain(request.body)
        produced = 0
        if api == "produce":
            produced = records.decode_produce(plain)
        await self._throttle(request.size, produced)
        expects_answer = not (api == "produce" and plain.get("acks") == 0)
        answer = self.link.expect(self.client, self.broker, request.correlation_id) \
            if expects_answer else None
        try:
            await self.link.command({
                "type": "wire_request", "client": self.client, "broker": self.broker,
                "api": api, "api_version": request.api_version,
                "correlation_id": request.correlation_id, "request": plain})
        except Refused as err:
            if answer is not None:
                answer.cancel()
            raise Close(f"the simulation refused {api} v{request.api_version}: "
                        f"{err.code}: {err.message}") from None
        if answer is None:
            return
        response = await self._await_answer(answer, api)
        response = self.advertise(api, response)
        if api == "fetch":
            records.encode_fetch(response)
        cls = codec.response_class(request.api_key, request.api_version)
        try:
            kio_response = from_plain(cls, response)
        except Exception as err:
            raise Close(f"the simulation's {api} response does not fit v"
                        f"{request.api_version}: {type(err).__name__}: {err}") from None
        await self._respond(request, kio_response)

    async def _await_answer(self, answer: asyncio.Future, api: str) -> dict:
        dropped = asyncio.ensure_future(self.disconnected.wait())
        try:
            done, _ = await asyncio.wait({answer, dropped}, timeout=link.RESPONSE_TIMEOUT_S,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            dropped.cancel()
        if answer in done and not answer.cancelled() and answer.exception() is None:
            return answer.result()
        answer.cancel()
        if self.disconnected.is_set():
            raise Close(f"the simulation dropped it ({self._drop_reason})")
        raise Close(f"no answer to {api} within {link.RESPONSE_TIMEOUT_S:.0f} s "
                    "(is the simulation paused?)")

    async def _throttle(self, size: int, produced: int) -> None:
        wait = max(self.budget.bytes.take(size), self.budget.records.take(produced))
        if wait > 0:
            await asyncio.sleep(wait)

    # ---- the end -------------------------------------------------------------------

    async def _cleanup(self) -> None:
        try:
            self.writer.close()
        except Exception:
            pass
        if self.link is not None:
            self.link.forget(self.client, self.broker)
            if self.connected:
                try:
                    await self.link.command({"type": "wire_close", "client": self.client})
                except Exception as err:  # the sandbox moved, or is gone: nothing to undo
                    log.info("%s: could not tell the simulation it closed (%s)", self.name, err)
            link.release(self.link)
            self.link = None
        if self.budget is not None:
            limits.leave(self.public_id)
            self.budget = None


def _plain_username(auth_bytes: bytes | None) -> str | None:
    """The authentication id of a SASL/PLAIN message: [authzid] NUL authcid NUL passwd
    (RFC 4616); the gateway ignores the password: the token is the secret."""
    if not auth_bytes:
        return None
    parts = bytes(auth_bytes).split(b"\x00")
    if len(parts) != 3:
        return None
    try:
        return parts[1].decode("utf-8")
    except UnicodeDecodeError:
        return None
