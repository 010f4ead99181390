import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';
import { pathToFileURL } from 'node:url';

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

export default defineConfig({
  plugins: [pinWorkspaceModuleUrls(), sveltekit()],
  server: { fs: { allow: ['..'] } },
  build: { chunkSizeWarningLimit: 800 },
});
