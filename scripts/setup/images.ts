// The runtime images (node-agent/src/images builds them: debootstrap'd Debian base, official Node.js
// binaries, each runtime's bootstrap), cached by content hash.
import { createLogger } from '@stratus/common';
import { ensureRuntimeImagesDetailed, type RuntimeImageInfo } from '@stratus/node-agent/images/index.ts';
import { formatBytes, formatMs, type StepOutcome, type StepReporter } from './report';

export async function ensureImages(r: StepReporter): Promise<StepOutcome & { images: RuntimeImageInfo[] }> {
  // Progress goes to the terminal through the reporter; the builder's own log lines stay quiet.
  const logger = createLogger('images');
  logger.level = 'warn';
  const images = await ensureRuntimeImagesDetailed({ logger, onProgress: (msg) => r.progress(msg) });
  const parts = images.map((i) => `${i.runtime} ${formatBytes(i.sizeBytes)}${i.built ? ` built in ${formatMs(i.buildMs)}` : ''}`);
  const built = images.filter((i) => i.built).length;
  return { status: 'ok', detail: `${built ? `${built} built, ${images.length - built} cached` : 'all cached'}: ${parts.join(', ')}`, images };
}
