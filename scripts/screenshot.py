"""Take screenshots of portal pages in Debian Chromium (for docs and for looking at the UI).

Usage: python scripts/screenshot.py BASE_URL OUT_DIR name=/path [name=/path ...]
       [--login user:password] [--widths 1280,360]
Each page is saved as OUT_DIR/<name>-<width>.png (full page).
"""

import argparse
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("out")
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--login", default="")
    ap.add_argument("--widths", default="1280,360")
    args = ap.parse_args()
    widths = [int(w) for w in args.widths.split(",")]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for width in widths:
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors = []
            page.on("console", lambda m, errs=errors: m.type == "error" and errs.append(m.text))
            if args.login:
                user, pw = args.login.split(":", 1)
                page.goto(args.base + "/masuk/")
                page.fill("#id_username", user)
                page.fill("#id_password", pw)
                page.click("button[type=submit]:has-text('Masuk')")
            for spec in args.pages:
                name, path = spec.split("=", 1)
                page.goto(args.base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=f"{args.out}/{name}-{width}.png", full_page=True)
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth > document.documentElement.clientWidth"
                )
                print(f"{name}-{width}: errors={errors} horizontal_overflow={overflow}")
                errors.clear()
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
