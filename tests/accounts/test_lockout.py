"""Sign-in throttling and lockout (django-axes, accounts/lockout.py), by username and by network address, and
Django's full set of password rules.

The probe: 30 wrong passwords in 7.6 s were all answered normally and the right one then logged in at once;
30 different usernames were not throttled either; "password" and "12345678" were accepted as passwords.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.lockout import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "pw-for-tests"
LIMIT = 10  # AXES_FAILURE_LIMIT in config/settings/base.py: one username at one address
USERNAME_LIMIT = 30  # RIGHTSDESK_USERNAME_FAILURE_LIMIT: one username from any address
ADDRESS_LIMIT = 100  # RIGHTSDESK_ADDRESS_FAILURE_LIMIT: one address for any username


@pytest.fixture
def wang(db):
    return UserFactory(username="wang", is_superuser=True)


def sign_in(client, username, password, address="203.0.113.7", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address, **headers
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, wang, english):
    answers = [sign_in(client, "wang", f"guess-{n}").status_code for n in range(30)]
    assert answers[: LIMIT - 1] == [200] * (LIMIT - 1)  # the login page with "enter a correct username and password"
    assert set(answers[LIMIT - 1 :]) == {429}  # from the limit on: locked

    response = sign_in(client, "wang", PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    page = response.content.decode()
    assert "This account is locked after 10 failed sign-ins" in page
    assert "Try again after" in page and "(Asia/Shanghai), in about 15 minutes" in page
    assert 'id="login-form"' in page  # still the login page, not a bare error
    assert 0 < int(response["Retry-After"]) <= 15 * 60


def test_the_username_stays_locked_whatever_address_the_guesses_come_from(client, wang, english):
    answers = [
        sign_in(client, "wang", f"guess-{n}", address=f"198.51.100.{n + 1}").status_code for n in range(USERNAME_LIMIT)
    ]
    assert set(answers[: USERNAME_LIMIT - 1]) == {200} and answers[-1] == 429  # no pair reached 10: the username did
    response = sign_in(client, "wang", PASSWORD, address="192.0.2.200")  # a fresh address, the right password
    assert response.status_code == 429 and not signed_in(client)
    assert "This account is locked" in response.content.decode()


def test_one_persons_typos_lock_that_person_at_that_address_not_the_office(client, wang, english):
    for n in range(LIMIT):
        sign_in(client, "li", f"typo-{n}")  # a colleague behind the same office address
    assert sign_in(client, "li", "typo").status_code == 429
    assert sign_in(client, "wang", PASSWORD).status_code == 302 and signed_in(client)


def test_a_hundred_usernames_from_one_address_lock_the_address_but_not_the_others(client, wang, english):
    answers = [sign_in(client, f"user{n}", "password").status_code for n in range(ADDRESS_LIMIT)]
    assert set(answers[: ADDRESS_LIMIT - 1]) == {200} and answers[-1] == 429

    response = sign_in(client, "wang", PASSWORD)  # a real user, from the locked address
    assert response.status_code == 429 and not signed_in(client)
    assert "Sign-ins from your network address are locked after 100 failed attempts" in response.content.decode()

    response = sign_in(client, "wang", PASSWORD, address="192.0.2.55")  # the same person elsewhere: not locked
    assert response.status_code == 302 and signed_in(client)


def test_a_lock_ends_by_itself_one_cool_off_after_the_last_failure(client, wang):
    for n in range(LIMIT):
        sign_in(client, "wang", f"guess-{n}")
    assert sign_in(client, "wang", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert sign_in(client, "wang", PASSWORD).status_code == 302 and signed_in(client)


def test_failures_while_locked_do_not_push_the_end_of_the_lock_further(client, wang):
    for n in range(LIMIT):
        sign_in(client, "wang", f"guess-{n}")
    first_until = AccessAttempt.objects.get().attempt_time
    for n in range(5):
        sign_in(client, "wang", f"more-{n}")
    assert AccessAttempt.objects.get().attempt_time == first_until


def test_an_administrator_unlocks_from_the_command_line(client, wang, capsys):
    for n in range(LIMIT):
        sign_in(client, "wang", f"guess-{n}")
    call_command("axes_reset_username", "wang")
    assert sign_in(client, "wang", PASSWORD).status_code == 302 and signed_in(client)


def test_the_admin_lists_who_is_locked_and_unlocks_them(client, wang, english):
    root = UserFactory(username="root", is_superuser=True)
    for n in range(LIMIT):
        sign_in(client, "wang", f"guess-{n}")
    for n in range(3):
        sign_in(client, "li", f"guess-{n}", address="192.0.2.9")  # three failures: not locked
    client.force_login(root)
    url = reverse("admin:axes_accessattempt_changelist")

    locked = client.get(url, {"locked": "yes"})
    assert locked.status_code == 200
    rows = list(locked.context["cl"].result_list)
    assert [row.username for row in rows] == ["wang"]
    assert "Locked until" in locked.content.decode() and "rd-warning" in locked.content.decode()

    response = client.post(url, {"action": "unlock", "_selected_action": [rows[0].pk]}, follow=True)
    assert "Unlocked" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="wang").exists()
    client.logout()
    assert sign_in(client, "wang", PASSWORD).status_code == 302


def test_the_lockout_pages_of_the_admin_read_in_chinese(client, wang):
    sign_in(client, "wang", "guess")
    client.force_login(UserFactory(username="root", is_superuser=True))
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "登录尝试" in page  # "access attempts", from accounts/locale (axes ships no Chinese)
    assert "尝试时间" in page and "失败次数" in page  # its columns


def _translated(text: str) -> bool:
    with translation.override("zh-hans"):
        return translation.gettext(text) != text


ZH_NEEDS = "This account is locked after %(limit)d failed sign-ins. Try again after %(until)s (Asia/Shanghai), in about %(minutes)d minute, or ask an administrator to unlock it."


@pytest.mark.skipif(not _translated(ZH_NEEDS), reason="locale/pending/security.po is not merged into the catalog yet")
def test_the_lockout_is_said_in_chinese_by_default(client, wang):
    for n in range(LIMIT):
        sign_in(client, "wang", f"guess-{n}")
    page = sign_in(client, "wang", PASSWORD).content.decode()
    assert "锁定" in page and "分钟" in page


# --------------------------------------------------------------------------------------------- addresses


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(rf, settings):
    settings.RIGHTSDESK_TRUSTED_PROXIES = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "198.51.100.4"  # 6.6.6.6 was written by the client: not trusted
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    settings.RIGHTSDESK_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"  # without proxies the header is the client's own words


# ------------------------------------------------------------------------------------------ password rules


@pytest.mark.parametrize("password", ["password", "12345678", "qwertyuiop", "short1", "wang.fang.2026"])
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="wang.fang", first_name="Fang", email="wang.fang@example.com")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_sound_passphrase_is_accepted():
    validate_password("月光-tram-九十九-lantern", UserFactory.build(username="wang"))


def test_the_admin_refuses_a_common_password_when_setting_one(client, wang, english):
    client.force_login(wang)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[wang.pk]),
        {"password1": "password", "password2": "password", "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()


def test_the_demo_login_of_bin_up_passes_the_rules(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo_setup", stdout=__import__("io").StringIO())
    password = (tmp_path / "demo-login.txt").read_text().strip()
    from django.contrib.auth import get_user_model

    demo = get_user_model().objects.get(username="demo")
    validate_password(password, demo)
    assert demo.check_password(password)
