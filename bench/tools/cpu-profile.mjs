// A V8 CPU profile of a running Stratus component, on demand: load it into the components and send
// SIGUSR2 once to start sampling and once more to write <dir>/<component>-<pid>.cpuprofile
// (Chrome DevTools' format; summarize it with profile-summary.mjs). Only the control plane, the node
// agent and the gateway profile themselves; other Node processes (the launcher, the CLI) ignore it.
//   STRATUS_PROFILE_DIR=/tmp/prof NODE_OPTIONS="--import $PWD/bench/tools/cpu-profile.mjs" npm start
//   kill -USR2 <pids>; (load); kill -USR2 <pids>
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector';

const component = /(node-agent|http-gateway|control-plane)\/src\/main\.ts$/.exec(process.argv[1] ?? '')?.[1];
if (component) {
  const dir = process.env.STRATUS_PROFILE_DIR ?? '/tmp';
  const session = new Session();
  session.connect();
  let sampling = false;
  process.on('SIGUSR2', () => {
    if (!sampling) {
      sampling = true;
      // 200 µs between samples: a no-op invocation costs each component 50-150 µs of CPU
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
      return;
    }
    sampling = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) return void process.stderr.write(`cpu-profile: ${err.message}\n`);
      const file = path.join(dir, `${component}-${process.pid}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(result.profile));
      process.stderr.write(`cpu-profile: wrote ${file}\n`);
    });
  });
}
