"""gunicorn settings for the hospital gateway.

    GATEWAY_UPSTREAM=http://10.0.0.7:8080 gunicorn -c gateway/gunicorn.conf.py

Process-level variables (the app's own are in specgate_gateway/settings.py):

======================  ==========================  ==============================================
variable                default                     meaning
======================  ==========================  ==============================================
GATEWAY_BIND            0.0.0.0:8443                the public (TLS) address; port 0: any free one
GATEWAY_WORKERS         max(2, CPU count)           worker processes
GATEWAY_THREADS         8                           threads per worker (requests in flight each)
GATEWAY_TLS             on                          off: plain HTTP, for a load balancer that
                                                    terminates TLS (set GATEWAY_TRUSTED_PROXIES)
GATEWAY_CERTFILE        (generated)                 PEM certificate chain; when unset (and TLS is
GATEWAY_KEYFILE         (generated)                 on) a throwaway CA and certificate for
                                                    localhost are generated, with a warning
GATEWAY_RUNTIME_DIR     a new temporary directory   metrics files, last good spec, generated TLS
PROMETHEUS_MULTIPROC_DIR $GATEWAY_RUNTIME_DIR/metrics emptied when the master starts
GATEWAY_KEEPALIVE       75                          seconds an idle client connection is kept;
                                                    longer than the load balancer's idle timeout
                                                    (ALB: 60 s) so the LB never reuses a
                                                    connection the gateway is closing
======================  ==========================  ==============================================

Signals (to the master):

- HUP: graceful reload. New workers start (reading the spec, the settings and this file
  again), then the old ones stop accepting, finish the requests in flight and exit: no request
  is dropped. A spec that no longer compiles does not stop new workers: they boot on the last
  good copy kept in $GATEWAY_RUNTIME_DIR/state and log an error.
- TERM: graceful stop (up to graceful_timeout); INT/QUIT: immediate stop.
- TTIN/TTOU: one worker more/less.

HUP to a worker (not the master) reloads that worker's spec in place; a changed spec file is
also picked up by every worker within GATEWAY_SPEC_POLL_SECONDS without any signal.

Do not set preload_app: the app must be created in each worker (it opens sockets, files and a
watcher thread). Worker class gthread: requests spend most of their time waiting for the
hospital's API, and threads wait cheaply.
"""

import multiprocessing
import os
import shutil
import sys
import tempfile

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

pythonpath = _HERE
wsgi_app = "specgate_gateway.app:create_app()"

bind = [os.environ.get("GATEWAY_BIND", "0.0.0.0:8443")]
workers = int(os.environ.get("GATEWAY_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = "gthread"
threads = int(os.environ.get("GATEWAY_THREADS", "8"))
# A worker that does not report for `timeout` s is killed; the gateway's own per-request
# deadline (GATEWAY_DEADLINE, 10 s) is well below, so a hung upstream never gets that far.
timeout = 30
graceful_timeout = 30
keepalive = int(os.environ.get("GATEWAY_KEEPALIVE", "75"))
proc_name = "hospital-gateway"

# The app decides which scheme the client used (specgate_gateway/transport.py, from
# GATEWAY_TRUSTED_PROXIES): gunicorn must not rewrite wsgi.url_scheme from headers itself.
secure_scheme_headers = {}
forwarded_allow_ips = ""

# The app writes its own JSON access log; gunicorn's goes nowhere.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GATEWAY_GUNICORN_LOGLEVEL", "info")

_runtime = os.environ.get("GATEWAY_RUNTIME_DIR")
if not _runtime:
    _runtime = tempfile.mkdtemp(prefix="specgate-gateway-")
    os.environ["GATEWAY_RUNTIME_DIR"] = _runtime  # a HUP re-reads this file: same directory
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(_runtime, "metrics"))
os.environ.setdefault("GATEWAY_STATE_DIR", os.path.join(_runtime, "state"))
# gunicornc's socket: one per gateway, not the per-user default several gateways would share.
control_socket = os.path.join(_runtime, "gunicorn.ctl")

if os.environ.get("GATEWAY_TLS", "on").lower() not in ("off", "0", "false", "no"):
    if not os.environ.get("GATEWAY_CERTFILE"):
        from specgate_gateway import tls as _tls

        _files = _tls.generate(os.path.join(_runtime, "tls"))
        os.environ["GATEWAY_CERTFILE"] = str(_files.cert)
        os.environ["GATEWAY_KEYFILE"] = str(_files.key)
        print(f"gateway: no GATEWAY_CERTFILE; serving a generated certificate for localhost "
              f"(CA: {_files.ca})", file=sys.stderr)
    certfile = os.environ["GATEWAY_CERTFILE"]
    keyfile = os.environ.get("GATEWAY_KEYFILE") or None


def on_starting(server):
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    # Samples of a previous run would be added to this one's.
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def post_worker_init(worker):
    from specgate_gateway.app import install_reload_signal

    install_reload_signal(worker.wsgi)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
