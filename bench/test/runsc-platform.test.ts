// The machine line names runsc's platform: read from `runsc flags`, whose help text differs between
// releases (Debian 12's 20221219 against Debian 13's 20240729, verbatim below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runscDefaultPlatform } from '../src/docker.ts';

test("reads the default platform from either release's help text", () => {
  const release20221219 = '  -platform string\n    \tspecifies which platform to use: ptrace (default), kvm. (default "ptrace")\n  -platform_device_path string\n';
  const release20240729 = '  -platform string\n    \tspecifies which platform to use: systrap (default), ptrace, kvm. (default "systrap")\n  -platform_device_path string\n';
  assert.equal(runscDefaultPlatform(release20221219), 'ptrace');
  assert.equal(runscDefaultPlatform(release20240729), 'systrap');
  assert.equal(runscDefaultPlatform('runsc: unknown subcommand'), 'unknown');
});
