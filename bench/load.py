"""Load benchmark (issue 12): respondents arriving together while executives look at the dashboard.

Starts one dashboard (``streamlit run app.py``) on a fresh SQLite database with the demo, opens a
Gartner wave, then, in the same run:
  baseline: ONE respondent alone answers and submits (time from "Submit" to the thank-you)
  load:     N respondents (default 50) answer at once through real browser sessions (Playwright
            contexts in Debian's chromium) while M sessions (default 10) open dashboard pages
and prints the p95 submit-to-thank-you time against the baseline (goal: under 2x), the p95
dashboard page time, errors (goal: none), answers lost (goal: none: every submitted answer is in
the closed assessment) and the server's memory before and after. Localhost only; the server is
stopped at the end.

Usage: python bench/load.py [--respondents N] [--viewers M]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
PORT = 8631
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGES = ["/", "/competencies", "/progress", "/benchmarks"]
# what a person waits before giving up: a slow answer is measured, only a hung one is an error
ACTION_TIMEOUT_MS = 300_000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)] if ordered else float("nan")


def rss_mb(pid: int) -> float:
    """Resident memory of the server process and its children, in MB (from /proc)."""
    total = 0
    for candidate in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of one process, or of the whole machine with pid None, in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    if pid is None:  # /proc/stat: cpu user nice system idle iowait irq softirq steal ...
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        return (sum(int(f) for f in fields[:8]) - int(fields[3]) - int(fields[4])) / tick
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick  # utime, stime


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


async def respond(browser, address: str, department: str, value_index: int, results: dict) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = await context.new_page()
    try:
        await page.goto(address, timeout=ACTION_TIMEOUT_MS)
        await page.wait_for_selector(DONE, timeout=ACTION_TIMEOUT_MS)
        main = page.locator('[data-testid="stMain"]')
        await main.get_by_role("combobox", name="Your department").click()
        await page.get_by_role("option", name=department).click()
        await page.wait_for_selector(DONE, timeout=ACTION_TIMEOUT_MS)
        part = 1
        while True:
            await main.get_by_role("button", name="Next").click()
            part += 1
            await page.get_by_text(f"Part {part} of", exact=False).first.wait_for(timeout=ACTION_TIMEOUT_MS)
            await page.wait_for_selector(DONE, timeout=ACTION_TIMEOUT_MS)
            await main.get_by_role("radiogroup").first.get_by_role("radio").nth(value_index).check(force=True)
            await page.get_by_text(f"· {part - 1} of", exact=False).first.wait_for(timeout=ACTION_TIMEOUT_MS)
            await page.wait_for_selector(DONE, timeout=ACTION_TIMEOUT_MS)
            if await main.get_by_role("button", name="Next").count() == 0:
                break
        start = time.perf_counter()
        await main.get_by_role("button", name="Submit my answers").click()
        await page.get_by_text("Thank you: your answers are in.").wait_for(timeout=ACTION_TIMEOUT_MS)
        results["submit"].append(time.perf_counter() - start)
    except Exception as exc:  # counted, not raised: the benchmark reports errors
        results["errors"].append(f"respondent: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()


async def view(browser, base: str, rounds: int, results: dict) -> None:
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = await context.new_page()
    try:
        for i in range(rounds):
            start = time.perf_counter()
            await page.goto(base + PAGES[i % len(PAGES)], timeout=ACTION_TIMEOUT_MS)
            await page.get_by_role("heading", level=1).first.wait_for(timeout=ACTION_TIMEOUT_MS)
            await page.wait_for_selector(DONE, timeout=ACTION_TIMEOUT_MS)
            results["pages"].append(time.perf_counter() - start)
    except Exception as exc:
        results["errors"].append(f"viewer: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()


async def run(base: str, link: str, respondents: int, viewers: int) -> tuple[dict, dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        alone = {"submit": [], "pages": [], "errors": []}
        await view(browser, base, 1, alone)  # warm the server (the demo's first views)
        alone["pages"].clear()
        await respond(browser, base + link, "Sales", 2, alone)
        await view(browser, base, len(PAGES), alone)
        loaded = {"submit": [], "pages": [], "errors": []}
        departments = ["Sales", "IT", "Customer Service"]
        tasks = [respond(browser, base + link, departments[i % 3], 1 + i % 4, loaded) for i in range(respondents)]
        tasks += [view(browser, base, len(PAGES), loaded) for _ in range(viewers)]
        await asyncio.gather(*tasks)
        await browser.close()
    return alone, loaded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--viewers", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'load.db'}"
        os.environ["CXMATURITY_DATABASE_URL"] = url
        from cxmaturity import services
        from cxmaturity.store import engine as db

        services.prepare()
        org = "Demo Company (sample data)"
        wave, _ = services.open_wave(org, "gartner", "Load test", departments=["Sales", "IT", "Customer Service"])
        db.dispose_engines()
        env = dict(os.environ, CXMATURITY_DATABASE_URL=url)
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(PORT),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{PORT}"
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(base + "/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            memory_before = rss_mb(server.pid)
            started = time.perf_counter()
            machine_cpu, server_cpu = cpu_seconds(), cpu_seconds(server.pid)
            alone, loaded = asyncio.run(run(base, wave.link(), args.respondents, args.viewers))
            elapsed = time.perf_counter() - started
            machine_cpu, server_cpu = cpu_seconds() - machine_cpu, cpu_seconds(server.pid) - server_cpu
            memory_after = rss_mb(server.pid)
            submitted = len(alone["submit"]) + len(loaded["submit"])
            closed = services.close_wave(wave.id)
        finally:
            server.terminate()
            server.wait(timeout=30)

    single = alone["submit"][0] if alone["submit"] else float("nan")
    print(f"{args.respondents} respondents and {args.viewers} dashboard sessions at once ({elapsed:.0f} s in all)")
    print(f"  submit -> thank-you: alone {single:.2f} s; under load p95 {p95(loaded['submit']):.2f} s "
          f"(median {statistics.median(loaded['submit']) if loaded['submit'] else float('nan'):.2f} s) "
          f"= x{p95(loaded['submit']) / single:.1f} the single-session time (goal < 2)")
    print(f"  dashboard page: alone p95 {p95(alone['pages']):.2f} s; under load p95 {p95(loaded['pages']):.2f} s")
    print(f"  errors: {len(alone['errors']) + len(loaded['errors'])} (goal: none)")
    for error in (alone["errors"] + loaded["errors"])[:5]:
        print(f"    {error}")
    print(f"  answers lost: {submitted - closed.respondents} of {submitted} submitted (goal: none)")
    print(f"  server memory: {memory_before:.0f} MB before, {memory_after:.0f} MB after")
    # who had the cores: on a small machine the browser pages compete with the server they measure
    cores = os.cpu_count() or 1
    print(f"  CPU during the run: server {server_cpu:.0f} s, browsers and the rest {machine_cpu - server_cpu:.0f} s, "
          f"of {elapsed * cores:.0f} s that {cores} cores had ({machine_cpu / (elapsed * cores):.0%} busy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
