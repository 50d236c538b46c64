"""Our errors as the user reads them (``errors.user_message``), and the guarded change to Pulumi's dynamic-provider
server that makes it report them without a traceback (``provider_server.plain_user_errors``).

The server module cannot be imported (it starts serving on import), so the tests load the installed SDK's source
without its last line, ``main()``, to check that the guard recognises it, and stand fake server modules in for the
other layouts. ``tests/engine/test_error_fixes_cli.py`` shows the result under the real CLI.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from sparkpost_tracking.dynamic_providers import errors, provider_server

SERVER = "pulumi.dynamic.__main__"


def test_the_user_reads_the_message_then_each_note() -> None:
    error = errors.VerificationFailed("did not verify. Raise the timeout.")
    assert errors.user_message(error) == "did not verify. Raise the timeout."
    error.add_note("It was created and deleted again.")
    error.add_note("SPARKPOST_ADOPT=x pulumi up keeps it.")
    assert errors.user_message(error) == ("did not verify. Raise the timeout.\nIt was created and deleted again.\n"
                                          "SPARKPOST_ADOPT=x pulumi up keeps it.")
    assert "VerificationFailed" not in errors.user_message(error)


def installed_server_source() -> str:
    spec = importlib.util.find_spec("pulumi.dynamic")
    assert spec is not None and spec.origin is not None
    source = (Path(spec.origin).parent / "__main__.py").read_text()
    body, call = source.rstrip().rsplit("\n", 1)
    assert call.strip() == "main()", "the server module no longer ends by calling main()"
    return body + "\n"


def server_module(source: str) -> ModuleType:
    """A module run from ``source`` as ``python -m pulumi.dynamic`` runs its ``__main__`` (minus serving)."""
    module = ModuleType("__main__")
    module.__spec__ = SimpleNamespace(name=SERVER)  # type: ignore[assignment]
    exec(compile(source, "<server>", "exec"), module.__dict__)
    return module


@pytest.fixture
def as_main(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def install(module: ModuleType) -> ModuleType:
        monkeypatch.setitem(sys.modules, "__main__", module)
        return module

    yield install


#: What the installed SDK does with an exception, in the shape its wrapper has.
LIKE_PULUMI = """
import traceback

def _abort_with_traceback(fn):
    def wrapper(self, request, context):
        try:
            return fn(self, request, context)
        except Exception:
            context.abort("UNKNOWN", traceback.format_exc())
    return wrapper
"""


class Context:
    def __init__(self) -> None:
        self.details: list[str] = []

    def abort(self, code: object, details: str) -> None:
        self.details.append(str(details))


def aborted_with(module: ModuleType, exc: Exception) -> str:
    """What the server's wrapper sends the engine when a provider method raises ``exc``."""
    def create(self: object, request: object, context: object) -> None:
        raise exc

    context = Context()
    module._abort_with_traceback(create)(None, None, context)
    [details] = context.details
    return details


def test_the_installed_sdks_server_is_recognised() -> None:
    server = server_module(installed_server_source())
    assert provider_server._formats_with_traceback(server)


def test_in_the_server_our_errors_are_their_message_and_a_bug_keeps_its_traceback(as_main: object) -> None:
    server = as_main(server_module(LIKE_PULUMI))  # type: ignore[operator]
    assert provider_server.plain_user_errors() == "our errors are reported as their message"
    error = errors.ManagedCertificateError("not issued (error_code acme:dns). Fix: CNAME the host.")
    error.add_note("deleted again")
    assert aborted_with(server, error) == "not issued (error_code acme:dns). Fix: CNAME the host.\ndeleted again"
    bug = aborted_with(server, KeyError("domain"))
    assert bug.startswith("Traceback (most recent call last):") and bug.rstrip().endswith("KeyError: 'domain'")
    # The stand-in is the real module for everything else, and a second call changes nothing.
    assert server.traceback.format_exception is traceback.format_exception
    stand_in = server.traceback
    assert provider_server.plain_user_errors() == "already done" and server.traceback is stand_in


def test_without_it_the_server_shows_our_error_after_a_traceback(as_main: object) -> None:
    # What the intercept removes: the header and the frames before the message.
    server = server_module(LIKE_PULUMI)
    details = aborted_with(server, errors.ConfigurationError("set it"))
    assert details.startswith("Traceback (most recent call last):")
    assert details.rstrip().endswith("ConfigurationError: set it")


@pytest.mark.parametrize("layout", [
    LIKE_PULUMI.replace("traceback.format_exc()", "str(Exception())"),  # formats errors some other way
    LIKE_PULUMI.replace("_abort_with_traceback", "_abort"),               # no such wrapper
    LIKE_PULUMI.replace("import traceback", "import traceback as tb").replace("traceback.", "tb."),
])
def test_a_server_laid_out_otherwise_is_left_as_it_is(as_main: object, layout: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    server = as_main(server_module(layout))  # type: ignore[operator]
    before = dict(server.__dict__)
    with caplog.at_level("DEBUG", logger="sparkpost_tracking.provider_server"):
        assert provider_server.plain_user_errors() == "server not as expected: left as it is"
    assert server.__dict__ == before
    assert caplog.messages == ["the dynamic-provider server does not format errors as expected: they keep Pulumi's "
                               "traceback"]


def test_a_wrapper_that_only_formats_the_traceback_is_recognised() -> None:
    minimal = "import traceback\n\ndef _abort_with_traceback(fn):\n    def wrapper():\n" \
              "        return traceback.format_exc()\n    return wrapper\n"
    assert provider_server._formats_with_traceback(server_module(minimal))


def test_outside_the_server_nothing_is_touched(as_main: object) -> None:
    program = ModuleType("__main__")
    program.traceback = traceback  # type: ignore[attr-defined]
    as_main(program)  # type: ignore[operator]
    assert provider_server.plain_user_errors() == "not in a dynamic-provider server"
    assert program.traceback is traceback  # type: ignore[attr-defined]


def test_the_stand_in_formats_what_is_being_handled_only() -> None:
    stand_in = provider_server._PlainUserErrors(traceback)
    try:
        raise errors.UserError("ours")
    except errors.UserError:
        assert stand_in.format_exc() == "ours"
    try:
        raise ValueError("theirs")
    except ValueError:
        assert stand_in.format_exc() == traceback.format_exc()


def test_the_plugin_sends_our_error_with_its_notes_in_its_own_words() -> None:
    """The plugin's twin of the intercept: our error (found behind the SDK's wrapping) goes out as its message and
    notes, names in the schema's words; anything else is raised on for the SDK to report."""
    import asyncio

    import grpc

    from sparkpost_tracking.plugin import server

    class AbortingContext:
        details: str = ""

        async def abort(self, code: grpc.StatusCode, details: str) -> None:
            self.details = details
            raise grpc.aio.AbortError()

    async def failing(self: object, request: object, context: object) -> None:
        error = errors.VerificationFailed("not verified: raise sparkpost:verifyTimeout, or set adopt_existing")
        error.add_note("SPARKPOST_ADOPT=track.example.com pulumi up keeps it.")
        try:
            raise error
        except errors.VerificationFailed as inner:
            raise RuntimeError("the SDK's wrapping") from inner

    async def buggy(self: object, request: object, context: object) -> None:
        raise KeyError("domain")

    # A loop of its own, never installed: asyncio.run would leave the thread without a current loop, which the
    # next test's Pulumi mocks need.
    loop = asyncio.new_event_loop()
    context = AbortingContext()
    try:
        with pytest.raises(grpc.aio.AbortError):
            loop.run_until_complete(server._plain_errors(failing)(None, None, context))  # type: ignore[arg-type]
        assert context.details == ("not verified: raise sparkpost-tracking:verifyTimeout, or set adoptExisting\n"
                                   "SPARKPOST_ADOPT=track.example.com pulumi up keeps it.")
        with pytest.raises(KeyError):
            loop.run_until_complete(server._plain_errors(buggy)(None, None, AbortingContext()))  # type: ignore[arg-type]
    finally:
        loop.close()
