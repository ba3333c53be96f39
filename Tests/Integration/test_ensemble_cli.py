"""Conducting several text models: the streaming command and the terminal conductor in tmux."""
import shutil
import subprocess
import time

import pytest

from conftest import BATON, assert_user_error, run


def test_ensemble_streams_reproducible_mixed_text(tiny_model, second_text_model):
    args = ["ensemble", tiny_model, second_text_model, "--weights", "0.6,0.4", "--length", "400", "--seed", "8"]
    a = run(*args, check=True).stdout
    assert a == run(*args, check=True).stdout
    assert len(a.encode()) >= 400
    assert "\x1b[" not in a, "no colour codes when stdout is not a terminal"
    product = run("ensemble", tiny_model, second_text_model, "--pooling", "product", "--lookahead", "3,4",
                  "--threshold", "0.2", "--length", "100", "--seed", "1", check=True)
    assert len(product.stdout) > 50
    folder = tiny_model.parent
    assert run("ensemble", folder, "--length", "50", check=True).returncode == 0


def test_ensemble_bad_inputs(tiny_model, second_text_model, control_model):
    assert_user_error(run("ensemble", tiny_model, second_text_model, "--weights", "1"), "--weights")
    assert_user_error(run("ensemble", tiny_model, second_text_model, "--weights", "1,-2"), "--weights")
    assert_user_error(run("ensemble", tiny_model, "--lookahead", "4"), "--lookahead")
    assert_user_error(run("ensemble", tiny_model, "--pooling", "median"), "--pooling")
    assert_user_error(run("ensemble", tiny_model, control_model), "control")
    assert_user_error(run("ensemble", tiny_model, "--interactive"), "terminal")


def capture(session):
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def wait_for(session, predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        screen = capture(session)
        if predicate(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"screen never matched:\n{capture(session)}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is installed by scripts/setup-system.sh test")
def test_terminal_conductor_in_tmux(tiny_model, second_text_model):
    session = f"baton-test-{int(time.time() * 1000)}"
    command = f"{BATON} ensemble {tiny_model} {second_text_model} --interactive --seed 2 --rate 200"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "32", command], check=True)
    try:
        screen = wait_for(session, lambda s: "terminal conductor" in s and "bytes" in s)
        assert "Shakespeare" in screen and "weight" in screen and "confidence" in screen
        assert screen.count("0.50") >= 2, screen
        subprocess.run(["tmux", "send-keys", "-t", session, "2"], check=True)
        screen = wait_for(session, lambda s: "1.00" in s and "(skipped)" in s)
        subprocess.run(["tmux", "send-keys", "-t", session, "p"], check=True)
        wait_for(session, lambda s: "pooling product" in s)
        subprocess.run(["tmux", "send-keys", "-t", session, "0"], check=True)
        subprocess.run(["tmux", "send-keys", "-t", session, "Down"], check=True)
        screen = wait_for(session, lambda s: "0.40" in s and "0.60" in s)
        subprocess.run(["tmux", "send-keys", "-t", session, "Space"], check=True)
        wait_for(session, lambda s: "PAUSED" in s)
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        deadline = time.time() + 5
        while time.time() < deadline and subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode == 0:
            time.sleep(0.2)
        assert subprocess.run(["tmux", "has-session", "-t", session], capture_output=True).returncode != 0, "q should quit"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
