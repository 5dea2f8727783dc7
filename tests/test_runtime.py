"""config.runtime: the cyclic garbage collector paused for a burst of work (a sweep, a policy's extraction) and
its setting put back, whatever the work does."""

import gc

import pytest

from config.runtime import without_cyclic_collection
from policies.importer import extract as extract_module


def test_the_collector_is_paused_inside_and_enabled_again_after():
    assert gc.isenabled()
    with without_cyclic_collection():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_enabled_again_when_the_work_fails():
    with pytest.raises(ValueError), without_cyclic_collection():
        raise ValueError("the work failed")
    assert gc.isenabled()


def test_a_caller_that_paused_the_collector_itself_keeps_it_paused():
    gc.disable()
    try:
        with without_cyclic_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_policy_is_extracted_with_the_collector_paused(monkeypatch):
    seen = []
    real = extract_module.find_app_name

    def noting(text):
        seen.append(gc.isenabled())
        return real(text)

    monkeypatch.setattr(extract_module, "find_app_name", noting)
    extraction = extract_module.extract("示例隐私政策\n我们将在15个工作日内回复您的请求。")
    assert seen == [False] and gc.isenabled()
    assert extraction.procedures  # the extraction itself is unchanged
