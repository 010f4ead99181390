import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { platform, type FunctionFields } from '$lib/server/platform.ts';
import { errorResponse, badRequest, readJson } from '$lib/server/http.ts';
import { requestToFields } from '$lib/server/function-request.ts';

export const GET: RequestHandler = async ({ params }) => {
  try {
    return json(await platform.getFunction(params.name));
  } catch (err) {
    return errorResponse(err);
  }
};

export const PUT: RequestHandler = async ({ params, request }) => {
  const body = await readJson(request);
  if (!body || typeof body !== 'object') return badRequest('the request body must be a JSON object');
  let fields: FunctionFields;
  try {
    fields = requestToFields({ ...(body as Record<string, unknown>), name: params.name });
  } catch (err) {
    return errorResponse(err);
  }
  try {
    return json(await platform.updateFunction(fields));
  } catch (err) {
    return errorResponse(err);
  }
};

export const DELETE: RequestHandler = async ({ params }) => {
  try {
    return json(await platform.deleteFunction(params.name));
  } catch (err) {
    return errorResponse(err);
  }
};
