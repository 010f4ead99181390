import type { PageServerLoad } from './$types';
import { attempt, platform } from '$lib/server/platform.ts';

export const load: PageServerLoad = async ({ params }) => {
  const [fn, code] = await Promise.all([attempt(platform.getFunction(params.name)), attempt(platform.getFunctionCode(params.name))]);
  return { name: params.name, fn, code };
};
