import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The workspace packages (@stratus/proto, @stratus/common) are TypeScript sources, so the server
 * build bundles them. @stratus/proto finds its .proto files relative to its own module URL: in the
 * bundle that URL is pinned to the source file, so the built server loads the contract from the
 * checkout it was built in (scripts/serve.mjs rebuilds when the build is missing or stale).
 */
function pinWorkspaceModuleUrls(): Plugin {
  return {
    name: 'stratus-pin-module-urls',
    apply: 'build',
    transform(code, id) {
      if (!/\/proto\/src\/[^/]+\.ts$/.test(id) || !code.includes('import.meta.url')) return null;
      return { code: code.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(id).href)), map: null };
    },
  };
}

/**
 * The shared validation rules (@stratus/common validation.ts) run in the page too; their error
 * catalog imports @grpc/grpc-js for status numbers. The browser bundle gets a tiny stand-in.
 */
function browserGrpcShim(): Plugin {
  const shim = fileURLToPath(new URL('./src/lib/shims/grpc-js-browser.ts', import.meta.url));
  return {
    name: 'stratus-browser-grpc-shim',
    enforce: 'pre',
    resolveId(id, _importer, options) {
      if (id === '@grpc/grpc-js' && !options?.ssr) return shim;
      return null;
    },
  };
}

export default defineConfig({
  plugins: [pinWorkspaceModuleUrls(), browserGrpcShim(), sveltekit()],
  server: { fs: { allow: ['..'] } },
  build: { chunkSizeWarningLimit: 800 },
});
