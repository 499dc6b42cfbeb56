"""specgate_gateway: the hospital API's gateway, built on specgate.

Modules, in the order a request meets them:

- transport: HTTPS only (redirects, HSTS, X-Forwarded-Proto), hop-by-hop headers
- app: the Flask app (specgate.flask.SpecGate + the proxy view), logs and metrics per request
- forwarder, breaker: the upstream call with timeouts, retries and a circuit breaker
- spec_holder: the compiled spec, reloaded on SIGHUP or when the file changes
- access_log, metrics, problems, settings: what the gateway writes and reads

and around it: upstream (a stand-in hospital API that fails on demand), redirect (the plain
HTTP listener), tls (demo certificates), processes (start and stop all of them), demo,
report, loadtest.
"""

__version__ = "0.1.0"
