"""Sessions that end: logout, a new password and `people remove` end every session of that person,
including a cookie copied before (the cookie is signed, not stored: the staff row's session version
decides)."""

from __future__ import annotations

from tests.console.conftest import ADMIN, PASSWORD, RINA, Console


def copy_of(app, original: Console) -> Console:
    """Another browser holding the same cookie (copied off the first before anything happened)."""
    clone = Console(app.test_client())
    cookie = original.client.get_cookie("km_console", path="/console")
    clone.client.set_cookie("km_console", cookie.value, path="/console")
    return clone


def test_a_cookie_copied_before_logout_opens_nothing_after(app, world, as_role):
    rina = as_role(RINA)
    copied = copy_of(app, rina)
    assert copied.get("/console/").status_code == 200
    assert rina.post("/console/logout").status_code == 302
    assert copied.get("/console/").status_code == 302
    assert copied.get("/console/tiket").headers["Location"].startswith("/console/login")
    # Logging in again works, and other staff were not logged out.
    admin = as_role(ADMIN)
    assert as_role(RINA).get("/console/").status_code == 200
    assert admin.get("/console/").status_code == 200


def test_logout_ends_every_session_of_that_person(app, world, as_role):
    laptop, phone = as_role(RINA), as_role(RINA)
    laptop.post("/console/logout")
    assert phone.get("/console/").status_code == 302


def test_a_new_password_ends_the_old_sessions(app, world, as_role, cli):
    rina = as_role(RINA)
    copied = copy_of(app, rina)
    out = cli("people", "set-password", "--phone", RINA, input="kata-sandi-baru-2027\n")
    assert out.exit_code == 0
    assert rina.get("/console/").status_code == 302 and copied.get("/console/").status_code == 302
    fresh = Console(app.test_client())
    assert fresh.login(RINA, PASSWORD).status_code == 401
    assert fresh.login(RINA, "kata-sandi-baru-2027").status_code == 302


def test_people_remove_ends_the_sessions(app, world, as_role, cli):
    rina = as_role(RINA)
    assert cli("people", "remove", "--phone", RINA).exit_code == 0
    assert rina.get("/console/").status_code == 302
    # Even if the person is added back, the old cookie stays dead.
    cli("people", "add-petugas", "--phone", RINA, "--name", "Bu Rina", "--opd", "dispendukcapil")
    assert rina.get("/console/").status_code == 302
