import type { RequestHandler } from './$types';
import { json } from '@sveltejs/kit';
import { platform, type FunctionFields } from '$lib/server/platform.ts';
import { errorResponse, badRequest, readJson } from '$lib/server/http.ts';
import { requestToFields } from '$lib/server/function-request.ts';

export const GET: RequestHandler = async () => {
  try {
    return json({ functions: await platform.listFunctions() });
  } catch (err) {
    return errorResponse(err);
  }
};

export const POST: RequestHandler = async ({ request }) => {
  const body = await readJson(request);
  if (!body || typeof body !== 'object') return badRequest('the request body must be a JSON object');
  let fields: FunctionFields;
  try {
    fields = requestToFields(body as Record<string, unknown>);
  } catch (err) {
    return errorResponse(err);
  }
  try {
    return json(await platform.createFunction(fields), { status: 201 });
  } catch (err) {
    return errorResponse(err);
  }
};
