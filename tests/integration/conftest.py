import pytest

from tests.integration.browser import launched_chromium
from tests.integration.smtp_sink import SmtpSink
from tests.integration.stack import Stack


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


@pytest.fixture
def chromium():
    """A browser for one test."""
    with launched_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def module_chromium():
    """One browser for a whole module, for modules that share one stack between their tests."""
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def make_stack(tmp_path, smtp_sink, request):
    """Build stacks on demand; every process is stopped at the end, and logs shown on failure."""
    stacks: list[Stack] = []

    def build(**kwargs) -> Stack:
        kwargs.setdefault("smtp_port", smtp_sink.port)
        stack = Stack(root=tmp_path / f"stack{len(stacks) + 1}", **kwargs)
        stacks.append(stack)
        return stack

    yield build
    for stack in stacks:
        stack.stop()
        if getattr(request.node, "failed_call", False):
            print(stack.logs())
