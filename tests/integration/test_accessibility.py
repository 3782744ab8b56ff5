"""WCAG 2.2 AA on every page, checked by axe-core and by behaviour, in Debian's Chromium.

axe-core comes from npm at the version tests/integration/axe/package-lock.json pins (`make
install-test` runs `npm ci` there) and is injected into each page by Playwright, before the
page's own scripts and outside its Content-Security-Policy. What axe cannot see is tested as a
person would meet it: the whole flow with the keyboard alone, the error summary taking the focus,
status changes announced without moving the focus, reflow at 320 px and at 200% zoom, target
sizes, and reduced motion.
"""

import email
import email.policy
import re
import sqlite3

import pytest

from tests.integration.services import require
from tests.integration.stack import REPO, VALID_ANSWERS

pytestmark = [pytest.mark.integration, pytest.mark.browser]

AXE = REPO / "tests" / "integration" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW = {"width": 320, "height": 640}
# 200% zoom of a 1280 px wide window: the page lays out in 640 CSS pixels.
ZOOMED = {"width": 640, "height": 400}
DESKTOP = {"width": 1280, "height": 800}
CONTROLS = "button, a.button, input:not([type=hidden]), select, textarea"
MINIMUM_TARGET = 24


@pytest.fixture
def axe():
    require(f"axe-core from npm ({AXE.relative_to(REPO)}; make install-test installs it)", AXE.exists())
    return AXE


def _context(browser, axe, **options):
    context = browser.new_context(viewport=DESKTOP, **options)
    context.add_init_script(path=str(axe))
    context.set_default_timeout(15_000)
    return context


def violations(page) -> list[str]:
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    return [f"{v['id']} ({v['help']}): {[node['target'] for node in v['nodes']]}" for v in result["violations"]]


def reflow_problems(page) -> list[str]:
    """Sideways scrolling at 320 px and at 200% zoom; the page is laid out again, not reloaded."""
    problems = []
    for size in (NARROW, ZOOMED):
        page.set_viewport_size(size)
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            problems.append(f"scrolls sideways at {size['width']} px")
    page.set_viewport_size(DESKTOP)
    return problems


def small_targets(page) -> list[str]:
    """Controls under 24 by 24 CSS px (links inside text are axe's target-size rule's to judge)."""
    return page.evaluate(
        """([selector, minimum]) => [...document.querySelectorAll(selector)]
            .filter(e => !e.closest('.hp') && e.getClientRects().length)
            .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < minimum || r.height < minimum)
            .map(([name, r]) => `${name}: ${r.width}x${r.height}`)""",
        [CONTROLS, MINIMUM_TARGET],
    )


def assert_accessible(page, name: str) -> None:
    assert violations(page) == [], name
    assert reflow_problems(page) == [], name
    assert small_targets(page) == [], name


def _set_status(stack, token: str, status: str, last_error: str = "") -> None:
    with sqlite3.connect(stack.data_dir / "db.sqlite3") as database:
        database.execute(
            "UPDATE summaries_submission SET status = ?, last_error = ? WHERE token = ?", (status, last_error, token)
        )


def _confirmation_token(stack, token: str) -> str:
    with sqlite3.connect(stack.data_dir / "db.sqlite3") as database:
        return database.execute(
            "SELECT confirmation_token FROM summaries_submission WHERE token = ?", (token,)
        ).fetchone()[0]


def _post_from_the_page(page, url: str, body: str) -> None:
    """Navigate to `url` with a POST of `body`, as a browser sending a form would."""

    def as_post(route):
        route.continue_(method="POST", post_data=body, headers={**route.request.headers,
                        "content-type": "application/x-www-form-urlencoded"})  # fmt: skip

    page.route(url, as_post)
    page.goto(url)
    page.unroute(url)


def test_the_form_status_confirmation_and_refusal_pages_have_no_wcag_violations(make_stack, chromium, axe):
    stack = make_stack(
        extra_env={"CONFIRM_EMAIL": "true", "PUBLIC_BASE_URL": "http://127.0.0.1", "RATE_LIMIT_PER_RECIPIENT": "1/h"}
    ).prepare()
    stack.start_web()
    context = _context(chromium, axe)
    page = context.new_page()

    page.goto(stack.base_url + "/")
    assert_accessible(page, "the empty form")

    page.get_by_role("button", name="Generate My PDF").click()
    page.wait_for_selector(".error-summary")
    assert_accessible(page, "the form with every required answer missing")

    # Every other kind of error at once: a malformed address, an answer too long, a colour not
    # offered, and the honeypot filled (an error of the whole form).
    page.evaluate(
        """() => {
            for (const field of document.querySelectorAll('[maxlength]')) field.removeAttribute('maxlength');
            const pink = new Option('Pink', 'Pink');
            document.querySelector('#id_color').add(pink);
        }"""
    )
    page.fill("#id_email", "not-an-address")
    page.fill("#id_name", "N" * 101)
    page.fill("#id_about", VALID_ANSWERS["about"])
    page.fill("#id_hobby", VALID_ANSWERS["hobby"])
    page.select_option("#id_color", "Pink")
    page.evaluate("document.querySelector('#id_website').value = 'spam'")
    page.get_by_role("button", name="Generate My PDF").click()
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary li").count() == 4
    assert_accessible(page, "the form with every other kind of error")

    token = stack.submit_ok(email="states@example.com")
    page.goto(f"{stack.base_url}/s/{token}/")
    assert page.locator("#status-message").get_attribute("data-status") == "confirm"
    assert_accessible(page, "status: waiting for confirmation")

    page.goto(f"{stack.base_url}/confirm/{_confirmation_token(stack, token)}/")
    assert_accessible(page, "the confirmation page")

    for status, shown, reason in [
        ("received", "received", ""),
        ("rendering", "rendering", ""),
        ("sent", "sent", ""),
        ("failed", "failed", "The mail server answered 550 No such user"),
    ]:
        _set_status(stack, token, status, reason)
        page.goto(f"{stack.base_url}/s/{token}/")
        assert page.locator("#status-message").get_attribute("data-status") == shown
        assert_accessible(page, f"status: {status}")

    assert stack.submit(email="states@example.com").status_code == 429
    page.goto(stack.base_url + "/")
    page.fill("#id_email", "states@example.com")
    page.fill("#id_name", VALID_ANSWERS["name"])
    page.fill("#id_about", VALID_ANSWERS["about"])
    page.fill("#id_hobby", VALID_ANSWERS["hobby"])
    page.select_option("#id_color", VALID_ANSWERS["color"])
    page.get_by_role("button", name="Generate My PDF").click()
    page.wait_for_selector("text=Please try again later")
    assert_accessible(page, "the 429 page")

    _post_from_the_page(page, stack.base_url + "/", "about=" + "x" * 70_000)
    page.wait_for_selector("text=That was more than we can take")
    assert_accessible(page, "the 413 page")
    context.close()


def test_the_503_page_has_no_wcag_violations(make_stack, chromium, axe):
    # A database nobody answers on: the form still loads, a submit gets the 503 page.
    stack = make_stack(database_url="postgresql://nobody@127.0.0.1:9/none")
    stack.manage("collectstatic", "--noinput", "-v0")
    stack.start_web()
    context = _context(chromium, axe)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.fill("#id_email", "ada@example.com")
    page.fill("#id_name", VALID_ANSWERS["name"])
    page.fill("#id_about", VALID_ANSWERS["about"])
    page.fill("#id_hobby", VALID_ANSWERS["hobby"])
    page.select_option("#id_color", VALID_ANSWERS["color"])
    page.get_by_role("button", name="Generate My PDF").click()
    page.wait_for_selector("text=We can't take your answers right now")
    assert_accessible(page, "the 503 page")
    context.close()


def test_the_development_outbox_and_the_emails_html_have_no_wcag_violations(make_stack, chromium, axe):
    stack = make_stack(extra_env={"DEBUG": "true", "EMAIL_HOST": ""}).start()
    token = stack.submit_ok()
    stack.wait_for_status(token, "sent")
    context = _context(chromium, axe)
    page = context.new_page()

    page.goto(stack.base_url + "/dev/outbox/")
    assert_accessible(page, "the outbox")
    page.get_by_role("link", name="Your Personal Summary").click()
    page.wait_for_selector("h1")
    assert_accessible(page, "an email in the outbox")
    # The email's HTML part as a mail client shows it (the outbox serves it sandboxed, with no
    # script allowed, so it is read from the captured file and given to a page of its own).
    [captured] = (stack.data_dir / "outbox").glob("*.eml")
    message = email.message_from_bytes(captured.read_bytes(), policy=email.policy.default)
    page.set_content(message.get_body(preferencelist=("html",)).get_content())
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title() == message["Subject"]
    assert page.locator("h1").count() == 1 and page.locator("h2").count() == 1
    assert violations(page) == [], "the email's HTML part"
    context.close()


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def _focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => { const style = getComputedStyle(document.activeElement);
                   return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2; }"""
    )


def test_the_whole_flow_with_the_keyboard_alone(make_stack, smtp_sink, chromium, axe):
    stack = make_stack().start()
    context = _context(chromium, axe)
    page = context.new_page()
    page.goto(stack.base_url + "/")

    answers = {**VALID_ANSWERS, "email": "keyboard.example.com"}
    order = []
    for field in ("email", "name", "about", "hobby", "color", "saying", "dream_job"):
        page.keyboard.press("Tab")
        order.append(_focused(page))
        assert _focus_is_visible(page), field
        if field == "color":
            # A closed select moves through its options with the arrow keys: Purple is the fifth.
            for _ in range(5):
                page.keyboard.press("ArrowDown")
        else:
            page.keyboard.type(answers[field])
    page.keyboard.press("Tab")
    order.append(_focused(page))
    assert _focus_is_visible(page)
    # The honeypot is never reached; the button is last, and Tab leaves it: no trap.
    assert order == ["id_email", "id_name", "id_about", "id_hobby", "id_color", "id_saying", "id_dream_job",
                     "Generate My PDF"]  # fmt: skip
    assert page.locator("#id_color").input_value() == "Purple"
    page.keyboard.press("Tab")
    assert _focused(page) != "Generate My PDF"

    # A mistake: the error summary takes the focus, and its link leads to the field.
    page.get_by_role("button", name="Generate My PDF").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert _focused(page) == "error-summary"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_email"
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    assert _focused(page) == "id_email"
    page.keyboard.press("Control+A")
    page.keyboard.type("keyboard@example.com")
    page.keyboard.press("Enter")

    # The status page: when the summary is sent, the download link is the next stop.
    page.wait_for_url(re.compile(r"/s/[^/]+/"))
    page.wait_for_selector('#status-message[data-status="sent"]', timeout=60_000)
    page.keyboard.press("Tab")
    assert _focused(page) == "download"
    assert _focus_is_visible(page)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    context.close()


def test_the_error_summary_links_each_field_which_says_what_is_wrong(make_stack, chromium, axe):
    stack = make_stack().prepare()
    stack.start_web()
    context = _context(chromium, axe)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.fill("#id_email", "not-an-address")
    page.get_by_role("button", name="Generate My PDF").click()
    page.wait_for_selector(".error-summary")

    assert _focused(page) == "error-summary"
    assert page.locator("#error-summary").get_attribute("aria-labelledby") == "error-summary-title"
    links = page.locator(".error-summary a")
    assert links.count() == 5  # the malformed email, and name, about, hobby and colour left empty
    for index in range(links.count()):
        link = links.nth(index)
        field_id = link.get_attribute("href").removeprefix("#")
        field = page.locator(f"#{field_id}")
        assert field.get_attribute("aria-invalid") == "true"
        message = page.locator(f"#{field.get_attribute('aria-describedby')}").inner_text()
        assert message and message in link.inner_text()
        link.click()
        assert _focused(page) == field_id
    context.close()


def test_status_changes_are_announced_without_moving_the_focus(make_stack, chromium, axe):
    stack = make_stack().prepare()
    stack.start_web()
    token = stack.submit_ok()
    context = _context(chromium, axe)
    page = context.new_page()
    page.goto(f"{stack.base_url}/s/{token}/")

    message = page.locator("#status-message")
    assert message.get_attribute("role") == "status"
    page.evaluate("document.getElementById('status-message').sameNode = true")
    focused_before = page.evaluate("document.activeElement.tagName")

    for status, words in [("rendering", "being created"), ("sent", "emailed")]:
        _set_status(stack, token, status)
        page.wait_for_selector(f'#status-message[data-status="{status}"]', timeout=30_000)
        assert words in message.inner_text()
        # The same live region, its text changed in place: that is what a screen reader announces.
        assert page.evaluate("document.getElementById('status-message').sameNode === true")
        assert page.evaluate("document.activeElement.tagName") == focused_before
    context.close()


@pytest.mark.parametrize("preference, duration", [("reduce", "0s"), ("no-preference", "0.3s")])
def test_motion_follows_the_persons_preference(make_stack, chromium, axe, preference, duration):
    stack = make_stack().prepare()
    stack.start_web()
    token = stack.submit_ok()
    context = _context(chromium, axe, reduced_motion=preference)
    page = context.new_page()
    page.goto(f"{stack.base_url}/s/{token}/")

    durations = page.evaluate(
        "[...document.querySelectorAll('.step')].map(e => getComputedStyle(e).transitionDuration)"
    )
    assert durations and {d.split(",")[0].strip() for d in durations} == {duration}
    context.close()
