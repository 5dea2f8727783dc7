"""`manage.py import_policy FILE [--app NAME] [--dry-run] [--json]`: in-process through call_command, and as a
user runs it (a subprocess) for the exit status and the one line on stderr."""

import json
import os
import resource
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from policies.models import PolicyVersion, ReviewStatus
from policies.seed import POLICY_TEXTS_DIR

EPIAO = POLICY_TEXTS_DIR / "epiao-movie.txt"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_policy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_dry_run_json_prints_the_extraction_and_stores_nothing():
    before = PolicyVersion.objects.count()
    out, _ = run(str(EPIAO), "--dry-run", "--json")
    data = json.loads(out)
    assert (data["app"], data["published_on"], data["effective_on"]) == ("E票电影", "2021-10-20", "2021-11-01")
    assert data["contacts"]["phones"] == ["400-113-9001"]
    cancellation = next(p for p in data["procedures"] if p["right"] == "account_cancellation")
    assert cancellation["deadline"] == {"min": 7, "max": 15, "unit": "working_day"}
    assert cancellation["clock_start"] == "account_cancelled"
    assert cancellation["paths"] == ["我的-设置-账户安全-注销账户"]
    assert PolicyVersion.objects.count() == before


@pytest.mark.django_db
def test_the_app_option_names_the_app(tmp_path):
    policy = tmp_path / "p.txt"
    policy.write_text("我们将在15天内回复您的请求。", encoding="utf-8")
    out, _ = run(str(policy), "--dry-run", "--json", "--app", "某应用")
    assert json.loads(out)["app"] == "某应用"


@pytest.mark.django_db
def test_without_dry_run_a_draft_version_is_stored(tmp_path):
    policy = tmp_path / "new.txt"
    policy.write_text(EPIAO.read_text(encoding="utf-8") + "\n（2026年修订）", encoding="utf-8")
    out, _ = run(str(policy))
    version = PolicyVersion.objects.get(source_name="new.txt")
    assert version.status == ReviewStatus.DRAFT and version.app.name == "E票电影"
    assert f"#{version.pk}" in out and "awaiting review" in out


@pytest.mark.django_db
def test_json_output_stays_pure_json_when_storing(tmp_path):
    policy = tmp_path / "new.txt"
    policy.write_text("示例应用隐私政策\n我们将在15天内回复您的请求。", encoding="utf-8")
    out, err = run(str(policy), "--json")
    assert json.loads(out)["app"] == "示例应用" and "Stored draft version" in err


@pytest.mark.django_db
def test_a_gb18030_file_is_imported(tmp_path):
    policy = tmp_path / "gb.txt"
    policy.write_bytes("示例应用隐私政策\n我们将在十五个工作日内答复您的请求。".encode("gb18030"))
    out, _ = run(str(policy), "--dry-run", "--json")
    assert json.loads(out)["procedures"][0]["deadline"] == {"min": 15, "max": 15, "unit": "working_day"}


@pytest.mark.django_db
def test_a_text_with_no_deadlines_is_a_valid_result_with_no_procedures(tmp_path):
    policy = tmp_path / "p.txt"
    policy.write_text("示例应用隐私政策\n我们非常重视您的隐私。", encoding="utf-8")
    out, _ = run(str(policy), "--dry-run", "--json")
    assert json.loads(out)["procedures"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "binary"),
        ("政策".encode() + b"\xff\xff", "GB18030"),
    ],
)
def test_bad_input_is_a_command_error_with_status_2_and_changes_nothing(tmp_path, content, message):
    policy = tmp_path / "bad.txt"
    policy.write_bytes(content)
    before = PolicyVersion.objects.count()
    with pytest.raises(CommandError, match=message) as e:
        run(str(policy))
    assert e.value.returncode == 2
    assert PolicyVersion.objects.count() == before


@pytest.mark.django_db
def test_importing_the_same_text_twice_is_refused(catalog):
    with pytest.raises(CommandError, match="already imported") as e:
        run(str(EPIAO))
    assert e.value.returncode == 2


@pytest.mark.django_db
def test_a_missing_file_is_refused():
    with pytest.raises(CommandError, match="no such file"):
        run("/nonexistent/policy.txt")


def test_a_ten_megabyte_file_exits_2_with_one_line_and_no_traceback(manage, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (10 * 1024 * 1024))
    result = manage("import_policy", str(big))
    assert result.returncode == 2
    assert "big.txt" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_binary_file_exits_2_with_one_line(manage, tmp_path):
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    result = manage("import_policy", str(binary), "--dry-run")
    # The message names the file (in whichever language the site speaks).
    assert result.returncode == 2 and "image.png" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_dry_run_json_runs_as_a_user_runs_it(manage):
    result = manage("import_policy", str(POLICY_TEXTS_DIR / "migu-bookstore.txt"), "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["app"] == "咪咕云书店"


@pytest.mark.django_db
def test_storing_a_policy_that_names_no_app_asks_for_app(tmp_path):
    policy = tmp_path / "p.txt"
    policy.write_text("我们将在15天内回复您的请求。", encoding="utf-8")
    with pytest.raises(CommandError, match="--app") as e:
        run(str(policy))
    assert e.value.returncode == 2


# --- Issue 11: sizes are checked while reading; NUL and control characters never reach the database --------

ROOT = Path(__file__).resolve().parents[3]


def _at_most_2_gb():
    # The code before this fix read /dev/zero until memory ran out: fail with MemoryError instead of
    # taking the machine with it.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def import_policy_process(*args, stdin=subprocess.DEVNULL):
    """`manage.py import_policy ...` as a user runs it, with a timeout (a hang fails the test, not the suite)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", "import_policy", *args],
        cwd=ROOT,
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_at_most_2_gb,
    )


def test_dev_zero_is_refused_once_it_passes_the_size_limit():
    # /dev/zero reports a size of 0 and never ends: the size is counted while reading, not asked of the system.
    result = import_policy_process("/dev/zero", "--dry-run")
    assert result.returncode == 2, result.stderr[-500:]
    # One line, in the site's language (Chinese by default): it names the file and the limit.
    assert len(result.stderr.strip().splitlines()) == 1 and "/dev/zero" in result.stderr and "5 MB" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_endless_standard_input_is_refused_once_it_passes_the_size_limit():
    with open("/dev/zero", "rb") as zero:
        result = import_policy_process("-", "--dry-run", stdin=zero)
    assert result.returncode == 2 and "<stdin>" in result.stderr and "5 MB" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_nul_after_the_first_64_kb_is_a_one_line_error_and_stores_nothing(tmp_path, encoding):
    # Found: such a file reached PostgreSQL and failed there with a traceback.
    policy = tmp_path / "nul.txt"
    policy.write_bytes(("示例应用隐私政策\n" + "我们将在15个工作日内答复您的请求。\n" * 4000 + "\x00").encode(encoding))
    before = PolicyVersion.objects.count()
    with pytest.raises(CommandError, match=r"contains a NUL character \(line 4002\)") as e:
        run(str(policy))
    assert e.value.returncode == 2 and PolicyVersion.objects.count() == before


@pytest.mark.django_db
def test_stray_control_characters_are_not_stored(tmp_path):
    policy = tmp_path / "ctl.txt"
    policy.write_bytes("示例应用隐私政策\n我们将在15天\x1b内回复\x07您的请求。".encode("utf-16"))
    run(str(policy))
    assert (
        PolicyVersion.objects.get(source_name="ctl.txt").source_text == "示例应用隐私政策\n我们将在15天内回复您的请求。"
    )
