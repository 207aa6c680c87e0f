#!/usr/bin/env python3
"""Logins for scripts/load.sh, with the standard library only.

  load_login.py session URL USER PASSWORD [NEW_PASSWORD]
      logs in (changing a first-login password to NEW_PASSWORD) and prints the session
      cookie "qunlian_session=…" for the page loads.
  load_login.py load URL USER PASSWORD CONNECTIONS SECONDS [forwarded]
      CONNECTIONS clients, each for SECONDS: open the login page (for its CSRF token), post
      the form, and count the post as one login; prints logins/s, p50/p99 in ms, errors, and
      how many posts the per-address throttle answered 429 (counted apart: they are the
      throttle at work, not faults). With "forwarded", each client sends its own
      X-Forwarded-For (10.64.0.N), as users behind a reverse proxy that the server trusts
      (--trusted-proxy 127.0.0.1); without it all 64 come from 127.0.0.1, one address, which
      the throttle holds to 30 attempts at a time. A login cannot be replayed as a fixed
      request (every login starts a new session), so wrk cannot drive it.

Only 127.0.0.1 is ever addressed; every loop is bounded by SECONDS.
"""

import http.client
import re
import sys
import threading
import time
import urllib.parse

CSRF = re.compile(r'name="_csrf" value="([0-9a-f]+)"')


def connect(url):
    u = urllib.parse.urlsplit(url)
    if u.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("load_login.py only addresses this machine")
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def cookie_of(resp, cookie=None):
    """The cookies the client holds after `resp`: the session's and the login form's CSRF
    cookie (qunlian_login_csrf), each replaced by a newer value."""
    jar = dict(c.split("=", 1) for c in (cookie or "").split("; ") if "=" in c)
    for name, value in resp.getheaders():
        if name.lower() == "set-cookie" and value.startswith("qunlian_"):
            k, v = value.split(";", 1)[0].split("=", 1)
            jar[k] = v
    return "; ".join(f"{k}={v}" for k, v in jar.items()) or None


def get_form(conn, path, cookie, extra=None):
    headers = dict(extra or {})
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", "replace")
    cookie = cookie_of(resp, cookie)
    m = CSRF.search(body)
    return cookie, (m.group(1) if m else None)


def post_form(conn, path, cookie, fields, extra=None):
    body = urllib.parse.urlencode(fields)
    headers = dict(extra or {})
    headers.update({"Cookie": cookie or "", "Content-Type": "application/x-www-form-urlencoded"})
    conn.request("POST", path, body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    return resp.status, resp.getheader("Location"), cookie_of(resp, cookie)


def login(conn, user, password):
    cookie, csrf = get_form(conn, "/login", None)
    status, location, cookie = post_form(
        conn, "/login", cookie, {"_csrf": csrf or "", "username": user, "password": password}
    )
    return status, location, cookie


def session(url, user, password, new_password=None):
    conn = connect(url)
    status, location, cookie = login(conn, user, password)
    if status != 303 and status != 302:
        raise SystemExit(f"登录失败：HTTP {status}")
    if location and location.startswith("/password"):
        if not new_password:
            raise SystemExit("须修改初始密码：请给出新密码")
        cookie, csrf = get_form(conn, "/password", cookie)
        fields = {"_csrf": csrf or "", "current": password, "new": new_password, "confirm": new_password}
        status, location, cookie = post_form(conn, "/password", cookie, fields)
        if status not in (302, 303):
            raise SystemExit(f"修改初始密码失败：HTTP {status}")
    print(cookie)


def load(url, user, password, connections, seconds, forwarded=False):
    latencies, errors, throttled, lock = [], [0], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def client(n):
        conn = connect(url)
        extra = {"X-Forwarded-For": f"10.64.{n // 250}.{n % 250 + 1}"} if forwarded else None
        mine, bad, held = [], 0, 0
        while time.monotonic() < deadline:
            try:
                cookie, csrf = get_form(conn, "/login", None, extra)
                started = time.monotonic()
                status, _, _ = post_form(
                    conn, "/login", cookie, {"_csrf": csrf or "", "username": user, "password": password}, extra
                )
                if status in (302, 303):
                    mine.append(time.monotonic() - started)
                elif status == 429:
                    held += 1
                else:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = connect(url)
        with lock:
            latencies.extend(mine)
            errors[0] += bad
            throttled[0] += held

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000, 1) if latencies else None

    rate = len(latencies) / elapsed
    # The same columns as scripts/load.sh prints for wrk: logins/s, p50, p99 (ms), errors;
    # then the throttle's 429s.
    print(f"{rate:9.0f} {pct(0.50) or 0:9.1f} {pct(0.99) or 0:9.1f} {errors[0]:7d}  限流 429：{throttled[0]}")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "session" and len(sys.argv) in (5, 6):
        session(*sys.argv[2:])
    elif mode == "load" and len(sys.argv) in (7, 8):
        forwarded = len(sys.argv) == 8 and sys.argv[7] == "forwarded"
        load(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6]), forwarded)
    else:
        raise SystemExit(__doc__)
