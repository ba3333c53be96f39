"""Shared helpers for the integration tests: they drive the real release binary."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BATON = ROOT / ".build" / "release" / "baton"
SHARED = pathlib.Path(os.environ["BATON_SHARED"]) if "BATON_SHARED" in os.environ else ROOT.parent / "shared"


def shared(*parts):
    """A file of the shared datasets and fixtures (BATON_SHARED, or ../shared beside the checkout)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"the shared data is missing: {path} does not exist "
                    "(put the shared folder at ../shared beside the checkout, or set BATON_SHARED to it)", pytrace=False)
    return path


def run(*args, timeout=600, check=False, **kwargs):
    """Runs `baton ARGS`, returns the CompletedProcess (text mode)."""
    result = subprocess.run([str(BATON), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"baton {' '.join(map(str, args))} failed ({result.returncode}):\n{result.stderr}")
    return result


def assert_user_error(result, *needles):
    """A user error: non-zero exit, one `error:` line naming what is wrong, no crash."""
    assert result.returncode not in (0, None), result
    assert result.returncode < 128, f"killed by a signal: {result.returncode}\n{result.stderr}"
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert any(l.startswith("error:") or l.startswith("Error:") for l in lines), result.stderr
    assert "Fatal error" not in result.stderr and "Stack dump" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in result.stderr, f"{needle!r} not in {result.stderr!r}"


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """About 40 KB of real text (Les Fleurs du mal: accents exercise multi-byte UTF-8)."""
    source = shared("datasets", "text", "baudelaire.txt")
    path = tmp_path_factory.mktemp("corpus") / "baudelaire-head.txt"
    path.write_bytes(source.read_bytes()[:40_000])
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, corpus):
    """A small text model trained by the real CLI for two epochs."""
    out = tmp_path_factory.mktemp("model") / "tiny.safetensors"
    run("train", "text", corpus, "--size", "s", "--epochs", "2", "--batch", "16", "--window", "64",
        "--out", out, "--seed", "3", check=True)
    return out


def pytest_configure(config):
    if not BATON.exists():
        raise pytest.UsageError(f"{BATON} is missing: run ./scripts/build-release.sh (make test does)")
    os.environ.setdefault("BATON_TEST", "1")


@pytest.fixture(scope="session")
def second_text_model(tmp_path_factory):
    """Another small text model, on Shakespeare, to mix with the Baudelaire one."""
    folder = tmp_path_factory.mktemp("model2")
    corpus = folder / "shakespeare-head.txt"
    corpus.write_bytes(shared("datasets", "text", "shakespeare.txt").read_bytes()[:40_000])
    out = folder / "shakespeare.safetensors"
    run("train", "text", corpus, "--size", "s", "--epochs", "2", "--batch", "16", "--window", "64",
        "--out", out, "--seed", "4", "--name", "Shakespeare", "--colour", "#ff7a45", check=True)
    return out


@pytest.fixture(scope="session")
def control_model(tmp_path_factory):
    """A tiny control model trained on real IMPSY data."""
    out = tmp_path_factory.mktemp("control") / "control.safetensors"
    run("train", "control", shared("datasets", "control", "impsy-4d.npz"), "--size", "xs", "--epochs", "2",
        "--out", out, "--seed", "1", check=True)
    return out


@pytest.fixture(scope="session")
def stroke_model(tmp_path_factory):
    """A tiny stroke model trained on real kanji."""
    out = tmp_path_factory.mktemp("strokes") / "kanji.safetensors"
    run("train", "strokes", shared("datasets", "strokes", "kanji.npz"), "--size", "xs", "--mixtures", "5",
        "--epochs", "1", "--out", out, "--seed", "1", check=True)
    return out


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the Studio's tests (one for the whole session)."""
    pytest.importorskip("selenium.webdriver")
    from studio_support import make_browser
    driver = make_browser()
    if driver is None:
        pytest.skip("chromium and chromedriver are needed (Debian: apt install chromium chromium-driver)")
    try:
        yield driver
    finally:
        driver.quit()
