import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { platform } from '$lib/server/platform.ts';
import { errorResponse } from '$lib/server/http.ts';

export const GET: RequestHandler = async ({ params }) => {
  try {
    return json(await platform.getInvocation(params.id));
  } catch (err) {
    return errorResponse(err);
  }
};
