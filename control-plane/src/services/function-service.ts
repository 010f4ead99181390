// FunctionService: deploy, update, read and delete functions. Every create or update makes a new
// immutable version; each committed change goes out to Watch streams as function_changed/deleted.
import { StratusError, unary, type Logger, type StratusConfig } from '@stratus/common';
import { inspectZip, prepareCode, assertHandlerInCode, readZipFiles } from '@stratus/common/code-archive.ts';
import { mergeFunctionUpdate, validateFunctionSettings, validateName, type FunctionSettings } from '@stratus/common/validation.ts';
import type { FunctionServiceHandlers } from '@stratus/proto';
import type { ChangeBus } from '../nodes/change-bus';
import type { NodeRegistry } from '../nodes/node-registry';
import type { FunctionStore, StoredCode } from '../store/functions-repo';
import { failStream } from './grpc-util';

export interface FunctionServiceDeps {
  functions: FunctionStore;
  nodes: NodeRegistry;
  bus: ChangeBus;
  config: Pick<StratusConfig, 'defaultBackend'>;
  logger: Logger;
}

export const CODE_CHUNK_BYTES = 1024 * 1024;
/** GetFunctionCode shows text files up to this size each (larger ones are listed without content). */
const SHOWN_FILE_BYTES = 1024 * 1024;
const SHOWN_TOTAL_BYTES = 8 * 1024 * 1024;

/** Refuses a backend that no live agent offers (FAILED_PRECONDITION naming it and why). */
function ensureBackendAvailable(nodes: NodeRegistry, backend: string): void {
  const check = nodes.checkBackend(backend);
  if (!check.ok) {
    throw new StratusError('BACKEND_UNAVAILABLE', `backend: ${backend} is not available on any agent (${check.reason})`, { field: 'backend' });
  }
}

const toStored = (c: { zip: Buffer; sha256: string; size: number; files: number; unpackedBytes: number }): StoredCode => ({
  zip: c.zip, sha256: c.sha256, size: c.size, files: c.files, unpackedBytes: c.unpackedBytes,
});

function isText(data: Buffer): boolean {
  if (data.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

export function makeFunctionService(deps: FunctionServiceDeps): FunctionServiceHandlers {
  const { functions, nodes, bus, config, logger } = deps;

  return {
    CreateFunction: unary(async (req) => {
      const settings = validateFunctionSettings(req, { defaultBackend: config.defaultBackend });
      ensureBackendAvailable(nodes, settings.backend);
      const code = await prepareCode({ zip: req.zip, files: req.files }, settings.runtime, settings.handler);
      const record = await functions.create(settings, toStored(code));
      logger.info({ function: settings.name, version: 1, code: code.sha256.slice(0, 12), backend: settings.backend }, 'function created');
      bus.publish({ functionChanged: { function: record.spec } });
      return record.spec;
    }),

    UpdateFunction: unary(async (req) => {
      const name = validateName(req.name);
      const current = await functions.get(name);
      const settings: FunctionSettings = validateFunctionSettings(mergeFunctionUpdate(current.settings, req), { defaultBackend: config.defaultBackend });
      if (req.backend) ensureBackendAvailable(nodes, settings.backend);
      const newCode = (req.zip && req.zip.length > 0) || (req.files && Object.keys(req.files).length > 0);
      let code: StoredCode | { sha256: string };
      if (newCode) {
        code = toStored(await prepareCode({ zip: req.zip, files: req.files }, settings.runtime, settings.handler));
      } else {
        code = { sha256: current.spec.codeSha256 };
        if (settings.runtime !== current.settings.runtime || settings.handler !== current.settings.handler) {
          const zip = await functions.getCode(current.spec.codeSha256);
          if (!zip) throw new StratusError('INTERNAL', `code ${current.spec.codeSha256} of ${name} is missing from the store`);
          assertHandlerInCode(settings.runtime, settings.handler, (await inspectZip(zip)).paths);
        }
      }
      const record = await functions.addVersion(settings, code);
      logger.info({ function: name, version: record.spec.version, backend: settings.backend }, 'function updated');
      bus.publish({ functionChanged: { function: record.spec } });
      return record.spec;
    }),

    GetFunction: unary(async (req) => (await functions.get(validateName(req.name), req.version || undefined)).spec),

    ListFunctions: unary(async (req) => ({ functions: (await functions.listLatest(req.prefix)).map((r) => r.spec) })),

    DeleteFunction: unary(async (req) => {
      const name = validateName(req.name);
      const versionsDeleted = await functions.delete(name);
      logger.info({ function: name, versionsDeleted }, 'function deleted');
      bus.publish({ functionDeleted: { name } });
      return { name, versionsDeleted };
    }),

    ListVersions: unary(async (req) => ({ versions: (await functions.listVersions(validateName(req.name))).map((r) => r.spec) })),

    GetFunctionCode: unary(async (req) => {
      const record = await functions.get(validateName(req.name), req.version || undefined);
      const zip = await functions.getCode(record.spec.codeSha256);
      if (!zip) throw new StratusError('NOT_FOUND', `code ${record.spec.codeSha256} not found`, { field: 'name' });
      let shown = 0;
      const files = (await readZipFiles(zip))
        .filter((f) => f.kind === 'file')
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((f) => {
          const text = isText(f.data);
          const show = text && f.data.length <= SHOWN_FILE_BYTES && shown + f.data.length <= SHOWN_TOTAL_BYTES;
          if (show) shown += f.data.length;
          return { path: f.path, content: show ? f.data.toString('utf8') : '', size: f.data.length, binary: !text };
        });
      return { name: record.spec.name, version: record.spec.version, codeSha256: record.spec.codeSha256, files };
    }),

    GetCodeArchive: (call) => {
      void (async () => {
        const sha = call.request.sha256;
        if (!/^[0-9a-f]{64}$/.test(sha)) throw new StratusError('INVALID_ARGUMENT', 'sha256: must be 64 lowercase hex digits', { field: 'sha256' });
        const zip = await functions.getCode(sha);
        if (!zip) throw new StratusError('NOT_FOUND', `code archive ${sha} not found`, { field: 'sha256' });
        for (let at = 0; at < zip.length && !call.cancelled; at += CODE_CHUNK_BYTES) {
          const ok = call.write({ data: zip.subarray(at, at + CODE_CHUNK_BYTES) });
          if (!ok) await new Promise<void>((resolve) => {
            call.once('drain', resolve);
            call.once('cancelled', resolve);
          });
        }
        call.end();
      })().catch((err) => failStream(call, err));
    },
  };
}
