"""Supervisor of `provided` containers: waits, pre-warmed, for the agent's /specialize answer, sets the
function's environment as Lambda does, then execs /var/task/bootstrap, which speaks the Runtime API
itself (docs/runtime-protocol.md). Reports Runtime.InvalidEntrypoint when there is no executable bootstrap.
"""
import http.client
import json
import os
import sys
import time

API = os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
TASK_ROOT = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
ENTRYPOINT = os.path.join(TASK_ROOT, "bootstrap")
host, _, port = API.rpartition(":")


def request(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(host, int(port))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_for_function():
    delay = 0.05
    deadline = time.monotonic() + 60
    while True:
        try:
            status, body = request("GET", "/2018-06-01/stratus/specialize")
            if status == 200:
                return json.loads(body)
            sys.stderr.write("stratus supervisor: specialize answered %d: %s\n" % (status, body[:200].decode("utf8", "replace")))
        except OSError as e:
            sys.stderr.write("stratus supervisor: cannot reach the runtime API at %s: %s\n" % (API, e))
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(delay)
        delay = min(delay * 2, 1.0)


def init_error(message):
    err = {"errorType": "Runtime.InvalidEntrypoint", "errorMessage": message, "stackTrace": []}
    sys.stderr.write(json.dumps(err) + "\n")
    sys.stderr.flush()
    try:
        request("POST", "/2018-06-01/runtime/init/error", json.dumps(err).encode(),
                {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": err["errorType"]})
    finally:
        os._exit(1)


def main():
    fn = wait_for_function()
    env = os.environ
    env.update(fn.get("env") or {})
    env["_HANDLER"] = fn["handler"]
    env["AWS_LAMBDA_FUNCTION_NAME"] = fn["functionName"]
    env["AWS_LAMBDA_FUNCTION_VERSION"] = str(fn["functionVersion"])
    env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = str(fn["memoryMb"])
    env["AWS_LAMBDA_LOG_GROUP_NAME"] = fn["logGroupName"]
    env["AWS_LAMBDA_LOG_STREAM_NAME"] = fn["logStreamName"]
    env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand"
    try:
        os.chdir(TASK_ROOT)
    except OSError:
        pass
    if not os.path.isfile(ENTRYPOINT):
        init_error("Couldn't find valid bootstrap(s): [%s]" % ENTRYPOINT)
    if not os.access(ENTRYPOINT, os.X_OK):
        init_error("fork/exec %s: permission denied" % ENTRYPOINT)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execv(ENTRYPOINT, [ENTRYPOINT])
    except OSError as e:
        init_error("fork/exec %s: %s" % (ENTRYPOINT, e.strerror or e))


if __name__ == "__main__":
    main()
