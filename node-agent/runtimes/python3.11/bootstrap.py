"""Stratus runtime for Python functions: the Lambda handler model over the Lambda Runtime API.

Started by /var/runtime/bootstrap before any function is known. It loads the interpreter and the usual
modules, then long-polls the agent's /specialize extension (the container is "pre-warmed" while it
waits); the answer names the function, whose module is then imported once. From there it is Lambda's
loop: GET /next, call handler(event, context), POST the result. See docs/runtime-protocol.md.

Standard library only; one persistent keep-alive HTTP connection to the agent.
"""
import sys
import os
import io
import time
import json
import socket
import importlib
import traceback
import decimal
import math
import logging

# Modules most functions import: loaded while the container waits, so specialization does not pay.
import base64, collections, datetime, hashlib, re, typing, uuid  # noqa: E401,F401
import urllib.parse, urllib.request  # noqa: E401,F401

API = os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
# The container's own Unix socket to the agent, when it has one: half the CPU per round trip of TCP
# through the bridge (docs/runtime-protocol.md). TCP when it cannot be reached (gVisor without host-uds).
SOCKET_PATH = os.environ.get("STRATUS_RUNTIME_API_SOCKET")
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
BOOTSTRAP_FILE = os.path.abspath(__file__)
SENTINEL = "\x1eSTRATUS_END %s\x1e\n"

_host, _, _port = API.rpartition(":")


class _RuntimeConnection(object):
    """The Runtime API on one keep-alive connection: a minimal HTTP/1.1 client, because the agent
    always answers with Content-Length and http.client costs five times the CPU per invocation
    (112 against 23 µs for /next plus the response post, measured on loopback), which a 128 MB
    function, with 7% of a core, pays on every call. (AWS's own Python runtime interface client
    also makes these calls in native code.)"""

    def __init__(self, host, port, socket_path=None):
        self.address = (host, port)
        self.socket_path = socket_path
        self.sock = None
        self.rfile = None

    def _connect(self):
        if self.socket_path:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.socket_path)
                return s
            except OSError:
                s.close()
                self.socket_path = None
        s = socket.create_connection(self.address)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def close(self):
        if self.sock is not None:
            try:
                self.rfile.close()
                self.sock.close()
            except OSError:
                pass
        self.sock = self.rfile = None

    def request(self, method, path, body=None, headers=None):
        """(status, headers with lower-case names, body). Raises OSError when the connection broke."""
        if self.sock is None:
            self.sock = self._connect()
            self.rfile = self.sock.makefile("rb")
        head = "%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, path, API)
        if headers:
            head += "".join("%s: %s\r\n" % kv for kv in headers.items())
        if body is not None:
            head += "Content-Length: %d\r\n" % len(body)
        data = (head + "\r\n").encode("latin-1")
        self.sock.sendall(data + body if body else data)
        line = self.rfile.readline(65537)
        if not line:
            raise ConnectionResetError("the runtime API closed the connection")
        status = int(line.split(None, 2)[1])
        fields = {}
        while True:
            line = self.rfile.readline(65537)
            if line in (b"\r\n", b"\n"):
                break
            if not line:
                raise ConnectionResetError("the runtime API closed the connection")
            name, _, value = line.partition(b":")
            fields[name.strip().lower().decode("latin-1")] = value.strip().decode("utf-8", "replace")
        length = int(fields.get("content-length") or 0)
        payload = self.rfile.read(length) if length else b""
        if len(payload) < length:
            raise ConnectionResetError("the runtime API closed the connection mid-body")
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, fields, payload


_conn = _RuntimeConnection(_host, int(_port), SOCKET_PATH)


def _request(method, path, body=None, headers=None):
    """One request on the persistent connection; reconnects once if the agent closed it."""
    for attempt in (0, 1):
        try:
            return _conn.request(method, path, body, headers)
        except OSError:
            _conn.close()
            if attempt:
                raise


# ---------------------------------------------------------------- context


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __init__(self):
        self.cognito_identity_id = None
        self.cognito_identity_pool_id = None


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]


def _obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for k in cls.__slots__:
        setattr(obj, k, d.get(k))
    return obj


class LambdaContext(object):
    def __init__(self, request_id, deadline_ms, invoked_function_arn, client_context, cognito_identity):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_function_arn
        self.function_name = _fn["functionName"]
        self.function_version = _fn["functionVersion"]
        self.memory_limit_in_mb = str(_fn["memoryMb"])
        self.log_group_name = _fn["logGroupName"]
        self.log_stream_name = _fn["logStreamName"]
        self._deadline_ms = deadline_ms
        self.identity = CognitoIdentity()
        if cognito_identity:
            try:
                ci = json.loads(cognito_identity)
                self.identity.cognito_identity_id = ci.get("cognitoIdentityId")
                self.identity.cognito_identity_pool_id = ci.get("cognitoIdentityPoolId")
            except ValueError:
                pass
        self.client_context = None
        if client_context:
            try:
                cc = json.loads(client_context)
                self.client_context = _obj_from_dict(ClientContext, cc)
                self.client_context.client = _obj_from_dict(Client, cc.get("client"))
            except (ValueError, AttributeError):
                self.client_context = None

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
            "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s])"
            % (self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
               self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
               self.client_context, self.identity)
        )


# ---------------------------------------------------------------- errors and results


def _error(error_type, message, stack_trace=None, request_id=None):
    e = {"errorMessage": message, "errorType": error_type, "stackTrace": stack_trace or []}
    if request_id is not None:
        e["requestId"] = request_id
    return e


def _fault(exc_info, request_id=None):
    """Lambda's shape for an exception raised by user code: runtime frames left out of the trace."""
    etype, value, tb = exc_info
    frames = [f for f in traceback.extract_tb(tb)
              if f.filename != BOOTSTRAP_FILE and not f.filename.startswith("<frozen importlib")]
    return _error(etype.__name__, str(value), traceback.format_list(frames), request_id)


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


_encoder = _Encoder(ensure_ascii=False, allow_nan=True)


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id
        return True


def _setup_logging():
    """As on Lambda: the root logger prints `[LEVEL]\ttime\trequest-id\tmessage` to stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"))
    handler.formatter.converter = time.gmtime
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())


def _log_error(error):
    """The error in the invocation's log, as Lambda prints it."""
    lines = ["[ERROR] %s: %s\n" % (error["errorType"], error["errorMessage"])]
    if error.get("stackTrace"):
        lines.append("Traceback (most recent call last):\n")
        lines.extend(error["stackTrace"])
    try:
        sys.stdout.write("".join(lines))
    except Exception:
        pass


class _TrackedText(io.TextIOWrapper):
    """sys.stdout / sys.stderr that remember being written to: an invocation that printed nothing
    needs no end mark, so nothing passes through the engine's log pipes for it."""

    written = False

    def write(self, s):
        self.written = True
        return io.TextIOWrapper.write(self, s)

    def writelines(self, lines):
        self.written = True
        return io.TextIOWrapper.writelines(self, lines)

    @property
    def buffer(self):
        # whoever takes the binary layer may write below us: count it as written
        self.written = True
        return io.TextIOWrapper.buffer.__get__(self)

    def fileno(self):
        self.written = True
        return io.TextIOWrapper.fileno(self)


def _track_output():
    """Same fds, encoding and write-through as the interpreter's streams (sys.__stdout__ keeps the
    originals alive, so their buffers are never closed under us)."""
    for name in ("stdout", "stderr"):
        old = getattr(sys, name)
        setattr(sys, name, _TrackedText(old.buffer, encoding=old.encoding, errors=old.errors,
                                        line_buffering=old.line_buffering, write_through=True))


def _end_of_invocation(request_id, every_stream=False):
    """Flush the function's output and mark its end on each stream it wrote to (the agent splits
    logs there); returns the streams marked, for the Stratus-Log-Sentinels header."""
    line = (SENTINEL % request_id).encode()
    marked = []
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = getattr(sys, name)
        try:
            stream.flush()
        except Exception:
            pass
        # a stream the function replaced is not tracked: mark it to be safe
        if every_stream or not isinstance(stream, _TrackedText) or stream.written:
            os.write(fd, line)
            marked.append(name)
            if isinstance(stream, _TrackedText):
                stream.written = False
    return ",".join(marked)


# ---------------------------------------------------------------- start-up


def _wait_for_function():
    """Long-poll /specialize until the agent hands this container a function (pre-warmed meanwhile)."""
    delay = 0.05
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _, body = _request("GET", "/2018-06-01/stratus/specialize")
            if status == 200:
                return json.loads(body)
            sys.stderr.write("stratus bootstrap: specialize answered %d: %s\n" % (status, body[:200].decode("utf8", "replace")))
        except OSError as e:
            _conn.close()
            sys.stderr.write("stratus bootstrap: cannot reach the runtime API at %s: %s\n" % (API, e))
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def _init_error(err):
    body = json.dumps(err).encode()
    sys.stderr.write(json.dumps({k: err[k] for k in ("errorType", "errorMessage")}) + "\n")
    sys.stderr.flush()
    try:
        _request("POST", "/2018-06-01/runtime/init/error", body,
                 {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": err["errorType"]})
    finally:
        os._exit(1)


def _forget_shadowed(top):
    """A function module named like a module this runtime preloaded (uuid.py, ...) must still load,
    as it would in a fresh interpreter with /var/task first on sys.path."""
    if top in sys.modules and (os.path.isfile(os.path.join(TASK_ROOT, top + ".py"))
                               or os.path.isdir(os.path.join(TASK_ROOT, top))):
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]


def _load_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        return _init_error(_error("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            return _init_error(_error("Runtime.BuiltInModuleConflict",
                                      "Cannot use built-in module %s as a handler module" % modname))
        _forget_shadowed(modname.replace("/", ".").split(".")[0])
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        return _init_error(_error("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        return _init_error(_error("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (modname, e), trace))
    except Exception:
        return _init_error(_fault(sys.exc_info()))
    fn = getattr(module, fname, None)
    if fn is None:
        return _init_error(_error("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname)))
    return fn


def _specialize(fn):
    """Become the function: its environment, cwd and import path, as Lambda sets them."""
    env = os.environ
    env.update(fn.get("env") or {})
    env["_HANDLER"] = fn["handler"]
    env["AWS_LAMBDA_FUNCTION_NAME"] = fn["functionName"]
    env["AWS_LAMBDA_FUNCTION_VERSION"] = str(fn["functionVersion"])
    env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = str(fn["memoryMb"])
    env["AWS_LAMBDA_LOG_GROUP_NAME"] = fn["logGroupName"]
    env["AWS_LAMBDA_LOG_STREAM_NAME"] = fn["logStreamName"]
    env["AWS_EXECUTION_ENV"] = "AWS_Lambda_python3.11"
    env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand"
    try:
        os.chdir(TASK_ROOT)
    except OSError:
        pass
    # /var/task is read-only: do not even try to write __pycache__ there.
    sys.dont_write_bytecode = True
    if TASK_ROOT not in sys.path:
        sys.path.insert(0, TASK_ROOT)
    importlib.invalidate_caches()


# ---------------------------------------------------------------- the loop

_fn = None
_request_id = None


def main():
    global _fn, _request_id
    _track_output()
    _setup_logging()
    _fn = _wait_for_function()
    _specialize(_fn)
    handler = _load_handler(_fn["handler"])

    next_path = "/2018-06-01/runtime/invocation/next"
    dumps = _encoder.encode
    loads = json.loads
    # Each post asks to be answered with the next invocation (Stratus-Next): one round trip per
    # invocation instead of two. An answer without a request id (202, 413, or an agent that does not
    # know the header) is followed by a plain GET /next.
    waiting = None
    while True:
        if waiting is None:
            status, headers, body = _request("GET", next_path)
        else:
            status, headers, body = waiting
            waiting = None
        if status != 200:
            sys.stderr.write("stratus bootstrap: /next answered %d: %s\n" % (status, body[:200].decode("utf8", "replace")))
            sys.exit(1)
        request_id = headers.get("lambda-runtime-aws-request-id")
        _request_id = request_id
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        error = None
        result = None
        try:
            event = loads(body)
        except ValueError as e:
            error = _error("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e, [], request_id)
        if error is None:
            context = LambdaContext(request_id, int(headers.get("lambda-runtime-deadline-ms") or 0),
                                    headers.get("lambda-runtime-invoked-function-arn"),
                                    headers.get("lambda-runtime-client-context"),
                                    headers.get("lambda-runtime-cognito-identity"))
            try:
                result = handler(event, context)
            except Exception:
                error = _fault(sys.exc_info(), request_id)
            except BaseException:
                # sys.exit / KeyboardInterrupt: as on Lambda the process ends (the agent reports
                # Runtime.ExitError); the output so far still belongs to this invocation.
                _end_of_invocation(request_id, every_stream=True)
                raise
        if error is None:
            try:
                payload = dumps(result).encode()
            except Exception as e:
                error = _error("Runtime.MarshalError", "Unable to marshal response: %s" % e, [], request_id)
        if error is not None:
            _log_error(error)
        marked = _end_of_invocation(request_id)
        if error is None:
            status, fields, answer = _request("POST", "/2018-06-01/runtime/invocation/%s/response" % request_id, payload,
                                              {"Content-Type": "application/json", "Stratus-Log-Sentinels": marked, "Stratus-Next": "1"})
        else:
            status, fields, answer = _request("POST", "/2018-06-01/runtime/invocation/%s/error" % request_id,
                                              json.dumps(error).encode(),
                                              {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error["errorType"],
                                               "Stratus-Log-Sentinels": marked, "Stratus-Next": "1"})
        if status == 200 and "lambda-runtime-aws-request-id" in fields:
            waiting = (status, fields, answer)
        elif status >= 300 and status != 413:  # 413: the agent already failed it as Function.ResponseSizeTooLarge
            sys.stderr.write("stratus bootstrap: posting the result of %s answered %d: %s\n" % (request_id, status, answer[:200].decode("utf8", "replace")))
        _request_id = None


if __name__ == "__main__":
    main()
