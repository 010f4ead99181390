import type { PageServerLoad } from './$types';
import { attempt, platform } from '$lib/server/platform.ts';

export const load: PageServerLoad = async ({ params }) => {
  const fn = await attempt(platform.getFunction(params.name));
  return {
    name: params.name,
    fn,
    // streamed: the page shows its loading state until each arrives
    versions: attempt(platform.listVersions(params.name)),
    code: attempt(platform.getFunctionCode(params.name)),
  };
};
