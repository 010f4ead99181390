import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { platform } from '$lib/server/platform.ts';
import { errorResponse } from '$lib/server/http.ts';

export const GET: RequestHandler = async ({ params, url }) => {
  try {
    return json(await platform.getFunctionCode(params.name, Number(url.searchParams.get('version') ?? 0) || 0));
  } catch (err) {
    return errorResponse(err);
  }
};
