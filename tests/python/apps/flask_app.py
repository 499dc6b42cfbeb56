"""A Flask application guarded by specgate.flask.SpecGate, served by gunicorn in
test_gunicorn.py. Every path goes to one catch-all view, which answers with what the gate
decided and the body it could still read."""

from pathlib import Path

from flask import Flask, g, jsonify, request

from specgate.flask import SpecGate

CLINIC = Path(__file__).resolve().parents[2] / "data" / "specs" / "clinic.yaml"

app = Flask(__name__)
app.config.update(SPECGATE_SPEC=str(CLINIC), SPECGATE_MAX_BODY_BYTES=4096)
SpecGate(app)


@app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def echo(path):
    result = g.specgate
    return jsonify(operation_id=result.operation_id, parameters=result.parameters,
                   body=request.get_data(as_text=True))
