"""The case file ZIP carries each event's hash and the chain head (CHAIN.json): the README's recipe checks it
with hashlib and json alone, without RightsDesk."""

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from complaints.casefile import case_file_zip
from rights.models import TransitionLog

pytestmark = pytest.mark.django_db


def readme_recipe() -> str:
    """The Python recipe of README "Evidence and integrity", run as a reader would run it."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Evidence and integrity") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_recipe_checks_a_case_file_and_catches_a_forged_event(case, tmp_path, monkeypatch):
    request, complaint = case
    archive = zipfile.ZipFile(io.BytesIO(case_file_zip(request=request)))
    chain = json.loads(archive.read("CHAIN.json"))
    heads = {c["case"]: c["head"] for c in chain["cases"]}
    assert heads == {
        f"request {request.pk}": TransitionLog.objects.filter(request=request).latest("id").hash,
        f"complaint {complaint.pk}": complaint.log.latest("id").hash,
    }
    manifest = archive.read("MANIFEST-SHA256.txt").decode()
    assert f"{hashlib.sha256(archive.read('CHAIN.json')).hexdigest()}  CHAIN.json" in manifest
    archive.extractall(tmp_path)
    monkeypatch.chdir(tmp_path)
    exec(readme_recipe(), {})  # prints "chain intact"

    chain["cases"][0]["events"][1]["content"]["note"] = "forged"
    (tmp_path / "CHAIN.json").write_text(json.dumps(chain, ensure_ascii=False))
    with pytest.raises(AssertionError):
        exec(readme_recipe(), {})
