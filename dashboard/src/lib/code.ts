// Code helpers for the editor and the viewer: language from a file name, starter templates.
export function languageFor(path: string): 'python' | 'javascript' | 'json' | 'text' {
  if (/\.py$/.test(path)) return 'python';
  if (/\.(m|c)?js$|\.ts$/.test(path)) return 'javascript';
  if (/\.json$/.test(path)) return 'json';
  return 'text';
}

export const TEMPLATES: Record<string, { handler: string; file: string; code: string }> = {
  'python3.11': {
    handler: 'app.handler',
    file: 'app.py',
    code: `import json

def handler(event, context):
    name = (event or {}).get("name", "world")
    print(f"hello from {context.function_name}, {context.get_remaining_time_in_millis()} ms left")
    return {"message": f"Hello, {name}!"}
`,
  },
  'nodejs20.x': {
    handler: 'index.handler',
    file: 'index.js',
    code: `exports.handler = async (event, context) => {
  const name = (event && event.name) || 'world';
  console.log(\`hello from \${context.functionName}\`);
  return { message: \`Hello, \${name}!\` };
};
`,
  },
  'nodejs22.x': {
    handler: 'index.handler',
    file: 'index.mjs',
    code: `export const handler = async (event, context) => {
  const name = event?.name ?? 'world';
  console.log(\`hello from \${context.functionName}\`);
  return { message: \`Hello, \${name}!\` };
};
`,
  },
  provided: {
    handler: '',
    file: 'bootstrap',
    code: `#!/bin/sh
# A custom runtime: speak the Lambda Runtime API yourself.
set -eu
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  curl -sS -X POST "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "$EVENT"
done
`,
  },
};
