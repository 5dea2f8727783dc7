"""The fetcher against a real HTTP server on 127.0.0.1: encodings, conditional GET, redirects, errors, limits and
the address guard. No mock of the client."""
import pytest
from django.test import override_settings

from watch.fetch import Fetch, Refused, check_url_allowed, fetch_many
from watch.reading import NotAPolicy, check_policy, main_text, normalise

from .conftest import POLICY, Answer, page


def fetch_one(site, path, **validators):
    [result] = fetch_many([Fetch(1, site.url(path), **validators)])
    return result


@pytest.mark.parametrize("charset", ["utf-8", "gbk", "gb18030"])
def test_a_page_in_utf8_gbk_or_gb18030_reads_as_the_same_text(site, charset):
    site.routes["/p"] = Answer(200, page(POLICY + "\n补充说明：𠀀字只有GB18030能写。" if charset == "gb18030" else POLICY, charset), {"Content-Type": "text/html"})
    result = fetch_one(site, "/p")
    text = normalise(main_text(result.body, result.content_type))
    assert result.outcome == "ok"
    assert "我们将在15个工作日内完成注销。" in text
    assert "关于我们" not in text and "版权所有" not in text  # navigation and footer dropped
    if charset == "gb18030":
        assert "𠀀字只有GB18030能写" in text


def test_the_http_charset_wins_over_a_wrong_meta_charset(site):
    body = page(POLICY, "gbk").replace(b'charset="gbk"', b'charset="utf-8"')
    site.routes["/p"] = Answer(200, body, {"Content-Type": "text/html; charset=GBK"})
    result = fetch_one(site, "/p")
    assert "15个工作日内完成注销" in main_text(result.body, result.content_type)


def test_a_gbk_page_that_names_no_charset_is_detected(site):
    body = page(POLICY, "gbk").replace(b'<meta charset="gbk">', b"")
    site.routes["/p"] = Answer(200, body, {"Content-Type": "text/html"})
    result = fetch_one(site, "/p")
    assert "15个工作日内完成注销" in main_text(result.body, result.content_type)


def test_conditional_get_sends_the_etag_and_last_modified_and_304_is_not_modified(site):
    def answer(headers):
        if headers.get("if-none-match") == '"v1"':
            return Answer(304, b"", {"ETag": '"v1"'})
        return Answer(200, page(), {"ETag": '"v1"', "Last-Modified": "Mon, 07 Dec 2026 01:00:00 GMT"})

    site.routes["/p"] = answer
    first = fetch_one(site, "/p")
    second = fetch_one(site, "/p", etag=first.headers["etag"], last_modified=first.headers["last-modified"])
    assert (first.outcome, second.outcome, second.http_status, second.body) == ("ok", "not_modified", 304, b"")
    assert site.hits[1].headers["if-modified-since"] == "Mon, 07 Dec 2026 01:00:00 GMT"


def test_the_user_agent_names_rightsdesk_and_the_site(site, settings):
    settings.SITE_URL = "https://desk.example.org"
    site.routes["/p"] = Answer(200, page())
    fetch_one(site, "/p")
    assert site.hits[0].headers["user-agent"] == "RightsDesk policy watch (+https://desk.example.org)"


def test_redirects_are_followed_up_to_five(site):
    for n in range(5):
        site.routes[f"/r{n}"] = Answer(302, b"", {"Location": f"/r{n + 1}"})
    site.routes["/r5"] = Answer(200, page())
    result = fetch_one(site, "/r0")
    assert (result.outcome, result.url) == ("ok", site.url("/r5"))


def test_a_sixth_redirect_is_an_error(site):
    for n in range(6):
        site.routes[f"/r{n}"] = Answer(301, b"", {"Location": f"/r{n + 1}"})
    site.routes["/r6"] = Answer(200, page())
    result = fetch_one(site, "/r0")
    assert result.outcome == "error" and "More than 5 redirects" in result.error
    assert not site.hits_of("/r6")


def test_a_redirect_loop_is_an_error(site):
    site.routes["/a"] = Answer(302, b"", {"Location": "/b"})
    site.routes["/b"] = Answer(302, b"", {"Location": "/a"})
    result = fetch_one(site, "/a")
    assert result.outcome == "error" and "loop" in result.error
    assert len(site.hits) == 2


def test_404_is_an_error_and_is_never_retried(site):
    result = fetch_one(site, "/missing")
    assert (result.outcome, result.http_status, result.error) == ("error", 404, "HTTP 404")
    assert len(site.hits) == 1


def test_500_is_retried_then_an_error(site, settings):
    settings.WATCH_RETRIES = 2
    site.routes["/p"] = Answer(500, b"oops")
    result = fetch_one(site, "/p")
    assert (result.outcome, result.http_status) == ("error", 500)
    assert len(site.hits) == 3


def test_a_503_then_a_page_succeeds_on_the_retry(site):
    answers = iter([Answer(503, b"busy"), Answer(200, page())])
    site.routes["/p"] = lambda headers: next(answers)
    result = fetch_one(site, "/p")
    assert (result.outcome, result.http_status) == ("ok", 200)


def test_a_server_that_does_not_answer_in_time_is_retried_then_an_error(site, settings):
    settings.WATCH_TIMEOUT_SECONDS = 0.2
    settings.WATCH_RETRIES = 1
    site.routes["/slow"] = Answer(200, page(), delay=1.0)
    result = fetch_one(site, "/slow")
    assert result.outcome == "error" and result.timed_out and "in time" in result.error
    assert len(site.hits_of("/slow")) == 2


def test_a_body_over_the_limit_is_dropped(site, settings):
    settings.WATCH_MAX_BYTES = 10_000
    site.routes["/big"] = Answer(200, b"<p>" + "个人信息".encode() * 5000 + b"</p>", {"Content-Type": "text/html"})
    result = fetch_one(site, "/big")
    assert result.outcome == "error" and "larger than" in result.error and result.body == b""


def test_a_body_over_the_limit_without_a_length_is_stopped_while_streaming(site, settings):
    settings.WATCH_MAX_BYTES = 10_000
    site.routes["/big"] = Answer(200, b"<p>" + b"x" * 200_000, {"Content-Type": "text/html"}, declare_length=False)
    result = fetch_one(site, "/big")
    assert result.outcome == "error" and "larger than" in result.error and result.body == b""


@override_settings(WATCH_ALLOW_PRIVATE_ADDRESSES=False)
def test_a_loopback_address_is_refused_when_not_allowed(site):
    site.routes["/p"] = Answer(200, page())
    result = fetch_one(site, "/p")
    assert result.outcome == "error" and "private or loopback" in result.error
    assert site.hits == []  # refused before any request


@override_settings(WATCH_ALLOW_PRIVATE_ADDRESSES=False)
@pytest.mark.parametrize("url", ["http://localhost/", "http://10.1.2.3/", "http://169.254.169.254/latest", "http://[::1]/"])
def test_private_link_local_and_loopback_hosts_are_refused_by_their_resolved_address(url):
    with pytest.raises(Refused, match="private or loopback"):
        check_url_allowed(url)


def test_every_redirect_hop_is_resolved_and_checked(site):
    site.routes["/p"] = Answer(302, b"", {"Location": "http://no-such-host.invalid/policy"})
    result = fetch_one(site, "/p")
    assert result.outcome == "error" and "no-such-host.invalid does not resolve" in result.error


def test_a_login_wall_is_not_a_policy():
    body = '<html><body><form><input name=u><input type="password" name=p></form><p>请登录后查看</p></body></html>'.encode()
    with pytest.raises(NotAPolicy, match="sign in"):
        check_policy(normalise(main_text(body, "text/html")), body)


def test_an_empty_page_and_a_page_about_something_else_are_not_policies():
    with pytest.raises(NotAPolicy, match="empty"):
        check_policy("", b"")
    with pytest.raises(NotAPolicy, match="privacy policy"):
        check_policy("今日特价：电影票九折优惠。", b"")


def test_normalising_drops_zero_width_characters_and_folds_full_width_spaces():
    assert normalise("隐\u200b私\u3000\u3000政策  \n\n\t第一条 ") == "隐私政策\n第一条"
    assert normalise("Privacy\u3000\u3000Policy 隐私 政策 v2") == "Privacy Policy 隐私政策 v2"


def test_the_connection_itself_checks_the_address_it_connects_to(site, settings):
    """Even when a name resolved to a public address for the first check (DNS rebinding), the connection
    resolves again, checks again, and connects only to an address it checked."""
    import asyncio

    from watch.fetch import GuardedBackend

    port = int(site.base.rsplit(":", 1)[1])
    settings.WATCH_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(Refused, match="127.0.0.1"):
        asyncio.run(GuardedBackend().connect_tcp("localhost", port))
    settings.WATCH_ALLOW_PRIVATE_ADDRESSES = True

    async def connect():
        stream = await GuardedBackend().connect_tcp("localhost", port)
        await stream.aclose()
        return True

    assert asyncio.run(connect())
