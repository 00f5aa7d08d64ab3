def test_healthz_answers_with_database(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json()["database"] == "ok"


def test_healthz_reports_a_dead_database():
    from bot import create_app

    app = create_app({"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert "Traceback" not in resp.get_data(as_text=True)


def test_create_app_connects_to_nothing(tmp_path):
    from bot import create_app

    db = tmp_path / "never.db"
    create_app({"database_url": f"sqlite:///{db}"})
    assert not db.exists()
